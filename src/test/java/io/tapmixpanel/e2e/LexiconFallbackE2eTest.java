package io.tapmixpanel.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.streams.PropertyNames;
import io.tapmixpanel.testing.TapHarness;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end against the sandbox: a large project's Lexicon (docs/streams.md "Governance streams"), whose App API
 * reads Mixpanel's gateway kills, still arrives whole through the query API; and discovery against a spec-strict
 * events/properties/top (docs/discovery.md) degrades to the Lexicon registry's columns instead of failing.
 */
class LexiconFallbackE2eTest {
    static final List<String> LEXICON = List.of("lexicon_events", "lexicon_properties");

    @TempDir
    Path dir;

    private static List<JsonNode> queryApiLexiconReads(Sandbox s) {
        return TapHarness.served(s).stream().filter(r -> r.get("path").asText().startsWith("/api/query/data_definitions/")).toList();
    }

    private static long appLexiconReads(Sandbox s) {
        return TapHarness.served(s).stream().filter(r -> r.get("path").asText().matches("/api/app/.*/data-definitions/(events|properties)/")
                && !"true".equals(r.path("params").path("custom_event").asText())).count();
    }

    /** {@code settleMs}: how long the sandbox may still be holding a request the tap gave up on (it logs it when done). */
    private void lexiconStreamsArriveWhole(Sandbox s, Map<String, Object> extra, long settleMs) throws InterruptedException {
        Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, extra));
        ObjectNode discovered = TapHarness.discover(config);
        Path catalog = TapHarness.write(dir, "catalog.json", TapHarness.select(discovered, LEXICON.toArray(String[]::new)));
        TapHarness.Messages m = TapHarness.tap("--config", config.toString(), "--catalog", catalog.toString()).assertSingerValid();
        JsonNode stats = TapHarness.stats(s);
        for (String stream : LEXICON) {
            assertTrue(stats.get(stream).asInt() > 0, stream);
            assertEquals(stats.get(stream).asInt(), m.records(stream).size(), stream);
        }
        List<String> resourceTypes = m.records("lexicon_properties").stream().map(r -> r.get("resource_type").asText()).distinct().toList();
        assertEquals(List.of("Event", "User"), resourceTypes);
        // one App attempt per run (discovery, sync): the rest went to the query API, naming the project and workspace
        Thread.sleep(settleMs);
        assertEquals(2, appLexiconReads(s));
        List<JsonNode> query = queryApiLexiconReads(s);
        assertFalse(query.isEmpty());
        for (JsonNode r : query) {
            assertEquals(200, r.get("status").asInt(), r.toString());
            assertEquals("1234", r.get("params").get("project_id").asText(), r.toString());
            assertTrue(r.get("params").has("workspace_id"), "the global workspace the App routes read: " + r);
        }
    }

    @Test
    void theLexiconStreamsArriveWholeWhenTheAppRouteAnswers504AfterTheGatewayDeadline() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(200).days(2).lexiconAppTimeoutMs(500).build())) {
            lexiconStreamsArriveWhole(s, Map.of(), 0);
        }
    }

    @Test
    void theLexiconStreamsArriveWholeWhenTheAppRouteOutlastsTheRequestTimeout() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(200).days(2).lexiconAppTimeoutMs(2500).build())) {
            lexiconStreamsArriveWhole(s, Map.of("request_timeout", 1), 2500);
        }
    }

    @Test
    void aStrictPropertiesTopGivesExportTheRegistrysEventPropertiesAndTheSyncIsValid() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(200).days(2).strictPropertiesTop(true).build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of()));
            ObjectNode discovered = TapHarness.discover(config);
            JsonNode columns = TapHarness.entry(discovered, "export").get("schema").get("properties");
            Set<String> registry = new LinkedHashSet<>();
            for (JsonNode schema : TapHarness.JSON.readTree(sandboxGet(s, "/api/app/projects/1234/schemas/event")).get("results")) {
                schema.get("schemaJson").get("properties").fieldNames().forEachRemaining(registry::add);
            }
            assertFalse(registry.isEmpty());
            for (String name : registry) assertTrue(columns.has(PropertyNames.exportColumn(name)), name + " in " + columns);
            Path catalog = TapHarness.write(dir, "catalog.json", TapHarness.select(discovered, "export"));
            TapHarness.Messages m = TapHarness.tap("--config", config.toString(), "--catalog", catalog.toString()).assertSingerValid();
            assertEquals(TapHarness.stats(s).get("events").asInt(), m.records("export").size());
            assertTrue(TapHarness.served(s).stream().anyMatch(r -> r.get("path").asText().equals("/api/2.0/events/properties/top")
                    && r.get("status").asInt() == 400), "the strict server was asked and said no");
        }
    }

    /** A GET of the sandbox with its service account. */
    private static String sandboxGet(Sandbox s, String path) throws Exception {
        String auth = java.util.Base64.getEncoder().encodeToString("sandbox-user:sandbox-password".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.baseUrl() + path)).header("Authorization", "Basic " + auth).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
