package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.List;

/**
 * The seven JSON Schema types as bits of an int, so that "which types does this schema accept" is one mask and
 * "does this value's type fit" one AND (docs/streams.md "Values and types"). Shared by the fit checks, the widening and
 * the guard's per-property snapshot; {@link SchemaGuard} re-exports the bits for callers outside the package.
 */
final class JsonTypes {
    static final int NULL = 1, BOOLEAN = 1 << 1, INTEGER = 1 << 2, NUMBER = 1 << 3, STRING = 1 << 4,
            ARRAY = 1 << 5, OBJECT = 1 << 6;
    static final int ALL = NULL | BOOLEAN | INTEGER | NUMBER | STRING | ARRAY | OBJECT;
    private static final String[] NAMES = {"null", "boolean", "integer", "number", "string", "array", "object"};

    private JsonTypes() {}

    static int bitOf(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) return NULL;
        if (v.isBoolean()) return BOOLEAN;
        if (v.isIntegralNumber()) return INTEGER;
        if (v.isNumber()) return NUMBER;
        if (v.isTextual()) return STRING;
        if (v.isArray()) return ARRAY;
        if (v.isObject()) return OBJECT;
        return STRING; // binary/POJO nodes serialize as strings
    }

    /** The schema name of a single type bit ({@code "integer"}). */
    static String name(int bit) {
        return NAMES[Integer.numberOfTrailingZeros(bit)];
    }

    /** The JSON types a schema can accept (an over-approximation for composite schemas). */
    static int maskOf(JsonNode s) {
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

    /** The types a {@code type} keyword names; an integer fits {@code number}. */
    static int typeMask(JsonNode type) {
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
        for (int i = 0; i < NAMES.length; i++) if (NAMES[i].equals(name)) return 1 << i;
        return 0;
    }
}
