package io.tapmixpanel.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import io.tapmixpanel.cli.Cli;
import io.tapmixpanel.testing.TapHarness;
import io.tapmixpanel.testing.WireMockTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/streams.md "Governance streams": the App API's data-governance listings as streams, against WireMock answering as
 * Mixpanel's governance routes do (their documented examples): discovery, scoping, skips, exact 64-bit ids, and
 * group_profiles.
 */
class GovernanceStreamsTest extends WireMockTestBase {
    static final long PROJECT = 2526451L;
    static final String PROJECT_SCOPE = "/api/app/projects/" + PROJECT;
    static final String REGISTRY = PROJECT_SCOPE + "/schemas";
    static final List<String> GOVERNANCE = List.of("lexicon_events", "lexicon_properties", "lexicon_tags", "schemas",
            "custom_properties", "custom_events", "drop_filters", "lookup_tables", "schema_enforcement",
            "data_volume_anomalies", "deletion_requests");
    /** 2^53 + 1, which a double cannot hold, and the smallest signed 64-bit integer. */
    static final String BIG_ID = "9007199254740993";
    static final String MIN_ID = "-9223372036854775808";
    /** Schema enforcement's answer when the project has none configured: a 404 naming the enforcement. */
    static final String NONE_CONFIGURED = "{\"status\":\"error\",\"error\":\"No schema enforcement is configured for this project\"}";

    @TempDir
    Path dir;

    // ------------------------------------------------------------------------------------------------ stubs

    private static void stub(MappingBuilder m, int status, String body) {
        wm.stubFor(m.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static String ok(String results) {
        return "{\"status\":\"ok\",\"results\":" + results + "}";
    }

    /** Every governance route under {@code scope}, answering like the examples of docs/streams.md "Governance streams". */
    private static void stubGovernance(String scope) {
        stub(get(urlPathEqualTo(scope + "/data-definitions/events/")).withQueryParam("custom_event", absent()), 200, ok("""
                [{"id":101,"name":"Purchase","displayName":"Purchase","description":"Checkout done","hidden":false,
                  "dropped":false,"merged":false,"verified":true,"tags":["core"],"customEventId":null,
                  "lastModified":"2026-03-02T10:11:12Z","platforms":["Web"],"createdUtc":"2025-01-05T00:00:00Z",
                  "modifiedUtc":"2026-03-02T10:11:12Z"},
                 {"id":102,"name":"Signup","displayName":"Sign up","description":"","hidden":true,"dropped":false,
                  "merged":false,"verified":false,"tags":[],"customEventId":null,"lastModified":"2026-03-01T00:00:00Z",
                  "platforms":[],"createdUtc":"2025-01-05T00:00:00Z","modifiedUtc":"2026-03-01T00:00:00Z"}]"""));
        stub(get(urlPathEqualTo(scope + "/data-definitions/events/")).withQueryParam("custom_event", equalTo("true")), 200, ok("""
                [{"id":201,"name":"Paid signup","displayName":"Paid signup","description":"","hidden":false,"dropped":false,
                  "merged":false,"verified":true,"tags":[],"customEventId":7,"lastModified":"2026-03-02T10:11:12Z",
                  "platforms":[],"createdUtc":"2025-02-01T00:00:00Z","modifiedUtc":"2026-03-02T10:11:12Z"}]"""));
        stub(get(urlPathEqualTo(scope + "/data-definitions/properties/")).withQueryParam("resourceType", equalTo("Event")), 200, ok("""
                [{"id":11,"name":"plan","resourceType":"Event","displayName":"Plan","description":"","exampleValue":"pro",
                  "hidden":false,"dropped":false,"merged":false,"sensitive":false,"dataGroupId":null},
                 {"id":12,"name":"price","resourceType":"Event","displayName":"Price","description":"","exampleValue":9.5,
                  "hidden":false,"dropped":true,"merged":false,"sensitive":false,"dataGroupId":null}]"""));
        stub(get(urlPathEqualTo(scope + "/data-definitions/properties/")).withQueryParam("resourceType", equalTo("User")), 200, ok("""
                [{"id":null,"name":"plan","resourceType":"User","displayName":"Plan","description":"","exampleValue":"free",
                  "hidden":false,"dropped":false,"merged":false,"sensitive":true,"dataGroupId":null}]"""));
        stub(get(urlPathEqualTo(scope + "/data-definitions/tags/")), 200, ok("[{\"id\":3,\"name\":\"core\"}]"));
        stub(get(urlPathEqualTo(scope + "/data-definitions/events/drop-filters/")), 200, ok("""
                [{"id":4,"eventName":"Spam","filters":null,"active":true,"displayName":"Spam","created":"2026-01-01T00:00:00Z"}]"""));
        stub(get(urlPathEqualTo(scope + "/custom_properties/")), 200, ok("""
                [{"customPropertyId":5,"name":"Full name","description":"","resourceType":"people","propertyType":"string",
                  "displayFormula":"A + B","composedProperties":{"A":{"value":"$first_name"}},"isLocked":false,
                  "isVisible":true,"dataGroupId":null,"created":"2026-01-02T00:00:00Z","modified":"2026-01-03T00:00:00Z",
                  "exampleValue":"Ada Lovelace"}]"""));
        stub(get(urlPathEqualTo(scope + "/data-definitions/lookup-tables/")), 200, ok("""
                [{"id":%s,"name":"Countries","token":"t1","createdAt":"2026-01-01T00:00:00Z",
                  "lastModifiedAt":"2026-01-02T00:00:00Z","hasMappedProperties":true},
                 {"id":%s,"name":"Plans","token":"t2","createdAt":"2026-01-01T00:00:00Z",
                  "lastModifiedAt":"2026-01-02T00:00:00Z","hasMappedProperties":false}]""".formatted(BIG_ID, MIN_ID)));
        stub(get(urlPathEqualTo(scope + "/data-definitions/schema/")), 404, NONE_CONFIGURED);
        stub(get(urlPathEqualTo(scope + "/data-definitions/data-volume-anomalies/")), 200, ok("""
                {"anomalies":[{"id":9,"timestamp":"2026-04-01T00:00:00Z","actualCount":1000,"predictedUpper":500,
                  "predictedLower":100,"percentVariance":"100%","status":"open","eventName":"Signup","anomalyClass":"Event"},
                 {"id":9,"timestamp":"2026-04-01T00:00:00Z","actualCount":3,"predictedUpper":50,"predictedLower":10,
                  "percentVariance":"-70%","status":"dismissed","eventName":"Signup","propertyName":"plan",
                  "anomalyClass":"Property"}]}"""));
        stub(get(urlPathEqualTo(scope + "/data-definitions/events/deletion-requests/")), 200, ok("""
                [{"id":8,"displayName":"GDPR","eventName":"Purchase","fromDate":"2025-01-01","toDate":"2025-01-31",
                  "filters":{},"status":"Completed","deletedEventsCount":12,"created":"2026-02-01T00:00:00Z",
                  "requestingUser":{"id":1,"name":"Ada"}}]"""));
    }

    private static void stubRegistry() {
        stub(get(urlPathEqualTo(REGISTRY)), 200, ok("""
                [{"entityType":"event","name":"Added To Cart","schemaJson":{"$schema":"http://json-schema.org/draft-07/schema",
                  "properties":{"item_id":{"type":"integer"},"price":{"type":"number"}}}},
                 {"entityType":"profile","name":"$user","schemaJson":{"properties":{"plan":{"type":"string"}}}}]"""));
    }

    /** What discovery of the other streams needs. */
    private static void stubCoreDiscovery() {
        stub(get(urlPathEqualTo("/api/2.0/engage/properties")), 200, ok("{\"$browser\":{\"count\":3,\"type\":\"string\"}}"));
        stub(get(urlPathEqualTo("/api/2.0/events/properties/top")), 200, "{\"plan\":{\"count\":2}}");
    }

    private static void stubMe(String workspacesJson) {
        stub(get(urlPathEqualTo("/api/app/me")), 200, ok("{\"projects\":{\"" + PROJECT + "\":{\"name\":\"Alpha\",\"timezone\":\"UTC\","
                + "\"domain\":\"mixpanel.com\"}},\"workspaces\":" + workspacesJson + "}"));
    }

    // ------------------------------------------------------------------------------------------------ runs

    private Path config(Map<String, Object> extra) {
        ObjectNode c = TapHarness.JSON.createObjectNode();
        c.put("service_account_username", "sa-user");
        c.put("service_account_secret", "sa-secret");
        c.put("project_id", PROJECT);
        c.put("api_base_url", base().toString());
        c.put("export_base_url", base().toString());
        c.put("app_base_url", base().toString());
        c.put("start_date", "2024-01-01");
        c.put("end_date", "2024-01-02");
        c.put("project_timezone", "UTC");
        extra.forEach((k, v) -> c.set(k, TapHarness.JSON.valueToTree(v)));
        return TapHarness.write(dir, "config.json", c);
    }

    private static Path secretConfig(Path dir) {
        ObjectNode c = TapHarness.JSON.createObjectNode();
        c.put("api_secret", "0123456789abcdef");
        c.put("project_id", PROJECT);
        c.put("api_base_url", base().toString());
        c.put("export_base_url", base().toString());
        c.put("app_base_url", base().toString());
        c.put("start_date", "2024-01-01");
        c.put("end_date", "2024-01-02");
        c.put("project_timezone", "UTC");
        return TapHarness.write(dir, "secret-config.json", c);
    }

    private record Run(int code, String stdout, String log) {
        TapHarness.Messages messages() { return TapHarness.Messages.parse(stdout, false).assertSingerValid(); }
    }

    private Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        logged.reset();
        int code = new Cli(out, Map.of()).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), log());
    }

    private ObjectNode discover(Path config) {
        Run r = cli("--config", config.toString(), "--discover");
        assertEquals(0, r.code(), r.log());
        try {
            return (ObjectNode) TapHarness.JSON.readTree(r.stdout());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> ids(ObjectNode catalog) {
        List<String> ids = new ArrayList<>();
        catalog.get("streams").forEach(s -> ids.add(s.get("tap_stream_id").asText()));
        return ids;
    }

    private Run sync(Path config, ObjectNode catalog, String... streams) {
        Path file = TapHarness.write(dir, "catalog.json", TapHarness.select(catalog, streams));
        return cli("--config", config.toString(), "--catalog", file.toString());
    }

    private static List<String> lines(String log, String prefix) {
        return log.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    private static String summaryLine(String log, String stream) {
        return log.lines().filter(l -> l.matches("INFO\\s+" + stream + "\\s+\\d+.*")).findFirst().orElse("(no summary line for " + stream + ")");
    }

    // ------------------------------------------------------------------------------------------------ discovery

    @Test
    void discoveryWithAServiceAccountListsEveryGovernanceStreamFullTableWithItsKeysAndNotSelectedByDefault() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/schema/")), 200, ok("{\"id\":1}"));
        ObjectNode catalog = discover(config(Map.of()));
        List<String> ids = ids(catalog);
        assertTrue(ids.containsAll(GOVERNANCE), ids.toString());
        assertFalse(ids.contains("group_profiles"), "group_profiles is offered only with data_group_ids: " + ids);
        Map<String, String> keys = new HashMap<>();
        for (String s : GOVERNANCE) {
            ObjectNode entry = TapHarness.entry(catalog, s);
            ObjectNode md = TapHarness.streamMetadata(entry);
            assertFalse(md.get("selected-by-default").asBoolean(), s);
            assertEquals("FULL_TABLE", md.get("forced-replication-method").asText(), s);
            keys.put(s, md.get("table-key-properties").toString());
            assertEquals(md.get("table-key-properties"), entry.get("key_properties"), s);
        }
        assertEquals(Map.ofEntries(Map.entry("lexicon_events", "[\"id\"]"),
                Map.entry("lexicon_properties", "[\"resource_type\",\"name\"]"), Map.entry("lexicon_tags", "[\"id\"]"),
                Map.entry("schemas", "[\"entityType\",\"name\"]"), Map.entry("custom_properties", "[\"customPropertyId\"]"),
                Map.entry("custom_events", "[\"customEventId\"]"), Map.entry("drop_filters", "[\"id\"]"),
                Map.entry("lookup_tables", "[\"id\"]"), Map.entry("schema_enforcement", "[\"id\"]"),
                Map.entry("data_volume_anomalies", "[\"anomalyClass\",\"id\"]"), Map.entry("deletion_requests", "[\"id\"]")), keys);
        assertEquals("[\"null\",\"string\"]", TapHarness.entry(catalog, "lookup_tables").at("/schema/properties/id/type").toString(),
                "a text key, which holds the route's 64-bit integers and the documented listing's UUIDs alike");
        for (String s : TapHarness.STREAMS) {
            assertTrue(TapHarness.streamMetadata(TapHarness.entry(catalog, s)).get("selected-by-default").asBoolean(), s);
        }
        assertTrue(lines(log(), "WARNING").isEmpty(), log());
    }

    @Test
    void withAProjectSecretTheGovernanceStreamsAreLeftOutWithOneWarningAndNoGovernanceRequest() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        ObjectNode catalog = discover(secretConfig(dir));
        List<String> ids = ids(catalog);
        assertEquals(TapHarness.STREAMS, ids);
        List<String> warnings = lines(log(), "WARNING");
        assertEquals(1, warnings.size(), log());
        assertTrue(warnings.get(0).contains("service account") && warnings.get(0).contains("lookup_tables"), warnings.get(0));
        wm.verify(0, getRequestedFor(urlPathMatching(PROJECT_SCOPE + "/(data-definitions|custom_properties)/.*")));
    }

    @Test
    void aForbiddenOrMissingRouteAtDiscoveryLeavesThatStreamOutWithAWarning() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/data-volume-anomalies/")), 403,
                "{\"status\":\"error\",\"error\":\"This feature requires an Enterprise plan\"}");
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/events/deletion-requests/")), 404,
                "{\"status\":\"error\",\"error\":\"not found\"}");
        ObjectNode catalog = discover(config(Map.of()));
        List<String> ids = ids(catalog);
        assertFalse(ids.contains("data_volume_anomalies"), ids.toString());
        assertFalse(ids.contains("deletion_requests"), ids.toString());
        assertTrue(ids.contains("lookup_tables") && ids.contains("schema_enforcement"), ids.toString());
        List<String> warnings = lines(log(), "WARNING");
        assertEquals(2, warnings.size(), log());
        assertTrue(warnings.get(0).startsWith("WARNING stream data_volume_anomalies left out of the catalog: Mixpanel answered 403")
                && warnings.get(0).contains("Enterprise plan"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("WARNING stream deletion_requests left out of the catalog: Mixpanel answered 404"),
                warnings.get(1));
    }

    @Test
    void aPlanWithoutGovernanceLeavesEveryGovernanceStreamOutAndKeepsTheOthers() {
        stubCoreDiscovery();
        wm.stubFor(get(urlPathMatching("/api/app/.*")).atPriority(10).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"error\",\"error\":\"forbidden\"}")));
        ObjectNode catalog = discover(config(Map.of()));
        assertEquals(TapHarness.STREAMS, ids(catalog));
        assertTrue(lines(log(), "WARNING").stream().anyMatch(l -> l.startsWith("WARNING stream schema_enforcement left out")), log());
    }

    // ------------------------------------------------------------------------------------------------ sync

    @Test
    void aSyncOfEveryGovernanceStreamWritesEachItemOnceWithEveryFieldAsSent() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        Path config = config(Map.of());
        Run run = sync(config, discover(config), GOVERNANCE.toArray(String[]::new));
        assertEquals(0, run.code(), run.log());
        TapHarness.Messages out = run.messages();
        assertEquals(Map.of("lexicon_events", 2, "lexicon_properties", 3, "lexicon_tags", 1, "schemas", 2,
                "custom_properties", 1, "custom_events", 1, "drop_filters", 1, "lookup_tables", 2,
                "data_volume_anomalies", 2, "deletion_requests", 1), out.recordCounts());
        assertTrue(summaryLine(run.log(), "schema_enforcement").endsWith("ok"), "404 = none configured: " + run.log());
        ObjectNode purchase = out.records("lexicon_events").get(0);
        assertEquals("Purchase", purchase.get("name").asText());
        assertTrue(purchase.get("verified").asBoolean());
        assertEquals("[\"core\"]", purchase.get("tags").toString());
        List<String> props = out.records("lexicon_properties").stream()
                .map(r -> r.get("resource_type").asText() + "/" + r.get("name").asText()).toList();
        assertEquals(List.of("Event/plan", "Event/price", "User/plan"), props);
        assertEquals(7, out.records("custom_events").get(0).get("customEventId").asInt());
        assertEquals("{\"A\":{\"value\":\"$first_name\"}}", out.records("custom_properties").get(0).get("composedProperties").toString());
        assertEquals(List.of("Event", "Property"), out.records("data_volume_anomalies").stream().map(r -> r.get("anomalyClass").asText()).toList());
        assertEquals("{\"id\":1,\"name\":\"Ada\"}", out.records("deletion_requests").get(0).get("requestingUser").toString());
        assertEquals("Added To Cart", out.records("schemas").get(0).get("name").asText());
        assertTrue(lines(run.log(), "WARNING").isEmpty(), run.log());
    }

    @Test
    void schemaEnforcementIsOneRowWhenConfigured() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/schema/")), 200, ok("""
                {"id":42,"lastModified":"2026-03-02T10:11:12Z","ruleEvent":"Warn and Drop","notificationEmails":["a@example.com"],
                 "events":[],"commonProperties":[],"userProperties":[],"state":"active"}"""));
        Path config = config(Map.of());
        Run run = sync(config, discover(config), "schema_enforcement");
        assertEquals(0, run.code(), run.log());
        List<ObjectNode> rows = run.messages().records("schema_enforcement");
        assertEquals(1, rows.size());
        assertEquals("Warn and Drop", rows.get(0).get("ruleEvent").asText());
    }

    @Test
    void lookupTableIdsPastTwoToTheFiftyThirdAreWrittenAsTheirDecimalTextWithEveryDigitAndSign() throws Exception {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        Path config = config(Map.of());
        Run run = sync(config, discover(config), "lookup_tables");
        assertEquals(0, run.code(), run.log());
        List<String> recordLines = run.stdout().lines().filter(l -> l.contains("\"type\":\"RECORD\"")).toList();
        assertEquals(2, recordLines.size());
        assertTrue(recordLines.get(0).contains("\"id\":\"" + BIG_ID + "\","), recordLines.get(0));
        assertTrue(recordLines.get(1).contains("\"id\":\"" + MIN_ID + "\","), recordLines.get(1));
        JsonNode id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(recordLines.get(0)).at("/record/id");
        assertTrue(id.isTextual(), id.toString());
        assertEquals(new BigInteger(BIG_ID), new BigInteger(id.asText()), "every digit, not through a double");
        assertEquals("[\"null\",\"string\"]", run.messages().schema("lookup_tables").at("/schema/properties/id/type").toString());
        assertEquals(1, run.stdout().lines().filter(l -> l.contains("\"type\":\"SCHEMA\"") && l.contains("\"lookup_tables\"")).count(),
                "no column widened at run time");
    }

    @Test
    void lookupTableUuidIdsAsMixpanelsDocumentedListingGivesThemLoadUnderTheSameSchemaAsSent() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        Path config = config(Map.of());
        ObjectNode catalog = discover(config);
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/lookup-tables/")), 200, ok("""
                [{"id":"55b4fb2b-e8de-466c-930f-8b36640b9b5e","name":"Countries","token":"t1","createdAt":"2026-01-01T00:00:00Z",
                  "lastModifiedAt":"2026-01-02T00:00:00Z","hasMappedProperties":true}]"""));
        Run run = sync(config, catalog, "lookup_tables");
        assertEquals(0, run.code(), run.log());
        List<ObjectNode> rows = run.messages().records("lookup_tables");
        assertEquals(1, rows.size());
        assertEquals("55b4fb2b-e8de-466c-930f-8b36640b9b5e", rows.get(0).get("id").asText());
        assertEquals(TapHarness.entry(catalog, "lookup_tables").get("schema"), run.messages().schema("lookup_tables").get("schema"),
                "the discovered schema holds a UUID key as it is");
        assertEquals(1, run.stdout().lines().filter(l -> l.contains("\"type\":\"SCHEMA\"") && l.contains("\"lookup_tables\"")).count());
    }

    @Test
    void aLoneSurrogateInALexiconNameBecomesTheReplacementCharacter() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        Path config = config(Map.of());
        ObjectNode catalog = discover(config);
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/tags/")), 200, ok("[{\"id\":3,\"name\":\"core\\ud800\"}]"));
        Run run = sync(config, catalog, "lexicon_tags");
        assertEquals(0, run.code(), run.log());
        assertEquals("core\ufffd", run.messages().records("lexicon_tags").get(0).get("name").asText());
    }

    @Test
    void aForbiddenRouteAtSyncSkipsThatStreamWithAWarningAndTheRunExitsZero() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        Path config = config(Map.of());
        ObjectNode catalog = discover(config);
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/lookup-tables/")), 403,
                "{\"status\":\"error\",\"error\":\"Lookup tables are not part of your plan\"}");
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/tags/")), 404, "{\"status\":\"error\",\"error\":\"not found\"}");
        Run run = sync(config, catalog, "lookup_tables", "lexicon_tags", "drop_filters");
        assertEquals(0, run.code(), run.log());
        assertEquals(1, lines(run.log(), "WARNING stream lookup_tables skipped: Mixpanel answered 403").size(), run.log());
        assertEquals(1, lines(run.log(), "WARNING stream lexicon_tags skipped: Mixpanel answered 404").size(), run.log());
        assertTrue(summaryLine(run.log(), "lookup_tables").endsWith("skipped (403)"), summaryLine(run.log(), "lookup_tables"));
        assertTrue(summaryLine(run.log(), "lexicon_tags").endsWith("skipped (404)"), summaryLine(run.log(), "lexicon_tags"));
        assertEquals(1, run.messages().records("drop_filters").size());
        assertTrue(lines(run.log(), "CRITICAL").isEmpty(), run.log());
    }

    @Test
    void aSchemaEnforcement404ThatNamesNoEnforcementIsAMissingRouteSkippedWithAWarningNotNoneConfigured() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        Path config = config(Map.of());
        ObjectNode catalog = discover(config);
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/schema/")), 404, "{\"status\":\"error\",\"error\":\"not found\"}");
        Run run = sync(config, catalog, "schema_enforcement", "drop_filters");
        assertEquals(0, run.code(), run.log());
        assertEquals(1, lines(run.log(), "WARNING stream schema_enforcement skipped: Mixpanel answered 404").size(), run.log());
        assertTrue(summaryLine(run.log(), "schema_enforcement").endsWith("skipped (404)"), summaryLine(run.log(), "schema_enforcement"));
        assertTrue(run.messages().records("schema_enforcement").isEmpty());
        assertEquals(1, run.messages().records("drop_filters").size());
    }

    @Test
    void aSchemaEnforcementRouteAnsweringAPageInsteadOfMixpanelsErrorIsAMissingRouteToo() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        Path config = config(Map.of());
        ObjectNode catalog = discover(config);
        wm.stubFor(get(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/schema/")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "text/html").withBody("<html><body><h1>Not Found</h1></body></html>")));
        Run run = sync(config, catalog, "schema_enforcement");
        assertEquals(0, run.code(), run.log());
        assertTrue(summaryLine(run.log(), "schema_enforcement").endsWith("skipped (404)"), summaryLine(run.log(), "schema_enforcement"));
    }

    @Test
    void schemaEnforcementNotConfiguredIsAStreamWithNoRecordAndNoWarning() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        Path config = config(Map.of());
        Run run = sync(config, discover(config), "schema_enforcement");
        assertEquals(0, run.code(), run.log());
        assertTrue(run.messages().records("schema_enforcement").isEmpty());
        assertTrue(summaryLine(run.log(), "schema_enforcement").endsWith("ok"), summaryLine(run.log(), "schema_enforcement"));
        assertTrue(lines(run.log(), "WARNING").isEmpty(), run.log());
        assertEquals(1, lines(run.log(), "INFO schema_enforcement: the project has no schema enforcement configured").size(), run.log());
    }

    @Test
    void schemaEnforcementAnsweringAnEmptyObjectIsNoneConfiguredToo() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        Path config = config(Map.of());
        ObjectNode catalog = discover(config);
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/schema/")), 200, ok("{}"));
        Run run = sync(config, catalog, "schema_enforcement");
        assertEquals(0, run.code(), run.log());
        assertTrue(run.messages().records("schema_enforcement").isEmpty());
        assertTrue(summaryLine(run.log(), "schema_enforcement").endsWith("ok"), summaryLine(run.log(), "schema_enforcement"));
    }

    @Test
    void discoveryOffersSchemaEnforcementWhenNoneIsConfiguredAndLeavesItOutWhenItsRouteIsMissing() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        assertTrue(ids(discover(config(Map.of()))).contains("schema_enforcement"), log());
        assertTrue(lines(log(), "WARNING").isEmpty(), log());
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/schema/")), 404, "{\"status\":\"error\",\"error\":\"not found\"}");
        assertFalse(ids(discover(config(Map.of()))).contains("schema_enforcement"));
        assertTrue(lines(log(), "WARNING").stream().anyMatch(l -> l.startsWith("WARNING stream schema_enforcement left out of the catalog: Mixpanel answered 404")),
                log());
    }

    @Test
    void anyOtherFailureOfAGovernanceRouteCostsThatStreamOnlyAndTheRunExitsOne() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        Path config = config(Map.of("max_concurrent_requests", 1));
        ObjectNode catalog = discover(config);
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/tags/")), 400, "{\"status\":\"error\",\"error\":\"bad request\"}");
        Run run = sync(config, catalog, "lexicon_tags", "drop_filters");
        assertEquals(1, run.code(), run.log());
        assertEquals(1, lines(run.log(), "CRITICAL stream lexicon_tags failed: ").size(), run.log());
        assertEquals(1, run.messages().records("drop_filters").size());
    }

    @Test
    void aCatalogSelectingGovernanceStreamsWithAProjectSecretSkipsThemWithAWarning() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        ObjectNode catalog = discover(config(Map.of()));
        Run run = sync(secretConfig(dir), catalog, "lexicon_tags");
        assertEquals(0, run.code(), run.log());
        assertEquals(1, lines(run.log(), "WARNING stream lexicon_tags skipped: ").size(), run.log());
        assertTrue(run.messages().records("lexicon_tags").isEmpty());
        wm.verify(0, getRequestedFor(urlPathEqualTo(PROJECT_SCOPE + "/data-definitions/tags/")).withHeader("Authorization", containing("Basic MDEy")));
    }

    // ------------------------------------------------------------------------------------------------ scoping

    @Test
    void aConfiguredWorkspaceIdScopesEveryGovernanceRoute() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance("/api/app/workspaces/31");
        stubMe("{\"77\":{\"id\":77,\"project_id\":" + PROJECT + ",\"is_global\":true}}");
        Path config = config(Map.of("workspace_id", 31));
        Run run = sync(config, discover(config), "lexicon_events", "lexicon_properties");
        assertEquals(0, run.code(), run.log());
        assertEquals(Map.of("lexicon_events", 2, "lexicon_properties", 3), run.messages().recordCounts());
        wm.verify(0, getRequestedFor(urlPathMatching(PROJECT_SCOPE + "/data-definitions/.*")));
        wm.verify(0, getRequestedFor(urlPathMatching("/api/app/workspaces/77/.*")));
    }

    @Test
    void withoutWorkspaceIdTheProjectsGlobalWorkspaceFromMeIsUsed() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance("/api/app/workspaces/77");
        stubMe("{\"76\":{\"id\":76,\"project_id\":" + PROJECT + ",\"is_global\":false},"
                + "\"90\":{\"id\":90,\"project_id\":1,\"is_global\":true},"
                + "\"77\":{\"id\":77,\"name\":\"All Project Data\",\"project_id\":" + PROJECT + ",\"is_default\":true,"
                + "\"is_global\":true,\"is_restricted\":false,\"is_visible\":true}}");
        Path config = config(Map.of());
        Run run = sync(config, discover(config), "lexicon_tags");
        assertEquals(0, run.code(), run.log());
        assertEquals(1, run.messages().records("lexicon_tags").size());
        wm.verify(0, getRequestedFor(urlPathMatching(PROJECT_SCOPE + "/data-definitions/.*")));
    }

    @Test
    void withoutMeTheProjectsPublicWorkspaceListIsAskedThenProjectPaths() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance("/api/app/workspaces/55");
        stub(get(urlPathEqualTo("/api/app/me")), 404, "{\"status\":\"error\",\"error\":\"not found\"}");
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/workspaces/public")), 200, ok("[{\"id\":54,\"is_global\":false},{\"id\":55,\"is_global\":true}]"));
        Path config = config(Map.of());
        Run run = sync(config, discover(config), "lexicon_tags");
        assertEquals(0, run.code(), run.log());
        assertEquals(1, run.messages().records("lexicon_tags").size());

        wm.resetAll();
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        stubMe("{}");
        Run fallback = sync(config, discover(config), "lexicon_tags");
        assertEquals(0, fallback.code(), fallback.log());
        assertEquals(1, fallback.messages().records("lexicon_tags").size());
        assertTrue(fallback.log().contains("governance streams read the project's paths"), fallback.log());
    }

    // ------------------------------------------------------------------------------------------------ no catalog, registry

    @Test
    void aRunWithoutACatalogSyncsOnlyTheStreamsSelectedByDefaultAndAsksTheRegistryOnce() {
        stubCoreDiscovery();
        stubRegistry();
        stubGovernance(PROJECT_SCOPE);
        stub(get(urlPathEqualTo("/api/2.0/export")), 200, "");
        stub(post(urlPathEqualTo("/api/2.0/engage")), 200, "{\"page\":0,\"page_size\":1000,\"session_id\":\"s\",\"status\":\"ok\",\"total\":0,\"results\":[]}");
        stub(get(urlPathEqualTo("/api/2.0/funnels/list")), 200, "[]");
        stub(get(urlPathEqualTo("/api/2.0/engage/revenue")), 200, "{\"status\":\"ok\",\"results\":{}}");
        stub(get(urlPathEqualTo(PROJECT_SCOPE + "/annotations")), 200, ok("[]"));
        stub(post(urlPathEqualTo("/api/2.0/cohorts/list")), 200, "[]");
        stubMe("{}");
        Run run = cli("--config", config(Map.of()).toString());
        assertEquals(0, run.code(), run.log());
        TapHarness.Messages out = run.messages();
        for (String s : GOVERNANCE) {
            assertTrue(out.messages().stream().noneMatch(m -> m.path("stream").asText().equals(s)), s + " was synced: " + run.log());
        }
        assertTrue(out.messages().stream().anyMatch(m -> m.path("stream").asText().equals("cohorts")), run.log());
        assertTrue(run.log().contains("syncing every stream selected by default"), run.log());
        // nor asked for: no request, no warning about streams this run would not sync
        wm.verify(0, getRequestedFor(urlPathMatching(PROJECT_SCOPE + "/(data-definitions|custom_properties)/.*")));
        assertTrue(lines(run.log(), "WARNING").isEmpty(), run.log());
        // export's types and the schemas stream's discovery share one call of the registry's 5 a minute
        wm.verify(1, getRequestedFor(urlPathEqualTo(REGISTRY)));
    }

    // ------------------------------------------------------------------------------------------------ group profiles

    @Test
    void groupProfilesReadsEngageForEachGroupKeyAndKeysRecordsByGroupAndDistinctId() {
        stubCoreDiscovery();
        stubRegistry();
        stub(post(urlPathEqualTo("/api/2.0/engage")).withRequestBody(containing("data_group_id=" + BIG_ID)), 200, """
                {"page":0,"page_size":1000,"session_id":"s1","status":"ok","total":2,
                 "results":[{"$distinct_id":"acme","$properties":{"$name":"Acme","$last_seen":"2024-02-01T11:20:47","plan":"pro"}},
                            {"$distinct_id":"globex","$properties":{"$name":"Globex","data_group_id":"literal"}}]}""");
        stub(post(urlPathEqualTo("/api/2.0/engage")).withRequestBody(containing("data_group_id=3")), 200, """
                {"page":0,"page_size":1000,"session_id":"s2","status":"ok","total":1,
                 "results":[{"$distinct_id":"acme","$properties":{"$name":"Acme team"}}]}""");
        Path config = config(Map.of("data_group_ids", List.of(Long.parseLong(BIG_ID), 3)));
        ObjectNode catalog = discover(config);
        ObjectNode entry = TapHarness.entry(catalog, "group_profiles");
        assertEquals("[\"data_group_id\",\"distinct_id\"]", entry.get("key_properties").toString());
        assertTrue(TapHarness.streamMetadata(entry).get("selected-by-default").asBoolean());
        Run run = sync(config, catalog, "group_profiles");
        assertEquals(0, run.code(), run.log());
        List<ObjectNode> rows = run.messages().records("group_profiles");
        assertEquals(List.of(BIG_ID + "/acme", BIG_ID + "/globex", "3/acme"),
                rows.stream().map(r -> r.get("data_group_id").asText() + "/" + r.get("distinct_id").asText()).toList());
        assertTrue(rows.get(0).get("data_group_id").isIntegralNumber());
        assertEquals("Acme", rows.get(0).get("mp_reserved_name").asText());
        assertEquals("2024-02-01T11:20:47Z", rows.get(0).get("mp_reserved_last_seen").asText(), "shaped like engage");
        assertEquals("literal", rows.get(1).get("mp_literal_data_group_id").asText());
        assertTrue(run.stdout().contains("\"data_group_id\":" + BIG_ID + ","), "every digit of the group key id");
        wm.verify(2, postRequestedFor(urlPathEqualTo("/api/2.0/engage")));
    }

    @Test
    void groupProfilesIsNotOfferedWithoutDataGroupIds() {
        stubCoreDiscovery();
        stubRegistry();
        assertFalse(ids(discover(config(Map.of()))).contains("group_profiles"));
        assertTrue(ids(discover(config(Map.of("data_group_ids", "3, 4")))).contains("group_profiles"));
    }

    @Test
    void dataGroupIdsThatAreNotWholeNumbersAreAConfigErrorNamingTheKey() {
        Run run = cli("--config", config(Map.of("data_group_ids", List.of("12", "1.5"))).toString(), "--discover");
        assertEquals(2, run.code(), run.log());
        List<String> errors = run.log().lines().filter(l -> !l.isBlank()).toList();
        assertTrue(errors.stream().anyMatch(l -> l.contains("data_group_ids") && l.contains("'1.5'")), run.log());
        Run ok = cli("--config", config(Map.of("data_group_ids", Optional.of(List.of()).get())).toString(), "--about");
        assertEquals(0, ok.code(), ok.log());
    }
}
