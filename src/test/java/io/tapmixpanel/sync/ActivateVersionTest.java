package io.tapmixpanel.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.SingerPythonTarget;
import io.tapmixpanel.testing.TapHarness;
import io.tapmixpanel.testing.WireMockTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/activate-version.md "ACTIVATE_VERSION": full-table streams are wrapped in ACTIVATE_VERSION and their records carry the version;
 * incremental streams never; a stream that does not finish never sends the closing one; {@code activate_version:
 * false} sends neither; and a target built like singer-python's warns about the message and loads everything.
 * The sandbox behind a WireMock proxy that can break one call.
 */
class ActivateVersionTest extends WireMockTestBase {
    private static final List<String> FULL_TABLE = List.of("engage", "annotations", "cohorts", "cohort_members");
    private static final List<String> INCREMENTAL = List.of("export", "funnels", "revenue");

    @TempDir
    Path dir;
    private Sandbox sandbox;
    private ObjectNode catalog;

    @BeforeEach
    void sandboxBehindProxy() throws Exception {
        sandbox = Sandbox.start(SandboxOptions.builder().port(0).events(200).days(3).endDate(LocalDate.of(2024, 1, 10))
                .profiles(30).funnels(1).cohorts(2).build());
        wm.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(sandbox.baseUrl())));
        catalog = TapHarness.select(TapHarness.discover(config(Map.of())), TapHarness.STREAMS.toArray(String[]::new));
    }

    @AfterEach
    void stopSandbox() throws Exception {
        sandbox.close();
    }

    private Path config(Map<String, Object> extra) {
        return TapHarness.write(dir, "config.json", TapHarness.config(sandbox, base().toString(), extra));
    }

    private TapHarness.SyncRun run(Map<String, Object> extra, ObjectNode catalog) {
        return TapHarness.sync(config(extra), TapHarness.FAST, Optional.of(TapHarness.write(dir, "catalog.json", catalog)),
                Optional.empty());
    }

    private static TapHarness.Messages messages(TapHarness.SyncRun run) {
        return TapHarness.Messages.parse(run.stdout(), false).assertSingerValid();
    }

    @Test
    void everyFullTableStreamIsWrappedInActivateVersionAndEachOfItsRecordsCarriesTheVersion() {
        long before = System.currentTimeMillis();
        TapHarness.SyncRun run = run(Map.of(), catalog);
        long after = System.currentTimeMillis();
        assertNull(run.failure(), String.join("\n", run.log()));
        TapHarness.Messages out = messages(run);

        long version = out.activateVersions("engage").get(0).get("version").asLong();
        assertTrue(version >= before && version <= after, "the run's start in epoch milliseconds: " + version);
        for (String s : FULL_TABLE) {
            List<Integer> activations = out.positions("ACTIVATE_VERSION", s);
            List<Integer> records = out.positions("RECORD", s);
            assertFalse(records.isEmpty(), s + " has records in the sandbox");
            assertEquals(2, activations.size(), s + ": one before the first record, one after the last");
            assertEquals(records.get(0) - 1, activations.get(0), s + ": the opening one right before the first record");
            assertTrue(activations.get(1) > records.get(records.size() - 1), s + ": the closing one after the last record");
            assertTrue(out.positions("SCHEMA", s).get(0) < activations.get(0), s + ": after its SCHEMA");
            for (ObjectNode a : out.activateVersions(s)) assertEquals(version, a.get("version").asLong(), s + ": " + a);
            for (ObjectNode r : out.recordMessages(s)) assertEquals(version, r.path("version").asLong(-1), s + ": " + r);
        }
        for (String s : INCREMENTAL) {
            assertFalse(out.recordMessages(s).isEmpty(), s + " has records in the sandbox");
            assertTrue(out.activateVersions(s).isEmpty(), s + " is incremental: no ACTIVATE_VERSION");
            assertTrue(out.recordMessages(s).stream().noneMatch(r -> r.has("version")), s + " records carry no version");
        }
    }

    @Test
    void theVersionIsTheMessagesOwnFieldBetweenRecordAndTimeExtractedAsSingerPythonWritesIt() {
        TapHarness.SyncRun run = run(Map.of(), TapHarness.select(catalog, "cohorts"));
        String line = run.stdout().lines().filter(l -> l.startsWith("{\"type\":\"RECORD\"")).findFirst().orElseThrow();
        assertTrue(line.matches("\\{\"type\":\"RECORD\",\"stream\":\"cohorts\",\"record\":\\{.*},\"version\":\\d+,"
                + "\"time_extracted\":\"[^\"]+\"}"), line);
        String activate = run.stdout().lines().filter(l -> l.contains("ACTIVATE_VERSION")).findFirst().orElseThrow();
        assertTrue(activate.matches("\\{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"cohorts\",\"version\":\\d+}"), activate);
    }

    @Test
    void engageReadIncrementallyHasNoActivateVersionAndNoVersion() {
        ObjectNode c = TapHarness.select(catalog, "engage");
        TapHarness.streamMetadata(TapHarness.entry(c, "engage")).put("replication-method", "INCREMENTAL")
                .put("replication-key", "mp_reserved_last_seen");
        TapHarness.Messages out = messages(run(Map.of(), c));
        assertFalse(out.recordMessages("engage").isEmpty());
        assertTrue(out.activateVersions("engage").isEmpty());
        assertTrue(out.recordMessages("engage").stream().noneMatch(r -> r.has("version")));
    }

    @Test
    void activateVersionFalseSendsNeitherTheMessageNorTheVersion() {
        TapHarness.SyncRun run = run(Map.of("activate_version", false), catalog);
        assertNull(run.failure(), String.join("\n", run.log()));
        assertFalse(run.stdout().contains("ACTIVATE_VERSION"));
        assertFalse(run.stdout().contains("\"version\":"));
        TapHarness.Messages out = messages(run);
        for (String s : FULL_TABLE) assertFalse(out.recordMessages(s).isEmpty(), s);
    }

    /** The engage call of the second cohort of cohorts/list (its first cohort's members are read by then). */
    private long secondCohort(TapHarness.Messages reference) {
        List<ObjectNode> cohorts = reference.records("cohorts");
        assertEquals(2, cohorts.size());
        long first = cohorts.get(0).get("id").asLong();
        assertTrue(reference.records("cohort_members").stream().anyMatch(m -> m.get("cohort_id").asLong() == first),
                "the first cohort has members");
        return cohorts.get(1).get("id").asLong();
    }

    private static void breakCohort(long id, int status, String body) {
        wm.stubFor(post(urlPathEqualTo("/api/2.0/engage")).atPriority(1)
                .withRequestBody(containing("filter_by_cohort=" + URLEncoder.encode("{\"id\":" + id + "}", StandardCharsets.UTF_8)))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
    }

    @Test
    void aStreamThatFailsPartWayNeverSendsTheClosingActivateVersion() {
        ObjectNode c = TapHarness.select(catalog, "cohorts", "cohort_members");
        long second = secondCohort(messages(run(Map.of(), c)));
        breakCohort(second, 403, "{\"error\":\"no access to this cohort\"}");

        TapHarness.SyncRun run = run(Map.of(), c);
        assertTrue(run.failure() instanceof StreamsFailedException, String.valueOf(run.failure()));
        TapHarness.Messages out = messages(run);
        assertFalse(out.recordMessages("cohort_members").isEmpty(), "the first cohort's members were written");
        assertEquals(1, out.activateVersions("cohort_members").size(), "the opening one only");
        assertEquals(2, out.activateVersions("cohorts").size(), "the stream that finished is closed");
    }

    @Test
    void aStreamSkippedPartWayNeverSendsTheClosingActivateVersion() {
        ObjectNode c = TapHarness.select(catalog, "cohorts", "cohort_members");
        long second = secondCohort(messages(run(Map.of(), c)));
        breakCohort(second, 402, "{\"error\":\"Your plan does not include this feature\"}");

        TapHarness.SyncRun run = run(Map.of(), c);
        assertNull(run.failure(), String.join("\n", run.log()));
        TapHarness.Messages out = messages(run);
        assertFalse(out.recordMessages("cohort_members").isEmpty(), "the first cohort's members were written");
        assertEquals(1, out.activateVersions("cohort_members").size(), "the opening one only");
    }

    @Test
    void aStreamSkippedAtItsFirstCallSendsNoActivateVersionAtAll() {
        wm.stubFor(post(urlPathEqualTo("/api/2.0/cohorts/list")).atPriority(1).willReturn(aResponse().withStatus(402)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"Your plan does not include this feature\"}")));
        TapHarness.SyncRun run = run(Map.of(), TapHarness.select(catalog, "cohorts"));
        assertNull(run.failure(), String.join("\n", run.log()));
        assertFalse(run.stdout().contains("ACTIVATE_VERSION"), run.stdout());
    }

    @Test
    void aFullTableStreamThatReadsNoRowSendsTheClosingActivateVersionAlone() {
        wm.stubFor(post(urlPathEqualTo("/api/2.0/cohorts/list")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("[]")));
        TapHarness.Messages out = messages(run(Map.of(), TapHarness.select(catalog, "cohorts")));
        assertTrue(out.recordMessages("cohorts").isEmpty());
        assertEquals(1, out.activateVersions("cohorts").size(), "the table is now empty: rows of older versions are gone");
    }

    @Test
    void aTargetBuiltLikeSingerPythonsWarnsAboutActivateVersionAndLoadsEveryRecord() {
        TapHarness.SyncRun run = run(Map.of(), catalog);
        assertNull(run.failure(), String.join("\n", run.log()));
        TapHarness.Messages out = messages(run);

        SingerPythonTarget.Loaded loaded = SingerPythonTarget.consume(run.stdout());
        assertEquals(2 * FULL_TABLE.size(), loaded.warnings().size(), loaded.warnings().toString());
        assertTrue(loaded.warnings().stream().allMatch(w -> w.startsWith("Unknown message type ACTIVATE_VERSION")),
                loaded.warnings().toString());
        for (String s : TapHarness.STREAMS) {
            List<JsonNode> expected = List.copyOf(out.records(s));
            assertEquals(expected, loaded.records().getOrDefault(s, List.of()), s);
        }
        assertEquals(out.lastState(), loaded.state());
    }

    @Test
    void theSingerPythonLikeTargetFailsOnATypeSingerPythonDoesNotParse() {
        // The model is faithful: only ACTIVATE_VERSION among non-core types gets the warning; anything else stops it.
        String input = "{\"type\":\"SCHEMA\",\"stream\":\"s\",\"schema\":{\"type\":\"object\"},\"key_properties\":[]}\n"
                + "{\"type\":\"BATCH\",\"stream\":\"s\"}\n";
        assertThrows(SingerPythonTarget.Crashed.class, () -> SingerPythonTarget.consume(input));
        assertThrows(SingerPythonTarget.Crashed.class,
                () -> SingerPythonTarget.consume("{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"s\"}\n"), "version is required");
    }
}
