package io.tapmixpanel.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/reliability.md "Reliability", the process ending from outside: the tap as a real process against a tiny server whose first
 * export day answers whole and whose second sends part of its events, then stalls (a slow Mixpanel). A SIGTERM or
 * SIGINT then stops the tap with 143 or 130, stdout on a whole line, no spool left in the temp folder, and one line
 * naming the signal and the last STATE written. A target that exits while the tap waits is noticed within seconds.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ProcessStopTest {
    static final String EVENT = "{\"event\":\"Signup\",\"properties\":{\"time\":%d,\"distinct_id\":\"u%d\",\"$insert_id\":\"i%d\",\"pad\":\"%s\"}}\n";

    @TempDir
    Path dir;
    private HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private Process tap;
    private Path catalog;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.createContext("/", ex -> {
            try (ex) {
                String query = ex.getRequestURI().getQuery();
                if (!ex.getRequestURI().getPath().equals("/api/2.0/export")) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                boolean first = query.contains("from_date=2024-01-01");
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream os = ex.getResponseBody()) {
                    long day = first ? 1704067200L : 1704153600L;
                    for (int i = 0; i < 3000; i++) {
                        os.write(String.format(EVENT, day + i, i, i, "p".repeat(200)).getBytes(StandardCharsets.UTF_8));
                    }
                    os.flush();
                    if (first) return;
                    stalled.countDown();
                    release.await(120, TimeUnit.SECONDS); // the rest never comes while the test runs
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (tap != null) tap.destroyForcibly();
        release.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }

    private Path config(String stallOn) throws IOException {
        ObjectNode c = TapHarness.JSON.createObjectNode();
        c.put("api_secret", "s3cr3t-api-DO-NOT-PRINT");
        c.put("start_date", stallOn.equals("first") ? "2024-01-02" : "2024-01-01");
        c.put("end_date", "2024-01-03");
        c.put("project_timezone", "UTC");
        c.put("date_window_size", 1);
        c.put("attribution_window", 0);
        c.put("max_concurrent_requests", 1);
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        for (String k : List.of("api_base_url", "export_base_url", "app_base_url")) c.put(k, base);
        catalog = TapHarness.write(dir, "catalog.json", TapHarness.JSON.readTree("{\"streams\":[{\"tap_stream_id\":\"export\",\"stream\":\"export\","
                + "\"schema\":{\"type\":\"object\",\"properties\":{}},\"metadata\":[{\"breadcrumb\":[],\"metadata\":{\"selected\":true}}]}]}"));
        return TapHarness.write(dir, "config.json", c);
    }

    private ProcessBuilder tapProcess(Path config, Path tmp) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), "io.tapmixpanel.cli.Main",
                "--config", config.toString(), "--catalog", catalog.toString()));
        return new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile());
    }

    private String stderr() {
        try {
            return Files.readString(dir.resolve("stderr.txt"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private void signalled(String signal, int expectedExit) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path out = dir.resolve("stdout.txt");
        tap = tapProcess(config("second"), tmp).redirectOutput(out.toFile()).start();
        assertTrue(stalled.await(30, TimeUnit.SECONDS), () -> "the tap reached the second day: " + stderr());
        // the first day is appended and its STATE written; the second day's events are being spooled
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(out).contains("\"STATE\"") || Files.readString(out).lines().count() < 3000) {
            assertTrue(System.nanoTime() < deadline, "the first day reached stdout");
            Thread.sleep(50);
        }
        Thread.sleep(500); // the second day's 3000 events reach its spool
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(tap.pid())).start();
        assertEquals(0, kill.waitFor());
        long signalledAt = System.nanoTime();
        assertTrue(tap.waitFor(10, TimeUnit.SECONDS), "stopped within 10 s of the signal");
        long ms = (System.nanoTime() - signalledAt) / 1_000_000;
        List<String> err = Files.readAllLines(dir.resolve("stderr.txt"));
        String all = String.join("\n", err);
        assertEquals(expectedExit, tap.exitValue(), all);
        if (signal.equals("KILL")) {
            try (Stream<Path> left = Files.list(tmp)) {
                assertEquals(List.of(), left.toList(), "the spool's file had no name: SIGKILL leaves nothing behind");
            }
            return;
        }

        byte[] bytes = Files.readAllBytes(out);
        assertEquals('\n', bytes[bytes.length - 1], "stdout ends on a whole line");
        JsonNode lastState = null;
        for (String line : new String(bytes, StandardCharsets.UTF_8).lines().toList()) {
            JsonNode m = TapHarness.JSON.readTree(line);
            if (m.path("type").asText().equals("STATE")) lastState = m.get("value");
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "no export spool left in the temp folder");
        }
        List<String> lines = err.stream().filter(l -> l.contains("SIG" + signal)).toList();
        assertEquals(1, lines.size(), all);
        String line = lines.get(0);
        assertTrue(line.startsWith("CRITICAL SIG" + signal + ": stopping (exit " + expectedExit + ")"), line);
        assertTrue(line.contains("the last STATE written, safe to resume from: " + lastState), line + " vs " + lastState);
        assertTrue(err.stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")), all);
        TapHarness.figure("signal " + signal + " exit=" + tap.exitValue() + " ended_ms_after_signal=" + ms + " stderr=\"" + line + "\"");
    }

    @Test
    void sigtermStopsWithExit143AWholeLastLineNoSpoolAndOneLineNamingTheLastState() throws Exception {
        signalled("TERM", 143);
    }

    @Test
    void sigintStopsWithExit130AWholeLastLineNoSpoolAndOneLineNamingTheLastState() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(io.tapmixpanel.testing.Signals.ignored(2),
                "SIGINT is ignored by this test run (started in the background)");
        signalled("INT", 130);
    }

    @Test
    void sighupStopsWithExit129TheSameWay() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(io.tapmixpanel.testing.Signals.ignored(1),
                "SIGHUP is ignored by this test run (nohup)");
        signalled("HUP", 129);
    }

    @Test
    void evenSigkillLeavesNoSpoolInTheTempFolder() throws Exception {
        signalled("KILL", 137);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aTargetThatExitsWhileTheTapWaitsOnASlowServerIsNoticedWithinSeconds() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        tap = tapProcess(config("first"), tmp).start(); // stdout is a pipe the test reads, as a target would
        assertTrue(stalled.await(30, TimeUnit.SECONDS), () -> "the tap is waiting on the server: " + stderr());
        Thread.sleep(3000); // the watch starts 2 s after the tap (never during start-up)
        tap.getInputStream().close(); // the target exits
        long closedAt = System.nanoTime();
        boolean ended = tap.waitFor(20, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - closedAt) / 1_000_000;
        List<String> err = Files.readAllLines(dir.resolve("stderr.txt"));
        String all = String.join("\n", err);
        assertTrue(ended, () -> "still waiting on the server 20 s after the target left:\n" + all);
        assertEquals(1, tap.exitValue(), all);
        List<String> critical = err.stream().filter(l -> l.startsWith("CRITICAL ")).toList();
        assertEquals(1, critical.size(), all);
        assertTrue(critical.get(0).contains("the target closed its input"), critical.get(0));
        TapHarness.figure("target-gone-while-waiting exit=" + tap.exitValue() + " ended_ms_after_close=" + ms + " stderr=\"" + critical.get(0) + "\"");
    }
}
