package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.List;

/** JSON Schema {@code "type"} lists as discovered schemas write them. */
final class JsonTypes {
    static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Mixpanel JSON types in the order they are listed in a widened "type". */
    static final List<String> ORDER = List.of("null", "boolean", "integer", "number", "string", "array", "object");

    private JsonTypes() {}

    static ArrayNode types(String... names) {
        ArrayNode a = F.arrayNode();
        for (String n : names) a.add(n);
        return a;
    }
}
