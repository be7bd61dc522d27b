package io.tapmixpanel.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.cli.Cli;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import io.tapmixpanel.testing.WireMockTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/reliability.md "When a stream fails" and docs/streams.md "Streams": the sandbox behind a WireMock proxy that breaks one endpoint. A stream
 * failing for good costs that stream only; undocumented endpoints that are missing skip their stream; export windows
 * that keep ending early are fetched in halves.
 */
class StreamFailuresTest extends WireMockTestBase {
    private static final List<String> OTHERS = List.of("export", "engage", "revenue", "annotations", "cohorts", "cohort_members");

    @TempDir
    Path dir;
    private Sandbox sandbox;
    private Path catalog;

    @BeforeEach
    void sandboxBehindProxy() throws Exception {
        sandbox = Sandbox.start(SandboxOptions.builder().port(0).events(400).days(4).endDate(LocalDate.of(2024, 1, 10))
                .profiles(40).funnels(2).cohorts(2).build());
        wm.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(sandbox.baseUrl())));
        catalog = TapHarness.write(dir, "catalog.json",
                TapHarness.select(TapHarness.discover(config(Map.of())), TapHarness.STREAMS.toArray(String[]::new)));
    }

    @AfterEach
    void stopSandbox() throws Exception {
        sandbox.close();
    }

    private Path config(Map<String, Object> extra) {
        return TapHarness.write(dir, "config.json", TapHarness.config(sandbox, base().toString(), extra));
    }

    private static void breakEndpoint(String path, int status, String body) {
        wm.stubFor(get(urlPathEqualTo(path)).atPriority(1).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    /** A run through the command line: its exit code, stdout and log. */
    private record CliRun(int code, TapHarness.Messages out, String log) {}

    private CliRun cli(Path config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        logged.reset();
        int code = new Cli(out, Map.of()).run(new String[]{"--config", config.toString(), "--catalog", catalog.toString()});
        return new CliRun(code, TapHarness.Messages.parse(out.toString(StandardCharsets.UTF_8), false).assertSingerValid(), log());
    }

    private static List<String> lines(String log, String prefix) {
        return log.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    private static String summaryLine(String log, String stream) {
        return log.lines().filter(l -> l.matches("INFO\\s+" + stream + "\\s+\\d+.*")).findFirst().orElse("(no summary line for " + stream + ")");
    }

    @Test
    void aStreamFailingForGoodCostsThatStreamOnlyAndTheRunExitsOne() {
        Path config = config(Map.of());
        CliRun reference = cli(config);
        assertEquals(0, reference.code(), reference.log());

        breakEndpoint("/api/2.0/funnels", 403, "{\"error\":\"no access to this report\"}");
        CliRun run = cli(config);

        assertEquals(1, run.code(), run.log());
        List<String> critical = lines(run.log(), "CRITICAL");
        assertEquals(1, critical.size(), run.log());
        assertTrue(critical.get(0).startsWith("CRITICAL stream funnels failed: "), critical.get(0));
        assertTrue(summaryLine(run.log(), "funnels").endsWith("failed"), summaryLine(run.log(), "funnels"));
        for (String s : OTHERS) {
            assertEquals(TapHarness.multiset(reference.out().records(s)), TapHarness.multiset(run.out().records(s)), s);
            assertTrue(summaryLine(run.log(), s).endsWith("ok"), summaryLine(run.log(), s));
            assertEquals(reference.out().lastState().path("bookmarks").path(s), run.out().lastState().path("bookmarks").path(s), s);
        }
        assertTrue(run.out().records("funnels").isEmpty());
        assertTrue(run.out().lastState().path("bookmarks").path("funnels").isMissingNode(), run.out().lastState().toString());
    }

    @Test
    void aServerErrorPastTheRetriesIsIsolatedLikeAnyOtherFailure() {
        // a revenue failure that is not a 404 or a Timeout Error is a failure, not a skip
        breakEndpoint("/api/2.0/engage/revenue", 500, "{\"error\":\"internal\"}");
        TapHarness.SyncRun run = TapHarness.sync(config(Map.of()), TapHarness.FAST, Optional.of(catalog), Optional.empty());
        assertTrue(run.failure() instanceof StreamsFailedException, String.valueOf(run.failure()));
        assertEquals(List.of("revenue"), ((StreamsFailedException) run.failure()).streams());
        List<String> critical = run.log().stream().filter(l -> l.startsWith("CRITICAL")).toList();
        assertEquals(1, critical.size(), critical.toString());
        assertTrue(critical.get(0).startsWith("CRITICAL stream revenue failed: ") && critical.get(0).contains("500"), critical.get(0));
        TapHarness.Messages out = TapHarness.Messages.parse(run.stdout(), false);
        // the streams after it in the order still sync
        assertFalse(out.records("cohorts").isEmpty());
        assertFalse(out.records("cohort_members").isEmpty());
        assertFalse(out.records("export").isEmpty());
        assertTrue(out.lastState().path("bookmarks").has("export"), out.lastState().toString());
    }

    @Test
    void refusedCredentialsStillEndTheRunAtOnce() {
        breakEndpoint("/api/2.0/engage", 401, "{\"error\":\"Unable to authenticate request\"}");
        wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo("/api/2.0/engage")).atPriority(1)
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"Unable to authenticate request\"}")));
        CliRun run = cli(config(Map.of()));
        assertEquals(1, run.code());
        assertTrue(run.out().records("funnels").isEmpty(), "no stream after engage synced");
        assertFalse(run.log().contains("stream engage failed"), run.log());
    }

    @Test
    void revenueMissingIsSkippedWithAWarningAndTheRunExitsZero() {
        breakEndpoint("/api/2.0/engage/revenue", 404, "{\"error\":\"not found\"}");
        CliRun run = cli(config(Map.of()));
        assertEquals(0, run.code(), run.log());
        assertTrue(lines(run.log(), "WARNING stream revenue skipped").size() == 1, run.log());
        assertTrue(summaryLine(run.log(), "revenue").endsWith("skipped (404)"), summaryLine(run.log(), "revenue"));
        assertTrue(lines(run.log(), "CRITICAL").isEmpty(), run.log());
        assertFalse(run.out().records("funnels").isEmpty());
    }

    @Test
    void revenueTimeoutErrorAsOnEuIsSkippedWithAWarningAndTheRunExitsZero() {
        breakEndpoint("/api/2.0/engage/revenue", 400, "{\"request\":\"/api/2.0/engage/revenue\",\"error\":\"Timeout Error\"}");
        CliRun run = cli(config(Map.of()));
        assertEquals(0, run.code(), run.log());
        assertTrue(lines(run.log(), "WARNING stream revenue skipped").size() == 1, run.log());
        assertTrue(summaryLine(run.log(), "revenue").endsWith("skipped (timeout)"), summaryLine(run.log(), "revenue"));
    }

    @Test
    void exportWindowsThatKeepEndingEarlyAreFetchedInHalvesEachRecordOnceAndInOrder() {
        Path config = config(Map.of("date_window_size", 4));
        TapHarness.SyncRun reference = TapHarness.sync(config, TapHarness.FAST, Optional.of(catalog), Optional.empty());
        assertNull(reference.failure());
        // the run's one window 01-07..01-10 and its first half end early every time; single days and the second half do not
        terminateEarly("2024-01-07", "2024-01-10");
        terminateEarly("2024-01-07", "2024-01-08");
        TapHarness.SyncRun run = TapHarness.sync(config, TapHarness.FAST, Optional.of(catalog), Optional.empty());
        assertNull(run.failure(), () -> String.valueOf(run.failure()));

        List<String> splits = run.log().stream().filter(l -> l.contains("fetching") && l.contains("separately")).toList();
        assertEquals(List.of(
                "WARNING export 2024-01-07..2024-01-10: the response was cut short 3 times in a row; fetching 2024-01-07..2024-01-08 and 2024-01-09..2024-01-10 separately",
                "WARNING export 2024-01-07..2024-01-08: the response was cut short 3 times in a row; fetching 2024-01-07..2024-01-07 and 2024-01-08..2024-01-08 separately"),
                splits);
        TapHarness.Messages ref = TapHarness.Messages.parse(reference.stdout(), false);
        TapHarness.Messages out = TapHarness.Messages.parse(run.stdout(), false).assertSingerValid();
        assertEquals(withoutExtracted(ref.records("export")), withoutExtracted(out.records("export")), "the same records, once, in the same order");
        assertEquals(ref.lastState().path("bookmarks").path("export"), out.lastState().path("bookmarks").path("export"));
        assertStateNeverAheadOfExportRecords(out);
        // a STATE after each finished piece: 01-07, 01-08, 01-09..01-10
        long exportStates = out.states().stream().map(s -> s.path("bookmarks").path("export").path("replication_key_value").asText(""))
                .filter(t -> !t.isEmpty()).distinct().count();
        assertEquals(3, exportStates, out.states().toString());
    }

    @Test
    void aSingleDayThatKeepsEndingEarlyStillFailsAfterItsRetries() {
        Path config = config(Map.of("date_window_size", 1));
        terminateEarly("2024-01-09", "2024-01-09");
        TapHarness.SyncRun run = TapHarness.sync(config, TapHarness.FAST, Optional.of(catalog), Optional.empty());
        assertTrue(run.failure() instanceof StreamsFailedException, String.valueOf(run.failure()));
        assertTrue(run.log().stream().anyMatch(l -> l.startsWith("CRITICAL stream export failed: ") && l.contains("cut short")), run.log().toString());
        assertTrue(run.log().stream().noneMatch(l -> l.contains("separately")));
        TapHarness.Messages out = TapHarness.Messages.parse(run.stdout(), false);
        // the days before it are in STATE; engage and the rest still synced
        assertTrue(out.lastState().path("bookmarks").path("export").path("replication_key_value").asText().startsWith("2024-01-08"), out.lastState().toString());
        assertFalse(out.records("engage").isEmpty());
    }

    private static void terminateEarly(String from, String to) {
        String line = "{\"event\":\"x\",\"properties\":{\"time\":1704800000,\"distinct_id\":\"d\"}}\n";
        wm.stubFor(get(urlPathEqualTo("/api/2.0/export")).atPriority(1)
                .withQueryParam("from_date", com.github.tomakehurst.wiremock.client.WireMock.equalTo(from))
                .withQueryParam("to_date", com.github.tomakehurst.wiremock.client.WireMock.equalTo(to))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/plain").withBody(line + "terminated early\n")));
    }

    private static List<JsonNode> withoutExtracted(List<ObjectNode> records) {
        List<JsonNode> out = new ArrayList<>();
        for (ObjectNode r : records) {
            ObjectNode c = r.deepCopy();
            c.remove("time_extracted");
            out.add(c);
        }
        return out;
    }

    /** docs/state.md "State": every STATE's export bookmark is at most the latest export record written before it. */
    private static void assertStateNeverAheadOfExportRecords(TapHarness.Messages out) {
        Instant latest = Instant.MIN;
        for (ObjectNode m : out.messages()) {
            String type = m.get("type").asText();
            if (type.equals("RECORD") && m.get("stream").asText().equals("export")) {
                Instant t = Instant.parse(m.get("record").get("time").asText());
                if (t.isAfter(latest)) latest = t;
            } else if (type.equals("STATE")) {
                String b = m.get("value").path("bookmarks").path("export").path("replication_key_value").asText("");
                if (!b.isEmpty()) assertFalse(Instant.parse(b).isAfter(latest), b + " ahead of " + latest);
            }
        }
    }
}
