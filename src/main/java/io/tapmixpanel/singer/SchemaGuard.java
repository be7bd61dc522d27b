package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one stream's SCHEMA true to its RECORDs (docs/streams.md "Values and types"): every record must validate against the latest SCHEMA
 * written, and no value is dropped or mangled to make it fit. When a value does not fit its property's declared
 * schema, the schema is <em>widened</em> (never narrowed) and {@link #version()} goes up; the caller then writes
 * the new SCHEMA ({@link #versioned()}) before the record. Because widening only ever admits more, a record that
 * fitted an older version also fits every later one.
 *
 * <p>How a misfit is widened:
 * <ul>
 *   <li>a JSON type the property does not allow: the type is added to its {@code type} list
 *       ({@code "string"} becomes {@code ["string","integer"]}); an integer fits {@code number};</li>
 *   <li>a string that is not an RFC 3339 date-time (or date) in a {@code format: date-time} ({@code date})
 *       property: the {@code format} is removed, so the property becomes a plain string. No {@code anyOf}
 *       pairing a plain string with a date-time is ever produced;</li>
 *   <li>{@code anyOf}/{@code oneOf}: a branch that takes the value's JSON type is widened, else a branch
 *       {@code {"type": T}} is appended; a widened {@code oneOf} becomes an {@code anyOf} (a new branch could
 *       make earlier values match two);</li>
 *   <li>nested objects and array items are checked against their declared {@code properties} / {@code items}
 *       and widened the same way; an unknown nested key under {@code additionalProperties: false} is added as
 *       a property; {@code required} names missing from a value are removed from {@code required};</li>
 *   <li>violated value constraints ({@code enum}, {@code const}, {@code pattern}, lengths, bounds,
 *       {@code multipleOf}, item counts) are relaxed: the value is added to the {@code enum}, the keyword is
 *       removed otherwise.</li>
 * </ul>
 * A top-level property absent from the schema: under {@code additionalProperties: false} the caller drops it
 * ({@link #keeps(String)}, {@link #dropUndeclared(ObjectNode)}); otherwise it is added as
 * {@code {"type": ["null", T]}} so targets learn the column (a null value teaches nothing and adds nothing).
 * Formats other than {@code date-time} and {@code date} are not checked.
 *
 * <p>The rules live in two pure classes, {@link SchemaFit} (does a value fit) and {@link SchemaWidening} (widen a
 * schema until it does); this class holds the stream's current schema and its versions. Two ways in. The tree
 * path, {@link #admit(ObjectNode)}, checks whole records. The streaming path, for the export renderer (which works
 * on the raw bytes of each value, without a tree), asks per top-level value {@link #fits(String, int)} with the
 * value's type bit: allocation-free reads of immutable per-property descriptions, so any number of threads may
 * check concurrently; the rare changes ({@link #widen(String, int)}, {@link #dropFormat(String)},
 * {@link #admitValue(String, JsonNode)}) are synchronized. On that path the caller checks strings of
 * {@link #isDateTime(String)} properties itself ({@link #formatFits(String, String)}), and sends values of
 * properties where {@link #needsTreeCheck(String)} is true through {@link #admitValue(String, JsonNode)}.
 *
 * <p>A change describes again only the properties it touched, then moves the (volatile) version: a window or page
 * that brings N new properties costs O(N), where rebuilding every description per change cost O(N²) (16,000 new
 * properties took minutes). A reader that saw version v sees at least the schema of version v, possibly a later
 * one, which only admits more: answers a caller caches per version (the export renderer's columns) stay true.
 *
 * <p>With windows rendered in parallel into spools, the simplest correct order is: the writer thread, before
 * appending a spool, writes {@link #versioned()} if {@link #version()} moved since the SCHEMA it last wrote;
 * every widening the spool's records relied on happened before the spool was complete.
 */
public final class SchemaGuard {
    /** Type bits of the streaming path: a value's JSON type, or'ed into the mask of the types a property takes. */
    public static final int NULL = JsonTypes.NULL, BOOLEAN = JsonTypes.BOOLEAN, INTEGER = JsonTypes.INTEGER,
            NUMBER = JsonTypes.NUMBER, STRING = JsonTypes.STRING, ARRAY = JsonTypes.ARRAY, OBJECT = JsonTypes.OBJECT;

    /** Keywords that do not constrain a value beyond its type (and checked formats), for the streaming path. */
    private static final Set<String> SHALLOW_KEYWORDS = Set.of("type", "format", "description", "title", "$comment",
            "examples", "default", "readOnly", "writeOnly", "deprecated", "inclusion", "selected",
            "contentMediaType", "contentEncoding");

    /** What the streaming path needs to know about one top-level property. */
    private record Prop(int mask, String format, boolean deep) {}

    /** A schema together with the version it is. */
    public record Versioned(long version, ObjectNode schema) {}

    private final ObjectNode schema; // guarded by this
    /** Widening never changes the top-level {@code additionalProperties}. */
    private final boolean additionalAllowed;
    /** The top-level properties' descriptions; an entry is replaced (under the lock) when its property changes. */
    private final ConcurrentHashMap<String, Prop> props = new ConcurrentHashMap<>();
    /** Moved after the descriptions it covers are in {@link #props}; written under the lock. */
    private volatile long version = 1;
    private long described; // guarded by this

    /** Guards a copy of {@code schema} (top-level {@code type: object}); starts at version 1. */
    public SchemaGuard(ObjectNode schema) {
        this.schema = schema.deepCopy();
        JsonNode additional = this.schema.get("additionalProperties");
        this.additionalAllowed = additional == null || !additional.isBoolean() || additional.booleanValue();
        if (this.schema.get("properties") instanceof ObjectNode p) {
            for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) describe(it.next());
        }
    }

    // ---------------------------------------------------------------- versions

    public long version() {
        return version;
    }

    /** A deep copy of the current schema with its version, taken atomically. */
    public synchronized Versioned versioned() {
        return new Versioned(version, schema.deepCopy());
    }

    // ---------------------------------------------------------------- top-level properties

    public boolean isDeclared(String property) {
        return props.containsKey(property);
    }

    /** Whether a top-level property may be emitted: declared, or additional properties are allowed. */
    public boolean keeps(String property) {
        return additionalAllowed || props.containsKey(property);
    }

    /**
     * Declares a top-level property the stream always writes (an automatic one, such as its replication key) as
     * {@code propertySchema} when the schema lacks it, whatever {@code additionalProperties} says; true when the
     * schema changed. A declared property is left as it is: values still widen it as usual.
     */
    public synchronized boolean declare(String property, ObjectNode propertySchema) {
        if (properties().has(property)) return false;
        properties().set(property, propertySchema.deepCopy());
        describe(property);
        bump();
        return true;
    }

    /** Removes the top-level properties the schema does not allow; returns how many. */
    public int dropUndeclared(ObjectNode record) {
        if (additionalAllowed) return 0;
        int dropped = 0;
        for (Iterator<String> it = record.fieldNames(); it.hasNext(); ) {
            if (!props.containsKey(it.next())) {
                it.remove();
                dropped++;
            }
        }
        return dropped;
    }

    // ---------------------------------------------------------------- streaming path

    /** The type bit of a tree value (a missing node counts as null). */
    public static int typeBitOf(JsonNode v) {
        return JsonTypes.bitOf(v);
    }

    /**
     * Whether a value of this type needs no schema change: the property allows the type, or it is undeclared,
     * additional properties are allowed and the value is null. Allocation-free. For properties where
     * {@link #needsTreeCheck(String)} is true this is necessary, not sufficient.
     */
    public boolean fits(String property, int typeBit) {
        Prop p = props.get(property);
        if (p == null) return typeBit == NULL && additionalAllowed;
        return (p.mask & typeBit) != 0;
    }

    /**
     * Makes the property allow the type (declaring it as {@code ["null", T]} when absent); true when the schema
     * changed. Does nothing for an undeclared property under {@code additionalProperties: false}.
     */
    public synchronized boolean widen(String property, int typeBit) {
        if (fits(property, typeBit)) return false;
        if (!SchemaWidening.admitType(properties(), property, typeBit, additionalAllowed)) return false;
        describe(property);
        bump();
        return true;
    }

    /** Whether the property is declared {@code format: date-time}. */
    public boolean isDateTime(String property) {
        Prop p = props.get(property);
        return p != null && "date-time".equals(p.format);
    }

    /** Whether a string value satisfies the property's checked {@code format} (date-time, date), if any. */
    public boolean formatFits(String property, String value) {
        Prop p = props.get(property);
        return p == null || p.format == null || SchemaFit.formatHolds(p.format, value);
    }

    /** Removes the property's {@code format} (a string that is not one arrived); true when the schema changed. */
    public synchronized boolean dropFormat(String property) {
        if (properties().get(property) instanceof ObjectNode po && po.remove("format") != null) {
            describe(property);
            bump();
            return true;
        }
        return false;
    }

    /** Whether values of this property carry constraints beyond their type and format (nested schemas...). */
    public boolean needsTreeCheck(String property) {
        Prop p = props.get(property);
        return p != null && p.deep;
    }

    // ---------------------------------------------------------------- tree path

    /**
     * Checks a whole record and widens what does not fit; true when the schema changed (write the SCHEMA before
     * the record). Undeclared properties under {@code additionalProperties: false} are left for the caller to drop.
     */
    public synchronized boolean admit(ObjectNode record) {
        boolean changed = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (SchemaWidening.admitProperty(properties(), e.getKey(), e.getValue(), additionalAllowed)) {
                describe(e.getKey());
                changed = true;
            }
        }
        changed |= SchemaWidening.relaxRequired(schema, record);
        if (changed) bump();
        return changed;
    }

    /** As {@link #admit(ObjectNode)} for one top-level value. */
    public synchronized boolean admitValue(String property, JsonNode value) {
        boolean changed = SchemaWidening.admitProperty(properties(), property, value, additionalAllowed);
        if (changed) {
            describe(property);
            bump();
        }
        return changed;
    }

    // ---------------------------------------------------------------- descriptions

    private ObjectNode properties() {
        return schema.get("properties") instanceof ObjectNode p ? p : schema.putObject("properties");
    }

    /** Publishes the changes made since the last version (their descriptions are already in place). */
    private void bump() {
        version = version + 1; // only ever written under the lock
    }

    /** (Re)describes one top-level property after it changed; only what changed is described again. */
    private void describe(String property) {
        props.put(property, describe(properties().get(property)));
        described++;
    }

    /** How many property descriptions were built so far: the cost of widening, for tests. */
    synchronized long propertiesDescribed() {
        return described;
    }

    private static Prop describe(JsonNode s) {
        if (!s.isObject()) return new Prop(s.isBoolean() && !s.booleanValue() ? 0 : JsonTypes.ALL, null, false);
        boolean deep = false;
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            if (!SHALLOW_KEYWORDS.contains(it.next())) {
                deep = true;
                break;
            }
        }
        JsonNode f = s.get("format");
        String format = f != null && f.isTextual() && (f.asText().equals("date-time") || f.asText().equals("date"))
                ? f.asText() : null;
        return new Prop(JsonTypes.maskOf(s), format, deep);
    }
}
