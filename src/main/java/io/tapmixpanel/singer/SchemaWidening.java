package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static io.tapmixpanel.singer.JsonTypes.ARRAY;
import static io.tapmixpanel.singer.JsonTypes.INTEGER;
import static io.tapmixpanel.singer.JsonTypes.NULL;
import static io.tapmixpanel.singer.JsonTypes.NUMBER;
import static io.tapmixpanel.singer.JsonTypes.OBJECT;
import static io.tapmixpanel.singer.JsonTypes.STRING;

/**
 * Widens a JSON Schema in place until a value fits it, never narrowing (docs/streams.md "Values and types"; the rules
 * are listed on {@link SchemaGuard}): a missing type is added, a {@code date-time}/{@code date} format a string
 * breaks is removed, {@code anyOf}/{@code oneOf} gain or widen a branch, nested properties and items are widened
 * the same way, violated constraints are relaxed. Functions of (schema, value) that mutate only the schema
 * passed in and report whether it changed; the guard owns the locking and the versions.
 */
final class SchemaWidening {
    private SchemaWidening() {}

    /**
     * Makes the top-level {@code props} admit {@code v} as the value of {@code name}; true when they changed. An
     * undeclared property is declared {@code ["null", T]} if {@code additionalAllowed} (a null adds nothing).
     */
    static boolean admitProperty(ObjectNode props, String name, JsonNode v, boolean additionalAllowed) {
        JsonNode p = props.get(name);
        if (p == null) {
            if (!additionalAllowed || v.isNull()) return false;
            props.set(name, newProperty(JsonTypes.bitOf(v)));
            return true;
        }
        if (!(p instanceof ObjectNode po)) {
            if (p.isBoolean() && !p.booleanValue()) {
                props.set(name, newProperty(JsonTypes.bitOf(v)));
                return true;
            }
            return false;
        }
        return !SchemaFit.fits(po, v) && widenSchema(po, v);
    }

    /**
     * Makes the top-level property {@code name} of {@code props} allow the type {@code bit}, declaring it as
     * {@code ["null", T]} when absent (only if {@code additionalAllowed}); true when {@code props} changed. The
     * caller has already found that the type does not fit.
     */
    static boolean admitType(ObjectNode props, String name, int bit, boolean additionalAllowed) {
        JsonNode p = props.get(name);
        if (p == null) {
            if (!additionalAllowed) return false;
            props.set(name, newProperty(bit));
        } else if (p instanceof ObjectNode po) {
            widenType(po, bit);
        } else {
            props.set(name, newProperty(bit)); // a boolean schema: false would reject everything
        }
        return true;
    }

    /** Widens {@code s} until {@code v} fits it; true when anything changed. */
    static boolean widenSchema(ObjectNode s, JsonNode v) {
        boolean changed = false;
        int bit = JsonTypes.bitOf(v);
        JsonNode type = s.get("type");
        if (type != null && (JsonTypes.typeMask(type) & bit) == 0) {
            addType(s, bit);
            changed = true;
        }
        changed |= widenBranches(s, "anyOf", v);
        changed |= widenBranches(s, "oneOf", v);
        if (s.get("allOf") instanceof ArrayNode all) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i) instanceof ObjectNode b) {
                    if (!SchemaFit.fits(b, v)) changed |= widenSchema(b, v);
                } else if (!SchemaFit.fits(all.get(i), v)) {
                    all.set(i, Json.NODES.objectNode());
                    changed = true;
                }
            }
        }
        if (s.has("enum") && !SchemaFit.enumContains(s.get("enum"), v)) {
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
                if (f != null && f.isTextual() && !SchemaFit.formatHolds(f.asText(), text)) {
                    s.remove("format");
                    changed = true;
                }
                if (!SchemaFit.stringConstraintsHold(s, text)) {
                    s.remove(List.of("pattern", "minLength", "maxLength"));
                    changed = true;
                }
            }
            case INTEGER, NUMBER -> {
                if (!SchemaFit.numberConstraintsHold(s, v.decimalValue())) {
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
                    } else if (additional != null && !SchemaFit.fits(additional, e.getValue())) {
                        // nested values are never dropped: declare the key
                        ObjectNode np = s.get("properties") instanceof ObjectNode o ? o : s.putObject("properties");
                        np.set(e.getKey(), newProperty(JsonTypes.bitOf(e.getValue())));
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
                        } else if (s.has("additionalItems") && !SchemaFit.fits(s.get("additionalItems"), v.get(i))) {
                            s.remove("additionalItems");
                            changed = true;
                        }
                    }
                } else if (items instanceof ObjectNode is) {
                    for (JsonNode el : v) if (!SchemaFit.fits(is, el)) changed |= widenSchema(is, el);
                } else if (items != null && !items.booleanValue() && !v.isEmpty()) {
                    s.remove("items");
                    changed = true;
                }
                if (!SchemaFit.arrayConstraintsHold(s, v)) {
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
        if (SchemaFit.fits(ps, v)) return false;
        if (ps instanceof ObjectNode o) return widenSchema(o, v);
        props.set(name, newProperty(JsonTypes.bitOf(v)));
        return true;
    }

    private static boolean widenElement(ArrayNode tuple, int i, JsonNode v) {
        JsonNode ps = tuple.get(i);
        if (SchemaFit.fits(ps, v)) return false;
        if (ps instanceof ObjectNode o) return widenSchema(o, v);
        tuple.set(i, Json.NODES.objectNode());
        return true;
    }

    private static boolean widenBranches(ObjectNode s, String keyword, JsonNode v) {
        if (!(s.get(keyword) instanceof ArrayNode branches)) return false;
        int n = SchemaFit.countFitting(branches, v);
        if (keyword.equals("oneOf") && n != 1) {
            // Widening a oneOf could make values that matched one branch match two: it becomes an anyOf.
            s.remove("oneOf");
            s.set("anyOf", branches);
            if (n > 1) return true;
        }
        if (n == 0) {
            // Widen a branch that already takes this JSON type (a date-time string branch loses its format)
            // rather than adding a sibling that would make plain strings and date-times ambiguous.
            int bit = JsonTypes.bitOf(v);
            for (JsonNode b : branches) {
                if (b instanceof ObjectNode ob && (JsonTypes.maskOf(ob) & bit) != 0) {
                    widenSchema(ob, v);
                    if (SchemaFit.fits(ob, v)) return true;
                }
            }
            branches.add(typeOnly(bit));
            return true;
        }
        return false;
    }

    private static void widenType(ObjectNode s, int bit) {
        JsonNode type = s.get("type");
        if (type != null && (JsonTypes.typeMask(type) & bit) == 0) addType(s, bit);
        for (String k : List.of("anyOf", "oneOf")) {
            if (s.get(k) instanceof ArrayNode branches) {
                int mask = 0;
                for (JsonNode b : branches) mask |= JsonTypes.maskOf(b);
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
        list.add(JsonTypes.name(bit));
    }

    private static ObjectNode typeOnly(int bit) {
        return Json.NODES.objectNode().put("type", JsonTypes.name(bit));
    }

    private static ObjectNode newProperty(int bit) {
        ObjectNode p = Json.NODES.objectNode();
        ArrayNode t = p.putArray("type").add("null");
        if (bit != NULL) t.add(JsonTypes.name(bit));
        return p;
    }

    /** Removes from {@code s}'s {@code required} the names {@code v} lacks; true when any was removed. */
    static boolean relaxRequired(ObjectNode s, JsonNode v) {
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
}
