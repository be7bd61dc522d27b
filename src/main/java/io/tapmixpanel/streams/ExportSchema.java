package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.LexiconSchema;
import io.tapmixpanel.mixpanel.MixpanelClient;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * export's discovered schema (docs/discovery.md): the static one plus the project's top event properties, typed from
 * the Lexicon schema registry when a project id allows asking it, else as strings.
 */
final class ExportSchema {
    private ExportSchema() {}

    static ObjectNode of(MixpanelClient client, boolean rawProperties) {
        ObjectNode schema = StaticSchemas.of("export");
        ObjectNode props = (ObjectNode) schema.get("properties");
        if (rawProperties) props.set("properties", JsonTypes.F.objectNode().set("type", JsonTypes.types("null", "object")));
        List<String> names = client.topEventProperties();
        Map<String, Set<String>> lexicon = client.hasProjectId() ? lexiconEventTypes(client) : Map.of();
        for (String name : names) {
            String column = PropertyNames.exportColumn(name);
            if (props.has(column)) continue;
            Set<String> known = lexicon.get(name);
            ObjectNode p = JsonTypes.F.objectNode();
            if (known == null || known.isEmpty() || known.equals(Set.of("null"))) {
                p.set("type", JsonTypes.types("null", "string"));
            } else {
                Set<String> all = new LinkedHashSet<>(known);
                all.add("null");
                p.set("type", JsonTypes.types(JsonTypes.ORDER.stream().filter(all::contains).toArray(String[]::new)));
            }
            props.set(column, p);
        }
        return schema;
    }

    /**
     * Event property types from the Lexicon schema registry, merged over all events: a property typed
     * differently by two events gets both types (it widens; it never picks one and breaks the other).
     */
    private static Map<String, Set<String>> lexiconEventTypes(MixpanelClient client) {
        List<LexiconSchema> schemas;
        try {
            schemas = client.lexiconSchemas();
        } catch (RuntimeException e) {
            // Types are an improvement, not a requirement: without them every property is a string.
            Log.warning("Lexicon schemas unavailable, export properties are typed as strings: %s", e.getMessage());
            return Map.of();
        }
        Map<String, Set<String>> types = new LinkedHashMap<>();
        for (LexiconSchema s : schemas) {
            if (!"event".equals(s.entityType())) continue;
            JsonNode props = s.schemaJson().path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Set<String> t = types.computeIfAbsent(e.getKey(), k -> new LinkedHashSet<>());
                JsonNode type = e.getValue().get("type");
                if (type == null) {
                    t.add("string");
                } else if (type.isArray()) {
                    type.forEach(x -> t.add(x.asText()));
                } else {
                    t.add(type.asText());
                }
            }
        }
        types.values().forEach(t -> t.retainAll(JsonTypes.ORDER));
        return types;
    }
}
