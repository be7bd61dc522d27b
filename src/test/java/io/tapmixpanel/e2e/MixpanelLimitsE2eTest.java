package io.tapmixpanel.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.cli.Cli;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tap against a sandbox that is as strict as Mixpanel (docs/rate-limits.md "Rate limits", docs/reliability.md "When a stream fails", docs/streams.md "Streams"):
 * projects far from UTC syncing now, hourly budgets (met by pacing, or overrun and waited out), one endpoint failing
 * for good, and export windows that keep ending early. What a user would check: exit code, the lines on stderr,
 * every record once, and what the server was asked.
 */
class MixpanelLimitsE2eTest {
    @TempDir
    Path dir;

    record Run(int exit, TapHarness.Messages messages, List<String> log) {}

    /** {@code tap-mixpanel args} in-process, as the command line runs it (default retry policy). */
    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Log.redirect(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new Cli(out, Map.of()).run(args);
        } finally {
            Log.redirect(System.err);
        }
        return new Run(code, TapHarness.Messages.parse(out.toString(StandardCharsets.UTF_8), false),
                err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private Path catalog(Sandbox twin, String... streams) {
        Path config = TapHarness.write(dir, "discover.json", TapHarness.config(twin, Map.of()));
        return TapHarness.write(dir, "catalog.json", TapHarness.select(TapHarness.discover(config), streams));
    }

    private static List<JsonNode> withStatus(Sandbox s, int status) {
        return TapHarness.served(s).stream().filter(r -> r.get("status").asInt() == status).toList();
    }

    @Test
    void projectsAtUtcPlus14AndUtcMinus12SyncNowWithoutEndDateAndAreNeverAskedForTomorrow() throws Exception {
        for (String zone : List.of("Etc/GMT-14", "Etc/GMT+12")) {
            try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(800).days(4).timezone(zone)
                    .funnels(2).cohorts(1).profiles(20).build())) {
                ObjectNode c = TapHarness.config(s, Map.of("date_window_size", 2));
                c.remove("end_date");
                Path config = TapHarness.write(dir, "config.json", c);
                Run run = cli("--config", config.toString(), "--catalog",
                        catalog(s, "export", "funnels", "revenue").toString());
                assertEquals(0, run.exit(), zone + ": " + String.join("\n", run.log()));
                assertEquals(List.of(), withStatus(s, 400), zone + ": a request Mixpanel refuses");
                // export reads UTC days up to today in UTC; funnels and revenue days of the project up to its today
                LocalDate todayUtc = LocalDate.now(ZoneOffset.UTC);
                int expected = TapHarness.eventsOnExportDays(s, TapHarness.exportStart(s), todayUtc);
                assertEquals(expected, run.messages().records("export").size(), zone);
                assertTrue(expected > 0, zone);
                assertEquals(TapHarness.stats(s).get("funnel_days").asInt(), run.messages().records("funnels").size(), zone);
                for (JsonNode r : TapHarness.served(s)) {
                    if (r.get("path").asText().equals("/api/2.0/export")) {
                        assertFalse(LocalDate.parse(r.get("params").get("to_date").asText()).isAfter(todayUtc), r.toString());
                    }
                }
            }
        }
    }

    private static SandboxOptions.Builder funnelsHeavy() {
        // 1 funnel list + 2 funnels x 3 windows + 3 revenue windows = 10 query calls against a budget of 8 per 15 s
        return SandboxOptions.builder().port(0).events(300).days(6).funnels(2).cohorts(1).profiles(10);
    }

    /**
     * funnels and revenue against a sandbox allowing 8 query calls per 15 s, with no Retry-After, and a tap whose
     * budget is {@code tapBudget} per 15 s; checks the sync completes with every record. Returns the run and the 429s
     * the sandbox served.
     */
    private Map.Entry<Run, List<JsonNode>> funnelsHeavySync(int tapBudget) throws Exception {
        try (Sandbox twin = Sandbox.start(funnelsHeavy().build());
             Sandbox s = Sandbox.start(funnelsHeavy().hourlyLimitQuery(8).quotaWindowS(15).noRetryAfter(true).build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of("date_window_size", 2,
                    "query_requests_per_hour", tapBudget, "rate_limit_window_seconds", 15)));
            Run run = cli("--config", config.toString(), "--catalog", catalog(twin, "funnels", "revenue").toString());
            assertEquals(0, run.exit(), String.join("\n", run.log()));
            JsonNode stats = TapHarness.stats(s);
            assertEquals(stats.get("funnel_days").asInt(), run.messages().records("funnels").size());
            assertEquals(stats.get("revenue_days").asInt(), run.messages().records("revenue").size());
            return Map.entry(run, withStatus(s, 429));
        }
    }

    @Test
    void aQueryBudgetMetByPacingServesNo429AndTheSyncCompletes() throws Exception {
        Map.Entry<Run, List<JsonNode>> r = funnelsHeavySync(8);
        List<String> log = r.getKey().log();
        assertEquals(List.of(), r.getValue(), "a 429 served: the tap ran into the budget");
        assertTrue(log.stream().anyMatch(l -> l.startsWith("INFO plan: 10 query API calls (")
                && l.contains("over query_requests_per_hour = 8 (8 per 15 s)") && l.contains("no less than 15 s")), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("waiting ") && l.contains("for the query budget")), log.toString());
    }

    @Test
    void aTapBudgetSetTooHighMeetsHourly429sAndStillCompletes() throws Exception {
        Map.Entry<Run, List<JsonNode>> r = funnelsHeavySync(100);
        assertFalse(r.getValue().isEmpty(), "the sandbox's budget was reached");
    }

    @Test
    void oneEndpointFailingForGoodCostsOnlyItsStream() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(500).days(3).funnels(2).cohorts(2)
                .profiles(30).failEndpoint("/api/2.0/funnels").build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of()));
            TapHarness.SyncRun run = TapHarness.sync(config, TapHarness.FAST, Optional.of(catalog(s,
                    TapHarness.STREAMS.toArray(String[]::new))), Optional.empty());
            assertTrue(run.failure() != null && run.failure().getMessage().contains("funnels"), String.valueOf(run.failure()));
            assertEquals(1, run.log().stream().filter(l -> l.startsWith("CRITICAL stream funnels failed")).count(), run.log().toString());
            TapHarness.Messages m = TapHarness.Messages.parse(run.stdout(), false);
            JsonNode stats = TapHarness.stats(s);
            Map<String, Integer> counts = m.recordCounts();
            assertEquals(stats.get("events").asInt(), counts.get("export"));
            assertEquals(stats.get("profiles").asInt(), counts.get("engage"));
            assertEquals(stats.get("revenue_days").asInt(), counts.get("revenue"));
            assertEquals(stats.get("cohort_members").asInt(), counts.get("cohort_members"));
            assertFalse(counts.containsKey("funnels"));
            JsonNode bookmarks = m.lastState().get("bookmarks");
            assertTrue(bookmarks.has("export") && bookmarks.has("revenue"), bookmarks.toString());
            assertTrue(run.log().stream().anyMatch(l -> l.contains("funnels") && l.contains("failed") && !l.startsWith("CRITICAL")),
                    "the summary marks funnels failed: " + run.log());
        }
    }

    @Test
    void exportWindowsThatAlwaysEndEarlyAreSplitAndEveryEventArrivesOnce() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(1500).days(7).funnels(1).cohorts(1)
                .profiles(10).terminateWindowsLongerThan(2).build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of("date_window_size", 7)));
            TapHarness.SyncRun run = TapHarness.sync(config, TapHarness.FAST, Optional.of(catalog(s, "export")), Optional.empty());
            assertEquals(null, run.failure(), String.join("\n", run.log()));
            List<String> splits = run.log().stream().filter(l -> l.startsWith("WARNING") && l.contains("separately")).toList();
            assertTrue(splits.size() >= 2, "a 7-day window splits into 4 + 3 days, then into windows of at most 2: " + run.log());
            TapHarness.Messages m = TapHarness.Messages.parse(run.stdout(), false);
            Map<String, Integer> expected = new java.util.TreeMap<>();
            // read one day at a time: the sandbox ends every longer export early, this one included
            for (LocalDate d = TapHarness.exportStart(s); !d.isAfter(TapHarness.exportEnd(s)); d = d.plusDays(1)) {
                for (ObjectNode e : TapHarness.rawExport(s, d, d)) expected.merge(key(e), 1, Integer::sum);
            }
            Map<String, Integer> actual = new java.util.TreeMap<>();
            for (ObjectNode r : m.records("export")) actual.merge(recordKey(r), 1, Integer::sum);
            assertEquals(1500, expected.values().stream().mapToInt(Integer::intValue).sum());
            assertEquals(expected, actual, "every event exactly once");
            for (JsonNode r : TapHarness.served(s)) {
                if (!r.get("path").asText().equals("/api/2.0/export") || r.get("status").asInt() != 200) continue;
                LocalDate from = LocalDate.parse(r.get("params").get("from_date").asText());
                LocalDate to = LocalDate.parse(r.get("params").get("to_date").asText());
                assertTrue(!to.isBefore(from), r.toString());
            }
        }
    }

    private static String key(ObjectNode raw) {
        JsonNode p = raw.get("properties");
        return raw.get("event").asText() + "|" + p.path("distinct_id").asText() + "|" + p.path("$insert_id").asText("-")
                + "|" + p.get("time").asLong();
    }

    private static String recordKey(ObjectNode r) {
        return r.get("event").asText() + "|" + r.path("distinct_id").asText() + "|" + r.path("mp_reserved_insert_id").asText("-")
                + "|" + java.time.Instant.parse(r.get("time").asText()).getEpochSecond();
    }
}
