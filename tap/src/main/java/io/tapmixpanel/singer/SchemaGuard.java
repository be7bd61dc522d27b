package io.tapmixpanel.singer;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps one stream's SCHEMA true to its RECORDs (README "Values and types"): every record must validate against the latest SCHEMA
 * written, and no value is dropped or mangled to make it fit. When a value does not fit its property's declared
 * schema, the schema is <em>widened</em> (never narrowed) and {@link #version()} goes up; the caller then writes
 * the new SCHEMA ({@link #snapshot()}) before the record. Because widening only ever admits more, a record that
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
 * <p>Two ways in. The tree path, {@link #admit(ObjectNode)}, checks whole records. The streaming path, for the
 * export hot loop, asks per top-level value {@link #fits(String, int)} with {@link #typeBitOf(JsonToken)}:
 * allocation-free reads of an immutable per-property snapshot published through a volatile field, so any number
 * of threads may check concurrently; the rare changes ({@link #widen(String, int)}, {@link #dropFormat(String)},
 * {@link #admitValue(String, JsonNode)}) are synchronized. On that path the caller checks strings of
 * {@link #isDateTime(String)} properties itself ({@link #formatFits(String, String)}), and sends values of
 * properties where {@link #needsTreeCheck(String)} is true through {@link #admitValue(String, JsonNode)}.
 *
 * <p>With windows rendered in parallel into spools, the simplest correct order is: the writer thread, before
 * appending a spool, writes {@link #snapshot()} if {@link #version()} moved since the SCHEMA it last wrote;
 * every widening the spool's records relied on happened before the spool was complete.
 */
public final class SchemaGuard {
    public static final int NULL = 1, BOOLEAN = 1 << 1, INTEGER = 1 << 2, NUMBER = 1 << 3, STRING = 1 << 4,
            ARRAY = 1 << 5, OBJECT = 1 << 6;
    private static final int ALL = NULL | BOOLEAN | INTEGER | NUMBER | STRING | ARRAY | OBJECT;
    private static final String[] TYPE_NAMES = {"null", "boolean", "integer", "number", "string", "array", "object"};

    /** Keywords that do not constrain a value beyond its type (and checked formats), for the streaming path. */
    private static final Set<String> SHALLOW_KEYWORDS = Set.of("type", "format", "description", "title", "$comment",
            "examples", "default", "readOnly", "writeOnly", "deprecated", "inclusion", "selected",
            "contentMediaType", "contentEncoding");

    /** What the streaming path needs to know about one top-level property. */
    private record Prop(int mask, String format, boolean deep) {}

    private record Snapshot(long version, Map<String, Prop> props, boolean additionalAllowed) {}

    /** A schema together with the version it is. */
    public record Versioned(long version, ObjectNode schema) {}

    private final ObjectNode schema; // guarded by this
    private volatile Snapshot snap;

    /** Guards a copy of {@code schema} (top-level {@code type: object}); starts at version 1. */
    public SchemaGuard(ObjectNode schema) {
        this.schema = schema.deepCopy();
        this.snap = build(1);
    }

    // ---------------------------------------------------------------- versions

    public long version() {
        return snap.version;
    }

    /** A deep copy of the current schema. */
    public synchronized ObjectNode snapshot() {
        return schema.deepCopy();
    }

    /** A deep copy of the current schema with its version, taken atomically. */
    public synchronized Versioned versioned() {
        return new Versioned(snap.version, schema.deepCopy());
    }

    // ---------------------------------------------------------------- top-level properties

    public boolean isDeclared(String property) {
        return snap.props.containsKey(property);
    }

    /** False when the top-level {@code additionalProperties} is {@code false}. */
    public boolean allowsAdditionalProperties() {
        return snap.additionalAllowed;
    }

    /** Whether a top-level property may be emitted: declared, or additional properties are allowed. */
    public boolean keeps(String property) {
        Snapshot s = snap;
        return s.additionalAllowed || s.props.containsKey(property);
    }

    /** Removes the top-level properties the schema does not allow; returns how many. */
    public int dropUndeclared(ObjectNode record) {
        Snapshot s = snap;
        if (s.additionalAllowed) return 0;
        int dropped = 0;
        for (Iterator<String> it = record.fieldNames(); it.hasNext(); ) {
            if (!s.props.containsKey(it.next())) {
                it.remove();
                dropped++;
            }
        }
        return dropped;
    }

    // ---------------------------------------------------------------- streaming path

    /** The type bit of the token that starts a value, or 0 for tokens that do not start one. */
    public static int typeBitOf(JsonToken t) {
        if (t == null) return 0;
        return switch (t) {
            case VALUE_NULL -> NULL;
            case VALUE_TRUE, VALUE_FALSE -> BOOLEAN;
            case VALUE_NUMBER_INT -> INTEGER;
            case VALUE_NUMBER_FLOAT -> NUMBER;
            case VALUE_STRING -> STRING;
            case START_ARRAY -> ARRAY;
            case START_OBJECT -> OBJECT;
            default -> 0;
        };
    }

    public static int typeBitOf(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return NULL;
        if (v.isBoolean()) return BOOLEAN;
        if (v.isIntegralNumber()) return INTEGER;
        if (v.isNumber()) return NUMBER;
        if (v.isTextual()) return STRING;
        if (v.isArray()) return ARRAY;
        if (v.isObject()) return OBJECT;
        return STRING; // binary/POJO nodes serialize as strings
    }

    /**
     * Whether a value of this type needs no schema change: the property allows the type, or it is undeclared,
     * additional properties are allowed and the value is null. Allocation-free. For properties where
     * {@link #needsTreeCheck(String)} is true this is necessary, not sufficient.
     */
    public boolean fits(String property, int typeBit) {
        Snapshot s = snap;
        Prop p = s.props.get(property);
        if (p == null) return typeBit == NULL && s.additionalAllowed;
        return (p.mask & typeBit) != 0;
    }

    /**
     * Makes the property allow the type (declaring it as {@code ["null", T]} when absent); true when the schema
     * changed. Does nothing for an undeclared property under {@code additionalProperties: false}.
     */
    public synchronized boolean widen(String property, int typeBit) {
        if (fits(property, typeBit)) return false;
        ObjectNode props = properties();
        JsonNode p = props.get(property);
        if (p == null) {
            if (!snap.additionalAllowed) return false;
            props.set(property, newProperty(typeBit));
        } else if (p instanceof ObjectNode po) {
            widenType(po, typeBit);
        } else {
            props.set(property, newProperty(typeBit)); // a boolean schema: false would reject everything
        }
        bump();
        return true;
    }

    /** Whether the property is declared {@code format: date-time}. */
    public boolean isDateTime(String property) {
        Prop p = snap.props.get(property);
        return p != null && "date-time".equals(p.format);
    }

    /** Whether a string value satisfies the property's checked {@code format} (date-time, date), if any. */
    public boolean formatFits(String property, String value) {
        Prop p = snap.props.get(property);
        return p == null || p.format == null || formatHolds(p.format, value);
    }

    /** Removes the property's {@code format} (a string that is not one arrived); true when the schema changed. */
    public synchronized boolean dropFormat(String property) {
        if (properties().get(property) instanceof ObjectNode po && po.remove("format") != null) {
            bump();
            return true;
        }
        return false;
    }

    /** Whether values of this property carry constraints beyond their type and format (nested schemas...). */
    public boolean needsTreeCheck(String property) {
        Prop p = snap.props.get(property);
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
            changed |= admitOne(e.getKey(), e.getValue());
        }
        changed |= relaxRequired(schema, record);
        if (changed) bump();
        return changed;
    }

    /** As {@link #admit(ObjectNode)} for one top-level value. */
    public synchronized boolean admitValue(String property, JsonNode value) {
        boolean changed = admitOne(property, value);
        if (changed) bump();
        return changed;
    }

    private boolean admitOne(String name, JsonNode v) {
        ObjectNode props = properties();
        JsonNode p = props.get(name);
        if (p == null) {
            if (!snap.additionalAllowed || v.isNull()) return false;
            props.set(name, newProperty(typeBitOf(v)));
            return true;
        }
        if (!(p instanceof ObjectNode po)) {
            if (p.isBoolean() && !p.booleanValue()) {
                props.set(name, newProperty(typeBitOf(v)));
                return true;
            }
            return false;
        }
        return !fitsSchema(po, v) && widenSchema(po, v);
    }

    // ---------------------------------------------------------------- checking (pure)

    static boolean fitsSchema(JsonNode s, JsonNode v) {
        if (s.isBoolean()) return s.booleanValue();
        if (!s.isObject()) return true;
        int bit = typeBitOf(v);
        JsonNode type = s.get("type");
        if (type != null && (typeMask(type) & bit) == 0) return false;
        JsonNode any = s.get("anyOf");
        if (any != null && any.isArray() && countFitting(any, v) == 0) return false;
        JsonNode one = s.get("oneOf");
        if (one != null && one.isArray() && countFitting(one, v) != 1) return false;
        JsonNode all = s.get("allOf");
        if (all != null && all.isArray()) for (JsonNode b : all) if (!fitsSchema(b, v)) return false;
        if (s.has("enum") && !enumContains(s.get("enum"), v)) return false;
        if (s.has("const") && !State.sameJson(s.get("const"), v)) return false;
        switch (bit) {
            case STRING -> {
                String text = v.asText();
                JsonNode f = s.get("format");
                if (f != null && f.isTextual() && !formatHolds(f.asText(), text)) return false;
                if (!stringConstraintsHold(s, text)) return false;
            }
            case INTEGER, NUMBER -> {
                if (!numberConstraintsHold(s, v.decimalValue())) return false;
            }
            case OBJECT -> {
                JsonNode props = s.get("properties");
                JsonNode additional = s.get("additionalProperties");
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode ps = props == null ? null : props.get(e.getKey());
                    if (ps != null) {
                        if (!fitsSchema(ps, e.getValue())) return false;
                    } else if (additional != null && !fitsSchema(additional, e.getValue())) {
                        return false;
                    }
                }
                JsonNode req = s.get("required");
                if (req != null && req.isArray()) for (JsonNode r : req) if (!v.has(r.asText())) return false;
            }
            case ARRAY -> {
                JsonNode items = s.get("items");
                if (items != null && items.isArray()) {
                    for (int i = 0; i < v.size(); i++) {
                        JsonNode is = i < items.size() ? items.get(i) : s.get("additionalItems");
                        if (is != null && !fitsSchema(is, v.get(i))) return false;
                    }
                } else if (items != null) {
                    for (JsonNode el : v) if (!fitsSchema(items, el)) return false;
                }
                if (!arrayConstraintsHold(s, v)) return false;
            }
            default -> { }
        }
        return true;
    }

    private static int countFitting(JsonNode branches, JsonNode v) {
        int n = 0;
        for (JsonNode b : branches) if (fitsSchema(b, v)) n++;
        return n;
    }

    // ---------------------------------------------------------------- widening (mutating)

    /** Widens {@code s} until {@code v} fits it; true when anything changed. */
    private static boolean widenSchema(ObjectNode s, JsonNode v) {
        boolean changed = false;
        int bit = typeBitOf(v);
        JsonNode type = s.get("type");
        if (type != null && (typeMask(type) & bit) == 0) {
            addType(s, bit);
            changed = true;
        }
        changed |= widenBranches(s, "anyOf", v);
        changed |= widenBranches(s, "oneOf", v);
        if (s.get("allOf") instanceof ArrayNode all) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i) instanceof ObjectNode b) {
                    if (!fitsSchema(b, v)) changed |= widenSchema(b, v);
                } else if (!fitsSchema(all.get(i), v)) {
                    all.set(i, Json.NODES.objectNode());
                    changed = true;
                }
            }
        }
        if (s.has("enum") && !enumContains(s.get("enum"), v)) {
            if (s.get("enum") instanceof ArrayNode e) e.add(v.deepCopy());
            else s.remove("enum");
            changed = true;
        }
        if (s.has("const") && !State.sameJson(s.get("const"), v)) {
            ArrayNode e = Json.NODES.arrayNode().add(s.get("const")).add(v.deepCopy());
            s.remove("const");
            s.set("enum", e);
            changed = true;
        }
        switch (bit) {
            case STRING -> {
                String text = v.asText();
                JsonNode f = s.get("format");
                if (f != null && f.isTextual() && !formatHolds(f.asText(), text)) {
                    s.remove("format");
                    changed = true;
                }
                if (!stringConstraintsHold(s, text)) {
                    s.remove(List.of("pattern", "minLength", "maxLength"));
                    changed = true;
                }
            }
            case INTEGER, NUMBER -> {
                if (!numberConstraintsHold(s, v.decimalValue())) {
                    s.remove(List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"));
                    changed = true;
                }
            }
            case OBJECT -> {
                JsonNode additional = s.get("additionalProperties");
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode props = s.get("properties");
                    JsonNode ps = props == null ? null : props.get(e.getKey());
                    if (ps != null) {
                        changed |= widenChild((ObjectNode) props, e.getKey(), e.getValue());
                    } else if (additional != null && !fitsSchema(additional, e.getValue())) {
                        // nested values are never dropped: declare the key
                        ObjectNode np = s.get("properties") instanceof ObjectNode o ? o : s.putObject("properties");
                        np.set(e.getKey(), newProperty(typeBitOf(e.getValue())));
                        changed = true;
                    }
                }
                changed |= relaxRequired(s, v);
            }
            case ARRAY -> {
                JsonNode items = s.get("items");
                if (items instanceof ArrayNode tuple) {
                    for (int i = 0; i < v.size(); i++) {
                        if (i < tuple.size()) {
                            changed |= widenElement(tuple, i, v.get(i));
                        } else if (s.has("additionalItems") && !fitsSchema(s.get("additionalItems"), v.get(i))) {
                            s.remove("additionalItems");
                            changed = true;
                        }
                    }
                } else if (items instanceof ObjectNode is) {
                    for (JsonNode el : v) if (!fitsSchema(is, el)) changed |= widenSchema(is, el);
                } else if (items != null && !items.booleanValue() && !v.isEmpty()) {
                    s.remove("items");
                    changed = true;
                }
                if (!arrayConstraintsHold(s, v)) {
                    s.remove(List.of("minItems", "maxItems", "uniqueItems", "contains"));
                    changed = true;
                }
            }
            default -> { }
        }
        return changed;
    }

    private static boolean widenChild(ObjectNode props, String name, JsonNode v) {
        JsonNode ps = props.get(name);
        if (fitsSchema(ps, v)) return false;
        if (ps instanceof ObjectNode o) return widenSchema(o, v);
        props.set(name, newProperty(typeBitOf(v)));
        return true;
    }

    private static boolean widenElement(ArrayNode tuple, int i, JsonNode v) {
        JsonNode ps = tuple.get(i);
        if (fitsSchema(ps, v)) return false;
        if (ps instanceof ObjectNode o) return widenSchema(o, v);
        tuple.set(i, Json.NODES.objectNode());
        return true;
    }

    private static boolean widenBranches(ObjectNode s, String keyword, JsonNode v) {
        if (!(s.get(keyword) instanceof ArrayNode branches)) return false;
        int n = countFitting(branches, v);
        if (keyword.equals("oneOf") && n != 1) {
            // Widening a oneOf could make values that matched one branch match two: it becomes an anyOf.
            s.remove("oneOf");
            s.set("anyOf", branches);
            if (n > 1) return true;
        }
        if (n == 0) {
            // Widen a branch that already takes this JSON type (a date-time string branch loses its format)
            // rather than adding a sibling that would make plain strings and date-times ambiguous.
            int bit = typeBitOf(v);
            for (JsonNode b : branches) {
                if (b instanceof ObjectNode ob && (maskOf(ob) & bit) != 0) {
                    widenSchema(ob, v);
                    if (fitsSchema(ob, v)) return true;
                }
            }
            branches.add(typeOnly(bit));
            return true;
        }
        return false;
    }

    private static void widenType(ObjectNode s, int bit) {
        JsonNode type = s.get("type");
        if (type != null && (typeMask(type) & bit) == 0) addType(s, bit);
        for (String k : List.of("anyOf", "oneOf")) {
            if (s.get(k) instanceof ArrayNode branches) {
                int mask = 0;
                for (JsonNode b : branches) mask |= maskOf(b);
                if ((mask & bit) == 0) {
                    branches.add(typeOnly(bit));
                    if (k.equals("oneOf")) { // see widenBranches
                        s.remove("oneOf");
                        s.set("anyOf", branches);
                    }
                }
            }
        }
    }

    private static void addType(ObjectNode s, int bit) {
        JsonNode type = s.get("type");
        ArrayNode list;
        if (type instanceof ArrayNode a) {
            list = a;
        } else {
            list = Json.NODES.arrayNode();
            if (type != null && type.isTextual()) list.add(type.asText());
            s.set("type", list);
        }
        list.add(TYPE_NAMES[Integer.numberOfTrailingZeros(bit)]);
    }

    private static ObjectNode typeOnly(int bit) {
        return Json.NODES.objectNode().put("type", TYPE_NAMES[Integer.numberOfTrailingZeros(bit)]);
    }

    private static ObjectNode newProperty(int bit) {
        ObjectNode p = Json.NODES.objectNode();
        ArrayNode t = p.putArray("type").add("null");
        if (bit != NULL) t.add(TYPE_NAMES[Integer.numberOfTrailingZeros(bit)]);
        return p;
    }

    private static boolean relaxRequired(ObjectNode s, JsonNode v) {
        if (!(s.get("required") instanceof ArrayNode req)) return false;
        boolean changed = false;
        for (int i = req.size() - 1; i >= 0; i--) {
            if (!v.has(req.get(i).asText())) {
                req.remove(i);
                changed = true;
            }
        }
        return changed;
    }

    // ---------------------------------------------------------------- constraints

    private static boolean enumContains(JsonNode e, JsonNode v) {
        if (!e.isArray()) return true;
        for (JsonNode x : e) if (State.sameJson(x, v)) return true;
        return false;
    }

    private static boolean stringConstraintsHold(JsonNode s, String text) {
        int len = -1;
        JsonNode min = s.get("minLength"), max = s.get("maxLength"), pattern = s.get("pattern");
        if (min != null || max != null) len = text.codePointCount(0, text.length());
        if (min != null && min.isNumber() && len < min.asLong()) return false;
        if (max != null && max.isNumber() && len > max.asLong()) return false;
        if (pattern != null && pattern.isTextual()) {
            try {
                if (!Pattern.compile(pattern.asText()).matcher(text).find()) return false;
            } catch (RuntimeException badPattern) {
                return false;
            }
        }
        return true;
    }

    private static boolean numberConstraintsHold(JsonNode s, BigDecimal n) {
        JsonNode min = s.get("minimum"), max = s.get("maximum"), xmin = s.get("exclusiveMinimum"),
                xmax = s.get("exclusiveMaximum"), multiple = s.get("multipleOf");
        if (min != null && min.isNumber() && n.compareTo(min.decimalValue()) < 0) return false;
        if (max != null && max.isNumber() && n.compareTo(max.decimalValue()) > 0) return false;
        if (xmin != null && xmin.isNumber() && n.compareTo(xmin.decimalValue()) <= 0) return false;
        if (xmax != null && xmax.isNumber() && n.compareTo(xmax.decimalValue()) >= 0) return false;
        if (multiple != null && multiple.isNumber() && multiple.decimalValue().signum() > 0) {
            if (n.remainder(multiple.decimalValue()).signum() != 0) return false;
        }
        return true;
    }

    private static boolean arrayConstraintsHold(JsonNode s, JsonNode v) {
        JsonNode min = s.get("minItems"), max = s.get("maxItems"), unique = s.get("uniqueItems");
        if (min != null && min.isNumber() && v.size() < min.asLong()) return false;
        if (max != null && max.isNumber() && v.size() > max.asLong()) return false;
        if (unique != null && unique.asBoolean(false)) {
            for (int i = 0; i < v.size(); i++) {
                for (int j = i + 1; j < v.size(); j++) if (State.sameJson(v.get(i), v.get(j))) return false;
            }
        }
        JsonNode contains = s.get("contains");
        if (contains != null) {
            boolean any = false;
            for (JsonNode el : v) if (fitsSchema(contains, el)) { any = true; break; }
            if (!any) return false;
        }
        return true;
    }

    private static boolean formatHolds(String format, String value) {
        return switch (format) {
            case "date-time" -> isRfc3339DateTime(value);
            case "date" -> isRfc3339Date(value);
            default -> true;
        };
    }

    // ---------------------------------------------------------------- RFC 3339

    /**
     * An RFC 3339 {@code date-time}: {@code 2024-01-09T23:59:52Z}, with optional fraction (1 to 9 digits) and
     * {@code Z} or a {@code ±hh:mm} offset. Deliberately a little stricter than the RFC (upper-case {@code T} and
     * {@code Z} only, no leap second), so that whatever passes here passes any validator. Allocation-free.
     */
    public static boolean isRfc3339DateTime(CharSequence s) {
        int n = s.length();
        if (n < 20 || !isDate(s, 0) || s.charAt(10) != 'T') return false;
        if (!twoDigits(s, 11, 23) || s.charAt(13) != ':' || !twoDigits(s, 14, 59) || s.charAt(16) != ':'
                || !twoDigits(s, 17, 59)) {
            return false;
        }
        int i = 19;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && isDigit(s.charAt(i))) i++;
            if (i == start || i - start > 9) return false;
        }
        if (i >= n) return false;
        char z = s.charAt(i);
        if (z == 'Z') return i + 1 == n;
        if (z != '+' && z != '-') return false;
        return i + 6 == n && twoDigits(s, i + 1, 23) && s.charAt(i + 3) == ':' && twoDigits(s, i + 4, 59);
    }

    /** An RFC 3339 {@code full-date}: {@code 2024-01-09}. */
    public static boolean isRfc3339Date(CharSequence s) {
        return s.length() == 10 && isDate(s, 0);
    }

    private static boolean isDate(CharSequence s, int at) {
        if (!isDigit(s.charAt(at)) || !isDigit(s.charAt(at + 1)) || !isDigit(s.charAt(at + 2))
                || !isDigit(s.charAt(at + 3)) || s.charAt(at + 4) != '-' || s.charAt(at + 7) != '-') {
            return false;
        }
        int year = (s.charAt(at) - '0') * 1000 + (s.charAt(at + 1) - '0') * 100 + (s.charAt(at + 2) - '0') * 10
                + (s.charAt(at + 3) - '0');
        if (!twoDigits(s, at + 5, 12) || !twoDigits(s, at + 8, 31)) return false;
        int month = num2(s, at + 5), day = num2(s, at + 8);
        if (month < 1 || day < 1) return false;
        int length = switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
        return day <= length;
    }

    private static boolean twoDigits(CharSequence s, int at, int max) {
        return isDigit(s.charAt(at)) && isDigit(s.charAt(at + 1)) && num2(s, at) <= max;
    }

    private static int num2(CharSequence s, int at) {
        return (s.charAt(at) - '0') * 10 + (s.charAt(at + 1) - '0');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    // ---------------------------------------------------------------- snapshots

    private ObjectNode properties() {
        return schema.get("properties") instanceof ObjectNode p ? p : schema.putObject("properties");
    }

    private void bump() {
        snap = build(snap.version + 1);
    }

    private Snapshot build(long version) {
        Map<String, Prop> props = new HashMap<>();
        if (schema.get("properties") instanceof ObjectNode p) {
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                props.put(e.getKey(), describe(e.getValue()));
            }
        }
        JsonNode additional = schema.get("additionalProperties");
        boolean allowed = additional == null || !additional.isBoolean() || additional.booleanValue();
        return new Snapshot(version, Map.copyOf(props), allowed);
    }

    private static Prop describe(JsonNode s) {
        if (!s.isObject()) return new Prop(s.isBoolean() && !s.booleanValue() ? 0 : ALL, null, false);
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
        return new Prop(maskOf(s), format, deep);
    }

    /** The JSON types a schema can accept (an over-approximation for composite schemas). */
    private static int maskOf(JsonNode s) {
        if (s.isBoolean()) return s.booleanValue() ? ALL : 0;
        if (!s.isObject()) return ALL;
        int m = s.has("type") ? typeMask(s.get("type")) : ALL;
        int branches = 0;
        boolean any = false;
        for (String k : List.of("anyOf", "oneOf")) {
            if (s.get(k) instanceof ArrayNode a) {
                any = true;
                for (JsonNode b : a) branches |= maskOf(b);
            }
        }
        return any ? m & branches : m;
    }

    private static int typeMask(JsonNode type) {
        int m = 0;
        if (type.isTextual()) {
            m = bitOfName(type.asText());
        } else if (type.isArray()) {
            for (JsonNode t : type) m |= bitOfName(t.asText());
        } else {
            return ALL;
        }
        if ((m & NUMBER) != 0) m |= INTEGER;
        return m;
    }

    private static int bitOfName(String name) {
        for (int i = 0; i < TYPE_NAMES.length; i++) if (TYPE_NAMES[i].equals(name)) return 1 << i;
        return 0;
    }
}
