package io.tapmixpanel.discovery;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.tapmixpanel.cli.Cli;
import io.tapmixpanel.cli.ExitCode;
import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.singer.Catalog;
import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.sync.Tap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every discovered schema is draft-07 JSON Schema with no string/date-time ambiguity; the CLI's failure path;
 * discovery of a project with 2,000 properties (timed and logged, not asserted); one Lexicon call per run.
 */
class DiscoveryCatalogValidityTest extends DiscoveryWireMockSupport {
    static final JsonSchema DRAFT_07 = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
            .getSchema(SchemaLocation.of("http://json-schema.org/draft-07/schema#"));

    @TempDir
    Path dir;

    @Test
    void theMetaSchemaCheckIsNotVacuous() {
        assertFalse(DRAFT_07.validate(json("{\"type\":\"strin\"}")).isEmpty());
        assertFalse(DRAFT_07.validate(json("{\"properties\":{\"a\":{\"type\":[\"null\",\"null\"]}}}")).isEmpty());
        assertTrue(DRAFT_07.validate(json("{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"}")).isEmpty());
    }

    @Test
    void everyDiscoveredSchemaIsDraft07WithoutStringDateTimeAmbiguity() {
        stubEngageProperties("""
                {"$browser":{"type":"string"},"age":{"type":"number"},"$is_active":{"type":"boolean"},
                 "$last_seen":{"type":"datetime"},"address":{"type":"object"},"tags":{"type":"list"},"x":{"type":"odd"}}""");
        stubTopProperties("{\"a\":{},\"b\":{},\"c\":{},\"event\":{},\"time\":{},\"mp_reserved_b\":{},\"$b\":{}}");
        stubLexicon("""
                [{"entityType":"event","name":"E1","schemaJson":{"properties":{"a":{"type":"integer"},"b":{"type":["string","null"]},
                   "c":{"type":"array"},"time":{"type":"string"},"$b":{"type":"boolean"}}}},
                 {"entityType":"event","name":"E2","schemaJson":{"properties":{"a":{"type":"string"},"b":{"type":"number"},
                   "c":{"type":"object"},"event":{"type":"integer"},"mp_reserved_b":{"type":"unknown-type"}}}}]""");
        for (boolean byDefault : new boolean[]{true, false}) {
            Catalog c = discover(SERVICE_ACCOUNT, byDefault);
            assertEquals(7, defaultStreams(c).size());
            for (CatalogEntry e : c.streams()) {
                Set<ValidationMessage> errors = DRAFT_07.validate(e.schema());
                assertTrue(errors.isEmpty(), e.tapStreamId() + ": " + errors);
                List<String> problems = new ArrayList<>();
                checkNoAmbiguity(e.schema(), e.tapStreamId(), problems);
                assertEquals(List.of(), problems);
            }
        }
    }

    /** No anyOf/oneOf that pairs a plain string with a date-time; a date-time format only on exactly [null, string]. */
    static void checkNoAmbiguity(JsonNode s, String path, List<String> problems) {
        if (s == null || !s.isObject()) return;
        for (String combinator : new String[]{"anyOf", "oneOf"}) {
            JsonNode alts = s.get(combinator);
            if (alts == null) continue;
            boolean plainString = false, dateTime = false;
            for (JsonNode a : alts) {
                boolean isString = a.path("type").asText("").equals("string") || a.path("type").toString().contains("\"string\"");
                if (isString && a.has("format")) dateTime = true;
                else if (isString) plainString = true;
                checkNoAmbiguity(a, path + "." + combinator, problems);
            }
            if (plainString && dateTime) problems.add(path + ": " + combinator + " pairs a string with a date-time");
        }
        if ("date-time".equals(s.path("format").asText(null)) && !s.path("type").toString().equals("[\"null\",\"string\"]")) {
            problems.add(path + ": date-time on type " + s.path("type"));
        }
        JsonNode props = s.get("properties");
        if (props != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                checkNoAmbiguity(p.getValue(), path + "." + p.getKey(), problems);
            }
        }
        checkNoAmbiguity(s.get("items"), path + "[]", problems);
    }

    Path config(String credentialsJson) throws Exception {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{" + credentialsJson + ",\"start_date\":\"2024-01-01\",\"project_timezone\":\"UTC\","
                + "\"api_base_url\":\"" + base() + "\",\"export_base_url\":\"" + base() + "\",\"app_base_url\":\"" + base() + "\"}");
        return f;
    }

    @Test
    void a401FailsDiscoveryThroughTheCliWithOneCriticalLineNamingTheEndpoint() throws Exception {
        stubJson("/api/2.0/engage/properties", 401, "{\"request\":\"/api/2.0/engage/properties?limit=2000\",\"error\":\"Invalid API secret\"}");
        stubTopProperties("{}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new Cli(out, Map.of()).run(new String[]{"--config", config("\"api_secret\":\"bad\"").toString(), "--discover"});
        assertEquals(ExitCode.FAILURE.code(), code);
        assertEquals("", out.toString(StandardCharsets.UTF_8), "no partial catalog on stdout");
        List<String> critical = log().lines().filter(l -> l.contains("CRITICAL")).toList();
        assertEquals(1, critical.size(), log());
        assertTrue(critical.get(0).contains("engage/properties") || critical.get(0).contains("engage properties"), critical.get(0));
        assertTrue(critical.get(0).contains("401"), critical.get(0));
        assertFalse(log().contains("at io.tapmixpanel"), "no stack trace at info level: " + log());
    }

    @Test
    void aPersistent500FailsTapDiscoverWithAMessageNamingTheEndpoint() throws Exception {
        // Through Tap with fast retries (the CLI's default backoff would take minutes); ErrorReport turns a
        // MixpanelApiException into the same single CRITICAL line as the 401 above.
        stubEngageProperties("{}");
        stubJson("/api/2.0/events/properties/top", 500, "{\"error\":\"boom\"}");
        var config = ConfigLoader.load(List.of(config("\"api_secret\":\"s\"")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> new Tap(config, FAST_RETRIES).discover(out));
        assertTrue(e.getMessage().contains("events/properties/top") || e.getMessage().contains("event properties"), e.getMessage());
        assertTrue(e.getMessage().contains("500"), e.getMessage());
        assertEquals(0, out.size());
        wm.verify(FAST_RETRIES.maxAttempts(), getRequestedFor(urlPathEqualTo("/api/2.0/events/properties/top")));
    }

    @Test
    void twoThousandPropertiesDiscoverQuicklyWithOneLexiconCall() throws Exception {
        int n = 2000;
        StringBuilder engage = new StringBuilder("{");
        StringBuilder top = new StringBuilder("{");
        StringBuilder lex = new StringBuilder("[");
        String[] engageTypes = {"string", "number", "boolean", "datetime", "object", "list"};
        String[] lexTypes = {"string", "number", "integer", "boolean", "array", "object"};
        for (int i = 0; i < n; i++) {
            String sep = i == 0 ? "" : ",";
            engage.append(sep).append("\"").append(i % 3 == 0 ? "$" : "").append("profile_prop_").append(i)
                    .append("\":{\"count\":").append(i).append(",\"type\":\"").append(engageTypes[i % 6]).append("\"}");
            top.append(sep).append("\"").append(i % 5 == 0 ? "$" : "").append("event_prop_").append(i).append("\":{\"count\":").append(i).append("}");
        }
        // 100 events in Lexicon, each typing 40 of the properties (some typed differently by different events).
        for (int ev = 0; ev < 100; ev++) {
            lex.append(ev == 0 ? "" : ",").append("{\"entityType\":\"event\",\"name\":\"Event ").append(ev).append("\",\"schemaJson\":{\"properties\":{");
            for (int k = 0; k < 40; k++) {
                int i = (ev * 37 + k * 13) % n;
                lex.append(k == 0 ? "" : ",").append("\"").append(i % 5 == 0 ? "$" : "").append("event_prop_").append(i)
                        .append("\":{\"type\":\"").append(lexTypes[(i + ev) % 6]).append("\"}");
            }
            lex.append("}}}");
        }
        stubEngageProperties(engage.append("}").toString());
        stubTopProperties(top.append("}").toString());
        stubLexicon(lex.append("]").toString());
        var config = ConfigLoader.load(List.of(config("\"service_account_username\":\"u\",\"service_account_secret\":\"s\",\"project_id\":" + PROJECT)));

        new Tap(config, FAST_RETRIES).discover(new ByteArrayOutputStream()); // warm-up (class loading, JIT)
        wm.resetRequests();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        new Tap(config, FAST_RETRIES).discover(out);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("[discovery benchmark] %d engage + %d export properties, 100 Lexicon event schemas: %d ms, catalog %d bytes%n",
                n, n, ms, out.size());

        Catalog c = Catalog.parse(MAPPER.readTree(out.toByteArray()), "stdout");
        assertEquals(1 + n + 1, schemaOf(c, "engage").get("properties").size(), "distinct_id, the n properties, mp_reserved_last_seen");
        assertEquals(5 + n, schemaOf(c, "export").get("properties").size());
        wm.verify(1, getRequestedFor(urlPathEqualTo(LEXICON_PATH)));
        for (CatalogEntry e : c.streams()) assertTrue(DRAFT_07.validate(e.schema()).isEmpty(), e.tapStreamId());
    }
}
