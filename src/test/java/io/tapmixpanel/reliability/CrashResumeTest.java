package io.tapmixpanel.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/state.md "State": "kill the tap at any moment, rerun it with the last STATE it printed, and no record of a finished
 * window is missing". The tap runs as a real process (java ... cli.Main), is SIGKILLed at seeded random points
 * (after the k-th STATE line, or after a random delay) of a slowed multi-window sync of every stream, and is
 * resumed from the last whole STATE line it printed, until a run completes. The union of every run's records must
 * cover the fault-free run, and no run leaves an export spool in its temp folder.
 */
class CrashResumeTest {
    static final LocalDate END = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    static final int KILLS = 5;

    @TempDir
    Path dir;

    static SandboxOptions.Builder project() {
        return SandboxOptions.builder().port(0).seed(11).events(4000).days(12).endDate(END).profiles(150).funnels(2).cohorts(2);
    }

    /** What one subprocess run printed before it ended or was killed. */
    record Outcome(int exitCode, boolean killed, int stateLines, Optional<JsonNode> lastState, Map<String, Integer> records) {}

    @Test
    void killedRepeatedlyAndResumedFromTheLastStateLosesNothing() throws Exception {
        TreeMap<String, Integer> baseline;
        try (Sandbox s = Sandbox.start(project().build())) {
            TapHarness.SyncRun run = TapHarness.sync(TapHarness.write(dir, "base.json", config(s)), TapHarness.FAST, Optional.empty(), Optional.empty());
            assertNull(run.failure(), () -> String.valueOf(run.failure()));
            baseline = TapHarness.records(run.stdout());
        }
        Random rnd = new Random(20240611L);
        Map<String, Integer> union = new HashMap<>();
        int killed = 0;
        int runs = 0;
        int resumedRuns = 0;
        List<String> trace = new ArrayList<>();
        Optional<JsonNode> state = Optional.empty();
        try (Sandbox s = Sandbox.start(project().delayMs(60).build())) {
            Path config = TapHarness.write(dir, "slow.json", config(s));
            while (true) {
                assertTrue(runs < KILLS + 4, "did not complete: " + trace);
                Optional<Path> stateFile = state.map(st -> TapHarness.write(dir, "state-" + System.nanoTime() + ".json", st));
                if (stateFile.isPresent()) resumedRuns++;
                boolean kill = killed < KILLS;
                // alternate kill triggers: after the k-th STATE line, or after a random delay
                int afterStates = kill && killed % 2 == 0 ? 2 + rnd.nextInt(12) : Integer.MAX_VALUE;
                long afterMs = kill && killed % 2 == 1 ? 1200 + rnd.nextInt(2500) : Long.MAX_VALUE;
                Outcome o = runTap(config, stateFile, afterStates, afterMs);
                runs++;
                o.records().forEach((k, v) -> union.merge(k, v, Integer::sum));
                trace.add((o.killed() ? "killed" : "exit " + o.exitCode()) + " after " + o.stateLines() + " STATE lines, "
                        + TapHarness.total(o.records()) + " records");
                if (o.lastState().isPresent()) state = o.lastState();
                if (o.killed()) {
                    killed++;
                    continue;
                }
                assertEquals(0, o.exitCode(), () -> "run failed: " + trace);
                break;
            }
        }
        int lost = 0;
        for (String r : baseline.keySet()) if (!union.containsKey(r)) lost++;
        int lostFinal = lost;
        TapHarness.figure(String.format("crash-resume runs=%d killed=%d resumed=%d baseline_records=%d union_records=%d records_lost=%d trace=%s",
                runs, killed, resumedRuns, TapHarness.total(baseline), TapHarness.total(union), lost, trace));
        assertTrue(killed >= 3, () -> "too few kills landed: " + trace);
        assertEquals(0, lostFinal, () -> lostFinal + " records of the fault-free run are missing; " + trace);
        for (String r : union.keySet()) assertTrue(baseline.containsKey(r), () -> "a record not in the fault-free run: " + r);
    }

    private ObjectNode config(Sandbox s) {
        ObjectNode c = TapHarness.config(s, s.baseUrl(), TapHarness.ONE_DAY_WINDOWS);
        c.put("attribution_window", 0);
        c.put("max_concurrent_requests", 2);
        return c;
    }

    /** The next line, or null at the end of the output or once a kill closed the pipe. */
    private static String readLine(BufferedReader in, boolean[] killed) throws IOException {
        try {
            return in.readLine();
        } catch (IOException e) {
            synchronized (killed) {
                if (killed[0]) return null;
            }
            throw e;
        }
    }

    /** Runs the tap as a process; SIGKILLs it after {@code afterStates} STATE lines or {@code afterMs}. */
    private Outcome runTap(Path config, Optional<Path> state, int afterStates, long afterMs) throws Exception {
        Path spools = Files.createDirectories(dir.resolve("spools"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + spools, "-cp", System.getProperty("java.class.path"), "io.tapmixpanel.cli.Main",
                "--config", config.toString()));
        state.ifPresent(p -> { cmd.add("--state"); cmd.add(p.toString()); });
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        boolean[] killed = {false};
        Thread timer = null;
        if (afterMs != Long.MAX_VALUE) {
            timer = new Thread(() -> {
                try {
                    if (!p.waitFor(afterMs, TimeUnit.MILLISECONDS)) {
                        synchronized (killed) { killed[0] = true; }
                        p.destroyForcibly();
                    }
                } catch (InterruptedException ignored) {
                    // test over
                }
            });
            timer.setDaemon(true);
            timer.start();
        }
        int states = 0;
        Optional<JsonNode> last = Optional.empty();
        Map<String, Integer> records = new HashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = readLine(in, killed)) != null) {
                JsonNode msg;
                try {
                    msg = TapHarness.JSON.readTree(line);
                } catch (IOException e) {
                    continue; // a line cut by SIGKILL: a target would drop it too
                }
                String type = msg.path("type").asText();
                if (type.equals("RECORD")) TapHarness.addRecord(records, line);
                if (type.equals("STATE")) {
                    states++;
                    last = Optional.of(msg.get("value"));
                    if (states == afterStates && p.isAlive()) {
                        synchronized (killed) { killed[0] = true; }
                        p.destroyForcibly(); // SIGKILL; Process closes our end of the pipe: what we read is what the target got
                    }
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "tap did not end");
        if (timer != null) timer.interrupt();
        boolean wasKilled;
        synchronized (killed) { wasKilled = killed[0]; }
        if (!wasKilled && p.exitValue() != 0) {
            throw new AssertionError("tap exited " + p.exitValue() + ": " + Files.readString(err));
        }
        try (java.util.stream.Stream<Path> left = Files.list(spools)) {
            assertEquals(List.of(), left.toList(), "docs/reliability.md \"Reliability\": even SIGKILL leaves no export spool behind");
        }
        return new Outcome(p.exitValue(), wasKilled, states, last, records);
    }
}
