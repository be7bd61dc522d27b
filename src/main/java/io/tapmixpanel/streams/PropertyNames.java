package io.tapmixpanel.streams;

/**
 * How Mixpanel property names become column names (docs/streams.md "Streams"), compatible with singer-io/tap-mixpanel:
 * a leading {@code $} becomes {@code mp_reserved_} ({@code $insert_id} → {@code mp_reserved_insert_id}).
 *
 * <p><b>Collision rule.</b> A project can hold both {@code $browser} and a literal {@code mp_reserved_browser}
 * (typically data re-imported from an earlier export). So that neither overwrites the other, the mapping is
 * one-to-one: a source name that itself starts with {@code mp_reserved_} or {@code mp_literal_} is prefixed with
 * {@code mp_literal_} ({@code mp_reserved_browser} → {@code mp_literal_mp_reserved_browser}). Output names that
 * start with {@code mp_reserved_} therefore always come from {@code $} names, and every other name is unchanged.
 * The rule depends only on the name, so discovery and every record agree without looking at each other.
 */
public final class PropertyNames {
    static final String RESERVED = "mp_reserved_";
    static final String LITERAL = "mp_literal_";

    private PropertyNames() {}

    /** The column name of a Mixpanel property name. */
    public static String column(String source) {
        if (source.startsWith("$")) return RESERVED + source.substring(1);
        if (source.startsWith(RESERVED) || source.startsWith(LITERAL)) return LITERAL + source;
        return source;
    }

    /**
     * The column name of an export event property. Export records put {@code event} beside the properties, and
     * {@code properties} with export_raw_properties, so a property literally named {@code event} or
     * {@code properties} is escaped like the other literals rather than overwrite it (whatever the setting, so that
     * the mapping depends only on the name).
     */
    public static String exportColumn(String source) {
        return source.equals("event") || source.equals("properties") ? LITERAL + source : column(source);
    }

    /** The column name of a profile property: {@code distinct_id} sits beside them, so a literal one is escaped. */
    public static String engageColumn(String source) {
        return source.equals("distinct_id") ? LITERAL + source : column(source);
    }

    /** The Mixpanel property name of a column name (the inverse of {@link #column}). */
    public static String source(String column) {
        if (column.startsWith(RESERVED)) return "$" + column.substring(RESERVED.length());
        if (column.startsWith(LITERAL)) return column.substring(LITERAL.length());
        return column;
    }
}
