package io.tapmixpanel.streams.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.export.ExportEvent;
import io.tapmixpanel.mixpanel.export.ExportScanner;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.singer.SchemaGuard;
import io.tapmixpanel.streams.PropertyNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The byte-level {@link ExportRenderer} against the previous Jackson parser → generator renderer (kept in test
 * scope as {@link JacksonExportRenderer}) over the same sandbox export body, under several schemas: the output
 * lines and the schema evolution must be identical, byte for byte (time_extracted aside).
 */
class ExportByteTransformDifferentialTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static Sandbox sandbox;
    private static byte[] body;
    private static List<String> columns;

    @TempDir
    Path dir;

    @BeforeAll
    static void fetch() throws Exception {
        sandbox = Sandbox.start(SandboxOptions.builder().port(0).events(5000).days(10).endDate(LocalDate.of(2024, 3, 10))
                .profiles(5).funnels(1).cohorts(1).build());
        String auth = Base64.getEncoder().encodeToString((SandboxOptions.DEFAULT_SERVICE_ACCOUNT_USER + ":"
                + SandboxOptions.DEFAULT_SERVICE_ACCOUNT_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/api/2.0/export?project_id="
                + SandboxOptions.DEFAULT_PROJECT_ID + "&from_date=" + sandbox.startDate() + "&to_date=" + sandbox.endDate()))
                .header("Authorization", "Basic " + auth).GET().build();
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        body = r.body();
        Set<String> names = new LinkedHashSet<>();
        try (JsonParser p = new JsonFactory().createParser(body)) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                JsonNode e = MAPPER.readTree(p);
                e.path("properties").fieldNames().forEachRemaining(n -> names.add(PropertyNames.exportColumn(n)));
            }
        }
        columns = new ArrayList<>(names);
        assertTrue(columns.size() > 30, "sandbox properties: " + columns);
    }

    @AfterAll
    static void stop() { if (sandbox != null) sandbox.close(); }

    private static ObjectNode schema(boolean additional) {
        ObjectNode s = MAPPER.createObjectNode();
        s.put("type", "object");
        s.putObject("properties");
        s.put("additionalProperties", additional);
        return s;
    }

    /** Every column a nullable string: every non-string value is stringified. */
    private static ObjectNode allStrings() {
        ObjectNode s = schema(true);
        ObjectNode props = (ObjectNode) s.get("properties");
        for (String c : columns) props.putObject(c).putArray("type").add("null").add("string");
        props.putObject("event").putArray("type").add("null").add("string");
        return s;
    }

    /** Declared as discovery would, some with date-time formats and nested (tree-checked) schemas. */
    private static ObjectNode mixed() throws IOException {
        ObjectNode s = schema(false);
        ObjectNode props = (ObjectNode) s.get("properties");
        props.set("event", MAPPER.readTree("{\"type\":[\"null\",\"string\"]}"));
        props.set("time", MAPPER.readTree("{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"}"));
        int i = 0;
        for (String c : columns) {
            String t = switch (i++ % 5) {
                case 0 -> "{\"type\":[\"null\",\"string\"]}";
                case 1 -> "{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"}";
                case 2 -> "{\"type\":[\"null\",\"integer\"]}";
                case 3 -> "{\"type\":[\"null\",\"object\"],\"properties\":{\"a\":{\"type\":\"integer\"}}}";
                default -> "{\"type\":[\"null\",\"number\",\"boolean\"]}";
            };
            if (i % 7 != 0) props.set(c, MAPPER.readTree(t)); // some left undeclared (dropped)
        }
        return s;
    }

    private record Out(String lines, String schema) {}

    private Out renderNew(byte[] in, ObjectNode schema, Set<String> deselected, Optional<ZoneId> legacy) throws IOException {
        SchemaGuard guard = new SchemaGuard(schema);
        ExportRenderer r = new ExportRenderer(ExportRenderer.Options.of(guard, Spools.recordLines(), dir)
                .withDeselected(deselected).withLegacyZone(legacy));
        r.beginAttempt(1);
        ExportScanner s = new ExportScanner(new ByteArrayInputStream(in));
        ExportEvent e;
        while ((e = s.next()) != null) r.onEvent(e);
        return read(r.finish().spool(), guard);
    }

    private Out renderOld(byte[] in, ObjectNode schema, Set<String> deselected, Optional<ZoneId> legacy) throws IOException {
        SchemaGuard guard = new SchemaGuard(schema);
        JacksonExportRenderer r = new JacksonExportRenderer(guard, deselected, legacy, dir, n -> {});
        r.beginAttempt(1);
        try (JsonParser p = new JsonFactory().createParser(in)) {
            while (p.nextToken() == JsonToken.START_OBJECT) r.onEvent(p);
        }
        return read(r.finish().spool(), guard);
    }

    private static Out read(ExportSpool.Spool spool, SchemaGuard guard) throws IOException {
        return read(Spools.text(spool), guard);
    }

    private static Out read(Path spool, SchemaGuard guard) throws IOException {
        String text = Files.readString(spool);
        Files.delete(spool);
        return read(text, guard);
    }

    private static Out read(String spoolText, SchemaGuard guard) {
        String text = spoolText.replaceAll("\"time_extracted\":\"[^\"]*\"", "\"time_extracted\":\"T\"");
        return new Out(text, guard.versioned().schema().toString());
    }

    private void same(byte[] in, ObjectNode schema, Set<String> deselected, Optional<ZoneId> legacy) throws IOException {
        Out old = renderOld(in, schema.deepCopy(), deselected, legacy);
        Out now = renderNew(in, schema.deepCopy(), deselected, legacy);
        String[] a = old.lines.split("\n");
        String[] b = now.lines.split("\n");
        assertEquals(a.length, b.length);
        int identical = 0;
        for (int i = 0; i < a.length; i++) {
            String o = rawSurrogates(a[i]);
            if (o.equals(b[i])) {
                identical++;
            } else {
                assertEquivalent(MAPPER.readTree(o), MAPPER.readTree(b[i]), "line " + (i + 1) + "\nold: " + o + "\nnew: " + b[i]);
            }
        }
        // the differences allowed above are rare: number text inside containers, unusual escapes kept verbatim
        if (a.length > 100) assertTrue(identical >= a.length * 0.9, identical + " of " + a.length + " lines byte-identical");
        assertEquals(old.schema, now.schema);
    }

    private static final java.util.regex.Pattern SURROGATES =
            java.util.regex.Pattern.compile("(\\\\\\\\|\\\\)u(D[89AB][0-9A-F]{2})\\1u(D[C-F][0-9A-F]{2})");

    /**
     * The one intended difference: Jackson's generator wrote characters outside the BMP (emoji) as escaped
     * surrogate pairs ({@code \uD83D\uDE00}), the byte transform passes their UTF-8 bytes through unchanged.
     */
    static String rawSurrogates(String line) {
        return SURROGATES.matcher(line).replaceAll(m -> new String(new char[] {
                (char) Integer.parseInt(m.group(2), 16), (char) Integer.parseInt(m.group(3), 16)}));
    }

    /**
     * Same JSON, field by field, except that the byte transform keeps number text ({@code 147.70}) where Jackson's
     * generator re-printed numbers inside containers as doubles ({@code 147.7}), and keeps escapes verbatim: so
     * numbers compare as values, and a string holding a container's JSON text compares as that JSON.
     */
    private static void assertEquivalent(JsonNode old, JsonNode now, String where) throws IOException {
        if (old.equals(now)) return;
        if (old.isNumber() && now.isNumber()) {
            assertEquals(old.decimalValue().stripTrailingZeros(), now.decimalValue().stripTrailingZeros(), where);
            return;
        }
        if (old.isTextual() && now.isTextual()) {
            String o = old.asText();
            String n = now.asText();
            assertTrue(o.startsWith("{") || o.startsWith("["), where);
            assertEquivalent(MAPPER.readTree(o), MAPPER.readTree(n), where);
            return;
        }
        assertEquals(old.getNodeType(), now.getNodeType(), where);
        assertEquals(old.size(), now.size(), where);
        if (old.isObject()) {
            var names = old.fieldNames();
            var names2 = now.fieldNames();
            while (names.hasNext()) {
                String k = names.next();
                assertEquals(k, names2.next(), where);
                assertEquivalent(old.get(k), now.get(k), where);
            }
        } else {
            for (int i = 0; i < old.size(); i++) assertEquivalent(old.get(i), now.get(i), where);
        }
    }

    @Test
    void sandboxEventsWithAnOpenEmptySchema() throws IOException {
        same(body, schema(true), Set.of(), Optional.empty());
    }

    @Test
    void sandboxEventsWithEveryColumnAString() throws IOException {
        same(body, allStrings(), Set.of(), Optional.empty());
    }

    @Test
    void sandboxEventsWithMixedDeclarationsDateTimesTreeChecksAndDeselectedColumns() throws IOException {
        same(body, mixed(), Set.of("mp_reserved_browser", columns.get(3), columns.get(11)), Optional.empty());
    }

    @Test
    void sandboxEventsInLegacyLocalTime() throws IOException {
        same(body, schema(true), Set.of(), Optional.of(ZoneId.of("America/New_York")));
    }

    @Test
    void unusualButValidEventsRenderAlike() throws IOException {
        String events = String.join("\n",
                "{\"event\":\"a\\tb \\\"q\\\" \\\\ \\u0001 é 😀\",\"properties\":{\"time\":1700000000.5,\"$x\":\"line1\\nline2\",\"mp_reserved_y\":1,\"event\":\"inner\",\"n\":-0,\"f\":1e5,\"g\":1.0,\"o\":{},\"l\":[],\"z\":null}}",
                "{\"properties\":{\"time\":1700000001,\"time\":1700000002,\"arr\":[1,[2,{\"k\":\"v\\\"\"}],true,null],\"obj\":{\"a\":{\"b\":[\"c\"]}},\"s\":\"\\ud83d\\ude00\"},\"event\":\"late\",\"other\":{\"x\":[1,2]}}",
                "{\"event\":\"\",\"properties\":{}}",
                "{\"event\":\"e\",\"properties\":{\"time\":\"2024-01-01\",\"mp_processing_time_ms\":1700000000123,\"b\":false}}",
                "{\"event\":\"x\",\"properties\":{\"time\":1700000003,\"mp_literal_q\":\"1\",\"$\":\"dollar\",\"a\\u0062c\":\"escaped name\"}}") + "\n";
        byte[] in = events.getBytes(StandardCharsets.UTF_8);
        same(in, schema(true), Set.of(), Optional.empty());
        ObjectNode strings = schema(true);
        for (String c : List.of("event", "mp_reserved_x", "mp_literal_mp_reserved_y", "mp_literal_event", "n", "f", "g", "o", "l", "z",
                "arr", "obj", "s", "time", "mp_processing_time_ms", "b", "mp_literal_mp_literal_q", "mp_reserved_", "abc")) {
            ((ObjectNode) strings.get("properties")).putObject(c).putArray("type").add("null").add("string");
        }
        same(in, strings, Set.of(), Optional.empty());
        same(in, strings, Set.of("abc", "o"), Optional.of(ZoneId.of("Asia/Kolkata")));
    }
}
