package io.tapmixpanel.singer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The hot-path contract end to end: values are checked per token, the guard widens, the caller writes the
 * new SCHEMA before the record, and every RECORD on the output validates against the SCHEMA before it.
 */
class StreamingGuardTest {
    private static final ObjectMapper M = new ObjectMapper();

    /** What an export loop does with one event object, the parser positioned on its START_OBJECT. */
    private static void copyEvent(JsonParser p, SchemaGuard guard, SingerWriter out, long[] emittedVersion)
            throws IOException {
        // Values are re-read into a small tree here only to decide before writing; a real loop would spool.
        ObjectNode record = M.createObjectNode();
        boolean changed = false;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            int bit = SchemaGuard.typeBitOf(p.nextToken());
            JsonNode value = M.readTree(p);
            if (!guard.keeps(name)) continue;
            if (guard.needsTreeCheck(name)) {
                changed |= guard.admitValue(name, value);
            } else {
                if (!guard.fits(name, bit)) changed |= guard.widen(name, bit);
                if (bit == SchemaGuard.STRING && !guard.formatFits(name, value.asText())) {
                    changed |= guard.dropFormat(name);
                }
            }
            record.set(name, value);
        }
        if (changed || guard.version() != emittedVersion[0]) {
            SchemaGuard.Versioned v = guard.versioned();
            out.writeSchema("export", v.schema(), List.of(), List.of("time"));
            emittedVersion[0] = v.version();
        }
        JsonGenerator g = out.beginRecord("export");
        g.writeTree(record);
        out.endRecord("2024-01-01T00:00:00.000000Z");
    }

    @Test
    void everyStreamedRecordValidatesAgainstTheSchemaWrittenBeforeIt() throws IOException {
        String events = "{\"event\":\"a\",\"time\":\"2024-01-09T23:59:52Z\",\"n\":1}\n"
                + "{\"event\":\"b\",\"time\":\"not a time\",\"n\":1.5,\"list\":[1]}\n"
                + "{\"event\":3,\"time\":null,\"n\":\"many\",\"new\":{\"x\":1}}\n"
                + "{\"event\":\"d\",\"list\":[\"s\",null],\"new\":null}\n";
        SchemaGuard guard = new SchemaGuard((ObjectNode) M.readTree("{\"type\":\"object\",\"properties\":{"
                + "\"event\":{\"type\":[\"null\",\"string\"]},\"time\":{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"},"
                + "\"n\":{\"type\":[\"null\",\"integer\"]},\"list\":{\"type\":[\"null\",\"array\"],\"items\":{\"type\":\"integer\"}}}}"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long[] emitted = {0};
        try (SingerWriter out = new SingerWriter(bytes); JsonParser p = M.getFactory().createParser(events)) {
            while (p.nextToken() == JsonToken.START_OBJECT) copyEvent(p, guard, out, emitted);
        }

        JsonSchemaFactory f = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
        SchemaValidatorsConfig cfg = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        JsonSchema current = null;
        int records = 0, schemas = 0;
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode msg = M.readTree(line);
            switch (msg.get("type").asText()) {
                case "SCHEMA" -> { current = f.getSchema(msg.get("schema"), cfg); schemas++; }
                case "RECORD" -> {
                    assertNotNull(current, "a SCHEMA precedes the first RECORD");
                    assertEquals(Set.of(), current.validate(msg.get("record")), line);
                    records++;
                }
                default -> fail(line);
            }
        }
        assertEquals(4, records);
        assertEquals(4, schemas, "initial schema, then one per widening record");
        ObjectNode last = guard.snapshot();
        assertEquals(M.readTree("{\"type\":[\"null\",\"string\"]}"), last.get("properties").get("time"));
        assertEquals(M.readTree("{\"type\":[\"null\",\"integer\",\"number\",\"string\"]}"), last.get("properties").get("n"));
        assertEquals(M.readTree("{\"type\":[\"null\",\"object\"]}"), last.get("properties").get("new"));
    }
}
