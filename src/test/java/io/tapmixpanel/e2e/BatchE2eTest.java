package io.tapmixpanel.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.cli.Cli;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/batch.md "BATCH messages": with batch_config, every record a plain run sends as a RECORD is in exactly one gzip JSON
 * Lines file that a BATCH message names, as a bare record; every STATE comes after the BATCH messages of the records
 * it covers; a bad batch_config is exit 2 naming the key.
 */
class BatchE2eTest {
    private static final int BATCH_SIZE = 70;

    @TempDir
    Path dir;

    private static Sandbox sandbox() throws Exception {
        return Sandbox.start(SandboxOptions.builder().port(0).events(1500).profiles(230).days(6).endDate("2024-01-11")
                .timezone("UTC").build());
    }

    private Map<String, Object> batchConfig(Path root, String compression) {
        return Map.of("date_window_size", 2, "batch_config", Map.of(
                "encoding", Map.of("format", "jsonl", "compression", compression),
                "storage", Map.of("root", root.toUri().toString(), "prefix", "mp-"),
                "batch_size", BATCH_SIZE));
    }

    private static TapHarness.Messages run(Path config, Path catalog) {
        TapHarness.SyncRun r = TapHarness.sync(config, TapHarness.FAST, Optional.of(catalog), Optional.empty());
        if (r.failure() != null) throw new AssertionError("sync failed: " + r.log(), r.failure());
        return TapHarness.Messages.parse(r.stdout(), false);
    }

    /** Per stream, the records delivered so far: RECORD messages, or the lines of the files of BATCH messages. */
    private static final class Target {
        final boolean gzip;
        final Map<String, TreeMap<String, Integer>> records = new TreeMap<>();
        final Set<String> files = new HashSet<>();
        /** At each STATE: its value, and how many records of each stream came before it. */
        final List<String> checkpoints = new ArrayList<>();

        Target(boolean gzip) { this.gzip = gzip; }

        void read(TapHarness.Messages m) throws Exception {
            for (ObjectNode msg : m.messages()) {
                switch (msg.get("type").asText()) {
                    case "RECORD" -> add(msg.get("stream").asText(), msg.get("record"));
                    case "BATCH" -> batch(msg);
                    case "STATE" -> {
                        Map<String, Integer> counts = new TreeMap<>();
                        records.forEach((s, r) -> counts.put(s, TapHarness.total(r)));
                        checkpoints.add(msg.get("value") + " after " + counts);
                    }
                    default -> { }
                }
            }
        }

        void add(String stream, JsonNode record) {
            records.computeIfAbsent(stream, k -> new TreeMap<>()).merge(TapHarness.canonical(record), 1, Integer::sum);
        }

        void batch(ObjectNode msg) throws Exception {
            assertEquals("{\"format\":\"jsonl\",\"compression\":\"" + (gzip ? "gzip" : "none") + "\"}",
                    msg.get("encoding").toString());
            assertTrue(msg.get("manifest").size() > 0, "an empty manifest: " + msg);
            for (JsonNode url : msg.get("manifest")) {
                assertTrue(url.asText().startsWith("file:///"), url.asText());
                assertTrue(files.add(url.asText()), "named twice: " + url);
                Path f = Path.of(URI.create(url.asText()));
                int lines = 0;
                try (BufferedReader in = new BufferedReader(new InputStreamReader(gzip
                        ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; lines++) {
                        JsonNode record = TapHarness.JSON.readTree(line);
                        assertTrue(record.isObject(), line);
                        assertFalse(record.has("record") && record.has("type"), "a RECORD message, not a record: " + line);
                        add(msg.get("stream").asText(), record);
                    }
                }
                assertTrue(lines > 0 && lines <= BATCH_SIZE, f + " has " + lines + " records");
            }
        }
    }

    @Test
    void everyRecordIsInExactlyOneAnnouncedFileAndEveryStateFollowsTheBatchesOfItsRecords() throws Exception {
        for (String compression : List.of("gzip", "none")) {
            Path root = Files.createDirectories(dir.resolve("batches-" + compression));
            try (Sandbox s = sandbox()) {
                Path plain = TapHarness.write(dir, "plain.json", TapHarness.config(s, Map.of("date_window_size", 2)));
                Path batched = TapHarness.write(dir, "batched.json", TapHarness.config(s, batchConfig(root, compression)));
                ObjectNode catalog = TapHarness.discover(plain);
                Path cat = TapHarness.write(dir, "catalog.json", TapHarness.select(catalog, "export", "engage", "cohorts",
                        "cohort_members", "annotations", "funnels"));

                Target expected = new Target(true);
                expected.read(run(plain, cat));
                TapHarness.Messages m = run(batched, cat);
                assertTrue(m.recordCounts().isEmpty(), "RECORD messages beside BATCH: " + m.recordCounts());
                Target got = new Target(compression.equals("gzip"));
                got.read(m);

                assertTrue(TapHarness.total(expected.records.get("export")) > 3 * BATCH_SIZE, "several files a window");
                assertEquals(expected.records.keySet(), got.records.keySet());
                for (String stream : expected.records.keySet()) {
                    TreeMap<String, Integer> want = expected.records.get(stream), have = got.records.get(stream);
                    assertTrue(want.equals(have), () -> stream + ": " + TapHarness.diff(want, have));
                }
                // the same STATEs, each after exactly the records it covers
                assertEquals(String.join("\n", expected.checkpoints), String.join("\n", got.checkpoints));
                // nothing in the folder but the announced files: no .part left, no file twice
                try (Stream<Path> files = Files.list(root)) {
                    Set<String> onDisk = new TreeSet<>(files.map(p -> p.toUri().toString()).toList());
                    assertEquals(new TreeSet<>(got.files), onDisk);
                }
                for (String f : got.files) assertTrue(Path.of(URI.create(f)).getFileName().toString().startsWith("mp-tap-mixpanel--"), f);
            }
        }
    }

    /**
     * A target that stopped at any STATE (killed, or the tap killed right after it) and a run resumed from that STATE
     * deliver every record between them: what the STATE covers was announced before it.
     */
    @Test
    void aRunResumedFromAnyOfItsStatesLosesNoRecord() throws Exception {
        try (Sandbox s = sandbox()) {
            Path first = Files.createDirectories(dir.resolve("first"));
            Path config = TapHarness.write(dir, "batched.json", TapHarness.config(s, batchConfig(first, "gzip")));
            Path cat = TapHarness.write(dir, "catalog.json", TapHarness.select(TapHarness.discover(config), "export", "engage"));
            TapHarness.Messages full = run(config, cat);
            Target all = new Target(true);
            all.read(full);
            List<Integer> states = new ArrayList<>();
            for (int i = 0; i < full.messages().size(); i++) {
                if (full.messages().get(i).get("type").asText().equals("STATE")) states.add(i);
            }
            assertTrue(states.size() > 4, "states: " + states.size());
            for (int k : List.of(states.get(states.size() / 3), states.get(2 * states.size() / 3))) {
                Target before = new Target(true);
                before.read(new TapHarness.Messages(full.messages().subList(0, k + 1)));
                Path again = Files.createDirectories(dir.resolve("resumed-" + k));
                Path resumedConfig = TapHarness.write(dir, "resumed.json", TapHarness.config(s, batchConfig(again, "gzip")));
                Path state = TapHarness.write(dir, "state.json", full.messages().get(k).get("value"));
                TapHarness.SyncRun r = TapHarness.sync(resumedConfig, TapHarness.FAST, Optional.of(cat), Optional.of(state));
                if (r.failure() != null) throw new AssertionError("resumed sync failed: " + r.log(), r.failure());
                Target after = new Target(true);
                after.read(TapHarness.Messages.parse(r.stdout(), false));
                for (String stream : all.records.keySet()) {
                    Set<String> delivered = new HashSet<>(before.records.getOrDefault(stream, new TreeMap<>()).keySet());
                    delivered.addAll(after.records.getOrDefault(stream, new TreeMap<>()).keySet());
                    Set<String> missing = new TreeSet<>(all.records.get(stream).keySet());
                    missing.removeAll(delivered);
                    assertTrue(missing.isEmpty(), () -> stream + ", resumed from message " + k + ": " + missing.size()
                            + " records lost, e.g. " + missing.iterator().next());
                }
            }
        }
    }

    /**
     * SIGKILLed (a real subprocess) right after its first export STATE, windows read ahead finished on disk but not
     * announced: they are still .part files; resumed from the last STATE it printed, no record is lost.
     */
    @Test
    void aKilledRunLeavesOnlyPartFilesUnannouncedAndItsResumptionLosesNothing() throws Exception {
        SandboxOptions fast = SandboxOptions.builder().port(0).events(1500).days(7).endDate("2024-01-10").timezone("UTC").build();
        Path root = Files.createDirectories(dir.resolve("killed"));
        Map<String, Object> settings = new HashMap<>(batchConfig(root, "gzip"));
        settings.put("date_window_size", 1);
        settings.put("attribution_window", 0);
        settings.put("max_concurrent_requests", 3);
        Target reference = new Target(true);
        Path catalog;
        try (Sandbox quick = Sandbox.start(fast)) {
            Path plain = TapHarness.write(dir, "plain.json", TapHarness.config(quick, Map.of()));
            catalog = TapHarness.write(dir, "catalog.json", TapHarness.select(TapHarness.discover(plain), "export"));
            reference.read(run(plain, catalog));
        }
        try (Sandbox slow = Sandbox.start(fast.toBuilder().delayMs(300).build())) {
            Path config = TapHarness.write(dir, "batched.json", TapHarness.config(slow, settings));
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "io.tapmixpanel.cli.Main",
                    "--config", config.toString(), "--catalog", catalog.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            try (java.io.InputStream in = p.getInputStream()) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                for (int b; (b = in.read()) >= 0; ) {
                    seen.write(b);
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    JsonNode m = TapHarness.JSON.readTree(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                    if (m.path("type").asText().equals("STATE") && m.path("value").path("bookmarks").has("export")) {
                        p.toHandle().destroyForcibly(); // SIGKILL, leaving our end of its stdout open
                        // what the tap wrote before the kill landed: messages after this STATE name files too
                        seen.write(in.readAllBytes());
                        break;
                    }
                }
            } finally {
                p.destroyForcibly();
                assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            TapHarness.Messages killed = TapHarness.Messages.parse(seen.toString(StandardCharsets.UTF_8), true);
            Target got = new Target(true);
            got.read(killed);
            // A file gets its final name just before its BATCH message is written: a kill between the two can leave
            // that one file unnamed by any message (never read by a target, harmless); any more would be a bug.
            try (Stream<Path> files = Files.list(root)) {
                List<Path> unannounced = files.filter(f -> !got.files.contains(f.toUri().toString())
                        && !f.toString().endsWith(".part")).toList();
                assertTrue(unannounced.size() <= 1, "whole-looking files no BATCH message named: " + unannounced);
            }
            assertTrue(TapHarness.total(got.records.get("export")) < 1500, "finished before the kill: proves nothing");
            Path state = TapHarness.write(dir, "state.json", killed.lastState());
            TapHarness.SyncRun r = TapHarness.sync(config, TapHarness.FAST, Optional.of(catalog), Optional.of(state));
            if (r.failure() != null) throw new AssertionError("resumed sync failed: " + r.log(), r.failure());
            got.read(TapHarness.Messages.parse(r.stdout(), false));
            Set<String> missing = new TreeSet<>(reference.records.get("export").keySet());
            missing.removeAll(got.records.get("export").keySet());
            assertTrue(missing.isEmpty(), () -> missing.size() + " records lost across the kill");
        }
    }

    @Test
    void aBadBatchConfigIsExitTwoNamingTheKey() throws Exception {
        Path root = Files.createDirectories(dir.resolve("ok"));
        String ok = root.toUri().toString();
        Map<String, Object> enc = Map.of("format", "jsonl", "compression", "gzip");
        Map<String, Map<String, Object>> bad = new HashMap<>();
        bad.put("batch_config.encoding.format", Map.of("encoding", Map.of("format", "parquet"), "storage", Map.of("root", ok)));
        bad.put("batch_config.encoding.compression", Map.of("encoding", Map.of("format", "jsonl", "compression", "zstd"),
                "storage", Map.of("root", ok)));
        bad.put("batch_config.storage.root", Map.of("encoding", enc, "storage", Map.of("root", "s3://bucket/x")));
        bad.put("batch_config.storage", Map.of("encoding", enc));
        bad.put("batch_config.storage.prefix", Map.of("encoding", enc, "storage", Map.of("root", ok, "prefix", "a/b")));
        bad.put("batch_config.storage.rooot", Map.of("encoding", enc, "storage", Map.of("root", ok, "rooot", ok)));
        bad.put("batch_config.batch_size", Map.of("encoding", enc, "storage", Map.of("root", ok), "batch_size", 0));
        bad.put("batch_config.storage.root ", Map.of("encoding", enc, "storage", Map.of("root", dir.resolve("missing").toUri().toString())));
        try (Sandbox s = sandbox()) {
            for (Map.Entry<String, Map<String, Object>> e : bad.entrySet()) {
                Path config = TapHarness.write(dir, "bad.json", TapHarness.config(s, Map.of("batch_config", e.getValue())));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                PrintStream was = System.err;
                int code;
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                io.tapmixpanel.log.Log.redirect(System.err);
                try {
                    code = new Cli(out, Map.of()).run(new String[]{"--config", config.toString(), "--discover"});
                } finally {
                    System.setErr(was);
                    io.tapmixpanel.log.Log.redirect(was);
                }
                String log = err.toString(StandardCharsets.UTF_8);
                assertEquals(2, code, e.getKey() + ": " + log);
                assertTrue(log.contains(e.getKey().trim() + ": "), e.getKey() + " not named: " + log);
                // DEBUG lines (a stack trace) appear when an earlier test of the JVM left the log level at debug
                assertEquals(1, log.strip().lines().filter(l -> !l.startsWith("DEBUG") && !l.startsWith("\t")).count(),
                        "one line: " + log);
            }
            // a plain string is not an object either
            Path config = TapHarness.write(dir, "bad.json", TapHarness.config(s, Map.of("batch_config", "file:///tmp")));
            assertEquals(2, new Cli(new ByteArrayOutputStream(), Map.of()).run(new String[]{"--config", config.toString(), "--discover"}));
        }
    }
}
