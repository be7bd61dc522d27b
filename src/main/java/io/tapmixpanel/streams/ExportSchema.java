package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.LexiconSchema;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.mixpanel.PaymentRequiredException;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * export's discovered schema (docs/discovery.md): the static one plus the project's top event properties, typed from
 * the Lexicon schema registry when a project id allows asking it, else as strings. When events/properties/top
 * answers a 4xx that is not about the credentials, the plan or the rate (Mixpanel's spec wants {@code event} on it,
 * so a server that holds to the spec answers 400 or 422), discovery goes on with one warning: the columns are the
 * registry's event properties when it can be read, else export keeps its static schema, as engage does when
 * engage/properties answers 404.
 */
final class ExportSchema {
    private ExportSchema() {}

    static ObjectNode of(MixpanelClient client, boolean rawProperties) {
        ObjectNode schema = StaticSchemas.of("export");
        ObjectNode props = (ObjectNode) schema.get("properties");
        if (rawProperties) props.set("properties", JsonTypes.F.objectNode().set("type", JsonTypes.types("null", "object")));
        List<String> names;
        Map<String, Set<String>> lexicon;
        try {
            names = client.topEventProperties();
        } catch (MixpanelApiException e) {
            if (!topPropertiesRefusedTheRequest(e)) throw e;
            lexicon = registryInstead(client, e);
            addColumns(props, List.copyOf(lexicon.keySet()), lexicon);
            return schema;
        }
        lexicon = Map.of();
        if (client.hasProjectId()) {
            try {
                lexicon = lexiconEventTypes(client);
            } catch (RuntimeException e) {
                // Types are an improvement, not a requirement: without them every property is a string.
                Log.warning("Lexicon schemas unavailable, export properties are typed as strings: %s", e.getMessage());
            }
        }
        addColumns(props, names, lexicon);
        return schema;
    }

    /**
     * A 4xx about the request itself. Refused credentials fail every call (discovery must say so), a 402 leaves
     * export out (the plan), and a 429 is the rate limit after its retries: those keep their usual outcome.
     */
    private static boolean topPropertiesRefusedTheRequest(MixpanelApiException e) {
        return e.status() >= 400 && e.status() < 500 && !e.credentialsRefused()
                && !(e instanceof PaymentRequiredException) && e.status() != 429;
    }

    /** The registry's event property types, or none, with the one warning that says which. */
    private static Map<String, Set<String>> registryInstead(MixpanelClient client, MixpanelApiException refused) {
        String why = "events/properties/top answered " + refused.status() + " (" + refused.getMessage() + ")";
        if (client.hasProjectId()) {
            try {
                Map<String, Set<String>> types = lexiconEventTypes(client);
                Log.warning("%s: export's property columns are the %d event properties of the Lexicon schema registry "
                        + "(docs/discovery.md)", why, types.size());
                return types;
            } catch (RuntimeException e) {
                Log.warning("%s: export has its static schema only, the Lexicon schema registry is unavailable too: %s "
                        + "(docs/discovery.md)", why, e.getMessage());
                return Map.of();
            }
        }
        Log.warning("%s: export has its static schema only (without project_id the Lexicon schema registry cannot be "
                + "asked; docs/discovery.md)", why);
        return Map.of();
    }

    private static void addColumns(ObjectNode props, List<String> names, Map<String, Set<String>> lexicon) {
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
    }

    /**
     * Event property types from the Lexicon schema registry, merged over all events: a property typed
     * differently by two events gets both types (it widens; it never picks one and breaks the other).
     */
    private static Map<String, Set<String>> lexiconEventTypes(MixpanelClient client) {
        List<LexiconSchema> schemas = client.lexiconSchemas();
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
