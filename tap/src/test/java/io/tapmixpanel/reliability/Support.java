package io.tapmixpanel.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.RetryPolicy;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sync.Tap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Shared helpers of the reliability suite: configs, in-process syncs, record multisets, figures. */
final class Support {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Short backoffs so that fault-injection runs take seconds, enough attempts for every-Nth faults. */
    static final RetryPolicy FAST = new RetryPolicy(8, Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofSeconds(30));

    private Support() {}

    /** A config pointing every host at {@code baseUrl}, covering exactly the sandbox's days. */
    static ObjectNode config(Sandbox s, String baseUrl) {
        ObjectNode c = JSON.createObjectNode();
        c.put("service_account_username", "sandbox-user");
        c.put("service_account_secret", "sandbox-password");
        c.put("project_id", 1234);
        c.put("start_date", s.startDate().toString());
        c.put("end_date", s.endDate().toString());
        c.put("project_timezone", "UTC");
        c.put("date_window_size", 1);
        c.put("api_base_url", baseUrl);
        c.put("export_base_url", baseUrl);
        c.put("app_base_url", baseUrl);
        return c;
    }

    static Path write(Path dir, String name, JsonNode node) {
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, node.toString());
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What an in-process sync wrote: stdout bytes and the log lines. */
    record Run(String stdout, List<String> log, RuntimeException failure) {
        List<String> retries() {
            return log.stream().filter(l -> l.startsWith("WARNING ") && l.matches(".*, retry \\d+/\\d+ in .*")).toList();
        }
    }

    /** Runs {@code new Tap(config, policy).sync(...)} in-process, capturing stdout and the log. */
    static Run sync(Path config, RetryPolicy policy, Optional<Path> catalog, Optional<Path> state) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Log.redirect(new PrintStream(err, true, StandardCharsets.UTF_8));
        RuntimeException failure = null;
        try {
            new Tap(ConfigLoader.load(List.of(config)), policy).sync(catalog, state, out);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            Log.redirect(System.err);
        }
        return new Run(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).lines().toList(), failure);
    }

    /** The RECORD messages of a Singer output as a multiset: "stream record-without-time_extracted" → count. */
    static TreeMap<String, Integer> records(String singerOutput) {
        TreeMap<String, Integer> m = new TreeMap<>();
        singerOutput.lines().forEach(line -> addRecord(m, line));
        return m;
    }

    static void addRecord(Map<String, Integer> m, String line) {
        if (line.isBlank()) return;
        try {
            JsonNode msg = JSON.readTree(line);
            if (!"RECORD".equals(msg.path("type").asText())) return;
            m.merge(msg.get("stream").asText() + " " + msg.get("record").toString(), 1, Integer::sum);
        } catch (IOException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }

    static int total(Map<String, Integer> multiset) {
        return multiset.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** A short description of how two multisets differ, for assertion messages. */
    static String diff(Map<String, Integer> expected, Map<String, Integer> actual) {
        List<String> out = new ArrayList<>();
        for (var e : expected.entrySet()) {
            int a = actual.getOrDefault(e.getKey(), 0);
            if (a != e.getValue()) out.add("expected x" + e.getValue() + " got x" + a + ": " + abbreviate(e.getKey()));
        }
        for (var e : actual.entrySet()) {
            if (!expected.containsKey(e.getKey())) out.add("unexpected x" + e.getValue() + ": " + abbreviate(e.getKey()));
        }
        return out.size() + " differences; first: " + out.subList(0, Math.min(5, out.size()));
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** Appends a line of measured figures to target/reliability-figures.txt and stderr. */
    static synchronized void figure(String line) {
        System.err.println("RELIABILITY " + line);
        try {
            Path f = Path.of("target", "reliability-figures.txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
