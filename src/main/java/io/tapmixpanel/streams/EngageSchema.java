package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.mixpanel.PaymentRequiredException;

import java.util.Map;

/**
 * engage's discovered schema (docs/discovery.md): the static one plus every profile property engage/properties
 * reports, typed as it reports them.
 */
final class EngageSchema {
    private EngageSchema() {}

    static ObjectNode of(MixpanelClient client) {
        ObjectNode schema = StaticSchemas.of("engage");
        ObjectNode props = (ObjectNode) schema.get("properties");
        Map<String, String> reported;
        try {
            reported = client.engageProperties();
        } catch (PaymentRequiredException e) {
            throw e;
        } catch (MixpanelApiException e) {
            // engage/properties is in no Mixpanel spec and may disappear: engage itself still works (docs/discovery.md)
            if (e.status() != 404) throw e;
            Log.warning("engage/properties answered 404 (an undocumented endpoint): engage has its static schema only (%s)",
                    e.getMessage());
            reported = Map.of();
        }
        for (Map.Entry<String, String> e : reported.entrySet()) {
            String column = PropertyNames.engageColumn(e.getKey());
            if (props.has(column)) continue;
            props.set(column, type(e.getValue()));
        }
        // The replication key is always there, and always a date-time (the engage stream writes it in RFC 3339),
        // even when engage/properties does not list $last_seen or reports it as a string.
        props.set(EngageStream.LAST_SEEN, type("datetime"));
        return schema;
    }

    /** engage/properties reports string, number, boolean, datetime, object or list. */
    static ObjectNode type(String reported) {
        ObjectNode p = JsonTypes.F.objectNode();
        switch (reported == null ? "" : reported) {
            case "datetime" -> {
                p.set("type", JsonTypes.types("null", "string"));
                p.put("format", "date-time");
            }
            case "number" -> p.set("type", JsonTypes.types("null", "number"));
            case "boolean" -> p.set("type", JsonTypes.types("null", "boolean"));
            case "list" -> p.set("type", JsonTypes.types("null", "array"));
            case "object" -> p.set("type", JsonTypes.types("null", "object"));
            default -> p.set("type", JsonTypes.types("null", "string"));
        }
        return p;
    }
}
