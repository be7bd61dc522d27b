package io.tapmixpanel.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Singer target that reads its input the way the targets built on singer-python do (target-csv and its many
 * copies), for docs/activate-version.md "ACTIVATE_VERSION": each line goes through singer-python's {@code parse_message}, which
 * knows RECORD, SCHEMA, STATE and ACTIVATE_VERSION, checks each one's required keys and answers nothing for any
 * other type (the target then fails on it: {@code 'NoneType' object has no attribute 'asdict'}); the target keeps
 * RECORDs (only after their stream's SCHEMA, each validated with a draft-4 validator, formats not asserted),
 * SCHEMAs and STATEs, and for any other message it parsed, ACTIVATE_VERSION among them, logs {@code Unknown
 * message type ...} as a warning and goes on.
 */
public final class SingerPythonTarget {
    private static final JsonSchemaFactory DRAFT4 = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

    /** The target stopped, as the Python one would with a traceback. */
    public static final class Crashed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crashed(String message) { super(message); }
    }

    /** What the target loaded: records per stream in order, the last state, the warnings it logged. */
    public record Loaded(Map<String, List<JsonNode>> records, JsonNode state, List<String> warnings) {
        public int recordCount(String stream) { return records.getOrDefault(stream, List.of()).size(); }
    }

    private SingerPythonTarget() {}

    public static Loaded consume(String input) {
        Map<String, JsonSchema> validators = new HashMap<>();
        Map<String, List<JsonNode>> records = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        JsonNode state = null;
        int n = 0;
        for (String line : input.split("\n")) {
            n++;
            if (line.isBlank()) continue;
            ObjectNode o = parseMessage(line, n);
            String type = o.get("type").asText();
            switch (type) {
                case "RECORD" -> {
                    String stream = o.get("stream").asText();
                    JsonSchema v = validators.get(stream);
                    if (v == null) throw new Crashed("A record for stream " + stream + " was encountered before a corresponding schema");
                    Set<ValidationMessage> errors = v.validate(o.get("record"));
                    if (!errors.isEmpty()) throw new Crashed("ValidationError on line " + n + ": " + errors);
                    records.computeIfAbsent(stream, s -> new ArrayList<>()).add(o.get("record"));
                }
                case "STATE" -> state = o.get("value");
                case "SCHEMA" -> validators.put(o.get("stream").asText(), DRAFT4.getSchema(o.get("schema")));
                default -> warnings.add("Unknown message type " + type + " in message " + o);
            }
        }
        return new Loaded(records, state, warnings);
    }

    /** singer-python's {@code parse_message(...).asdict()}: required keys per type, nothing for an unknown type. */
    private static ObjectNode parseMessage(String line, int n) {
        JsonNode obj;
        try {
            obj = TapHarness.JSON.readTree(line);
        } catch (IOException e) {
            throw new Crashed("Unable to parse line " + n + ": " + line);
        }
        String type = required(obj, "type").asText();
        List<String> keys = switch (type) {
            case "RECORD" -> List.of("stream", "record");
            case "SCHEMA" -> List.of("stream", "schema", "key_properties");
            case "STATE" -> List.of("value");
            case "ACTIVATE_VERSION" -> List.of("stream", "version");
            default -> throw new Crashed("AttributeError: 'NoneType' object has no attribute 'asdict' (line " + n
                    + ", type " + type + ")");
        };
        for (String k : keys) required(obj, k);
        return (ObjectNode) obj;
    }

    private static JsonNode required(JsonNode msg, String key) {
        JsonNode v = msg.get(key);
        if (v == null) throw new Crashed("Message is missing required key '" + key + "': " + msg);
        return v;
    }
}
