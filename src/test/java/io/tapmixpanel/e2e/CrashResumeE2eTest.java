package io.tapmixpanel.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.tapmixpanel.testing.TapHarness.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/state.md "State": kill the tap (SIGKILL, a real subprocess) right after its first export STATE, rerun it with the last
 * STATE it printed, and no record of a finished window is missing.
 */
class CrashResumeE2eTest {
    static final ZoneId ZONE = ZoneId.of("UTC");

    @TempDir
    Path dir;

    @Test
    void aRunKilledAfterItsFirstStateAndResumedLosesNoEvent() throws Exception {
        SandboxOptions fast = SandboxOptions.builder().port(0).events(1500).days(7).endDate(LocalDate.of(2024, 1, 10))
                .timezone(ZONE).build();
        Map<String, Object> settings = Map.of("date_window_size", 2, "attribution_window", 0, "max_concurrent_requests", 1);
        // The fault-free reference, from a quick sandbox; the killed and resumed runs use a slow one of the same seed.
        Path catalog;
        TapHarness.Messages reference;
        try (Sandbox quick = Sandbox.start(fast)) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(quick, settings));
            catalog = TapHarness.write(dir, "catalog.json", TapHarness.select(TapHarness.discover(config), "export"));
            reference = TapHarness.tap("--config", config.toString(), "--catalog", catalog.toString()).assertSingerValid();
        }
        assertEquals(1500, reference.records("export").size());
        try (Sandbox sandbox = Sandbox.start(fast.toBuilder().delayMs(200).build())) {
            // attribution_window 0: the resumed run starts at the bookmark, so it is the bookmark that must be right.
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(sandbox, settings));

            TapHarness.Messages killed = runAndKillAfterFirstExportState(config, catalog);
            ObjectNode lastState = killed.lastState();
            String bookmark = lastState.get("bookmarks").get("export").get("replication_key_value").asText();
            LocalDate bookmarkDay = Instant.parse(bookmark).atZone(ZONE).toLocalDate();
            List<ObjectNode> first = killed.records("export");
            assertTrue(first.size() < 1500, "the tap finished before it was killed: the test proves nothing");

            // The window of the bookmark (and every one before it) is finished: all its events were written.
            Map<LocalDate, Integer> perDay = new HashMap<>();
            for (ObjectNode r : first) perDay.merge(TapHarness.day(r, ZONE), 1, Integer::sum);
            for (Map.Entry<LocalDate, Integer> e : TapHarness.eventsPerDay(sandbox).entrySet()) {
                if (!e.getKey().isAfter(bookmarkDay)) {
                    assertEquals(e.getValue(), perDay.getOrDefault(e.getKey(), 0), "finished window " + e.getKey() + " incomplete before its STATE");
                }
            }

            TapHarness.Messages resumed = TapHarness.tap("--config", config.toString(), "--catalog", catalog.toString(),
                    "--state", TapHarness.write(dir, "state.json", lastState).toString()).assertSingerValid();
            List<ObjectNode> union = new ArrayList<>(first);
            union.addAll(resumed.records("export"));
            Map<String, Integer> have = TapHarness.multiset(union);
            Map<String, Integer> want = TapHarness.multiset(reference.records("export"));
            List<String> missing = new ArrayList<>();
            want.forEach((k, n) -> {
                if (have.getOrDefault(k, 0) < n) missing.add(k);
            });
            assertTrue(missing.isEmpty(), missing.size() + " events lost across the kill, e.g. " + (missing.isEmpty() ? "" : missing.get(0)));
            // It restarts on the bookmark's day, not before; re-reading that day, it skips what the killed run wrote
            // there (docs/state.md "Export across runs"), except events processed within the watermark's margin.
            int resumedCount = resumed.records("export").size();
            assertTrue(resumedCount <= TapHarness.eventsFrom(sandbox, bookmarkDay, LocalDate.of(2024, 1, 10)), "read before the bookmark's day");
            assertTrue(resumedCount >= TapHarness.eventsFrom(sandbox, bookmarkDay.plusDays(1), LocalDate.of(2024, 1, 10)), "days after the bookmark are missing");
            assertTrue(resumed.records("export").size() < 1500, "the resumed run re-read everything: the bookmark was not used");
            assertTrue(resumed.lastState().get("currently_syncing").isNull());
        }
    }

    /** Runs the tap as a subprocess, SIGKILLs it as soon as a STATE with an export bookmark is on its stdout. */
    private TapHarness.Messages runAndKillAfterFirstExportState(Path config, Path catalog) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.tapmixpanel.cli.Main",
                "--config", config.toString(), "--catalog", catalog.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        boolean killedOnState = false;
        try (InputStream in = p.getInputStream()) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                seen.write(b);
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                JsonNode m = JSON.readTree(line.toString(StandardCharsets.UTF_8));
                line.reset();
                if (!killedOnState && m.path("type").asText().equals("STATE") && m.path("value").path("bookmarks").has("export")) {
                    p.destroyForcibly();
                    killedOnState = true;
                    break; // destroying the process closes its stdout here: what we read is what we have
                }
            }
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(killedOnState, "no STATE with an export bookmark before the tap ended");
        assertFalse(p.exitValue() == 0, "the tap was expected to die of SIGKILL");
        return TapHarness.Messages.parse(seen.toString(StandardCharsets.UTF_8), true);
    }
}
