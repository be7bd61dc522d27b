package io.tapmixpanel.reliability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.tapmixpanel.cli.ExitCode;
import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.sync.Tap;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/reliability.md "Reliability": bodies the sandbox cannot produce, from a tiny JDK HttpServer. A malformed export line (retried with
 * its window, then fatal) and unexpected API bodies (engage answering a list, funnels/list an object...) end the
 * stream with one CRITICAL line naming the request, and the run with exit 1. The sync runs through {@code Tap} with short
 * backoffs; what ended it goes through the Cli's own error mapping ({@code ErrorReport.handle}).
 */
class BadApiBodyTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private final AtomicInteger hits = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    private String serve(String path, String contentType, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                byte[] b = ex.getRequestURI().getPath().equals(path) ? body.getBytes(StandardCharsets.UTF_8)
                        : "{\"error\": \"not here\"}".getBytes(StandardCharsets.UTF_8);
                if (ex.getRequestURI().getPath().equals(path)) hits.incrementAndGet();
                ex.getResponseHeaders().set("Content-Type", contentType);
                ex.sendResponseHeaders(ex.getRequestURI().getPath().equals(path) ? 200 : 404, b.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(b);
                }
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Syncs one stream against the fake server; returns the exit code and stderr lines of the Cli's mapping. */
    private Map.Entry<Integer, List<String>> syncOne(String stream, String base) throws Exception {
        ObjectNode c = TapHarness.JSON.createObjectNode();
        c.put("api_secret", "s3cr3t-api-DO-NOT-PRINT");
        c.put("start_date", "2024-01-01");
        c.put("end_date", "2024-01-02");
        c.put("project_timezone", "UTC");
        for (String k : List.of("api_base_url", "export_base_url", "app_base_url")) c.put(k, base);
        ObjectNode catalog = (ObjectNode) TapHarness.JSON.readTree("{\"streams\":[{\"tap_stream_id\":\"" + stream + "\",\"stream\":\""
                + stream + "\",\"schema\":{\"type\":\"object\",\"properties\":{}},\"metadata\":[{\"breadcrumb\":[],\"metadata\":{\"selected\":true}}]}]}");
        Tap tap = new Tap(ConfigLoader.load(List.of(TapHarness.write(dir, "c.json", c))), TapHarness.FAST);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Log.redirect(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            RuntimeException failure = null;
            try {
                tap.sync(Optional.of(TapHarness.write(dir, "catalog.json", catalog)), Optional.empty(), new ByteArrayOutputStream());
            } catch (RuntimeException e) {
                failure = e;
            }
            assertNotNull(failure, "the sync should fail");
            // the stream's CRITICAL line is logged while syncing (docs/reliability.md "When a stream fails"); the Cli adds the exit code
            Class<?> report = Class.forName("io.tapmixpanel.cli.ErrorReport");
            Method handle = report.getDeclaredMethod("handle", RuntimeException.class);
            handle.setAccessible(true);
            int code = ((ExitCode) handle.invoke(null, failure)).code();
            return Map.entry(code, err.toString(StandardCharsets.UTF_8).lines().toList());
        } finally {
            Log.redirect(System.err);
        }
    }

    private static String check(Map.Entry<Integer, List<String>> r, String... fragments) {
        assertEquals(1, r.getKey(), r.getValue()::toString);
        List<String> critical = r.getValue().stream().filter(l -> l.startsWith("CRITICAL ")).toList();
        assertEquals(1, critical.size(), r.getValue()::toString);
        String line = critical.get(0);
        for (String f : fragments) assertTrue(line.contains(f), () -> "'" + f + "' in: " + line);
        assertFalse(line.contains("internal error"), line);
        assertTrue(r.getValue().stream().noneMatch(l -> l.contains("s3cr3t")), r.getValue()::toString);
        TapHarness.figure("bad-api-body " + line);
        return line;
    }

    static final String EVENT = "{\"event\":\"Signup\",\"properties\":{\"time\":1704067200,\"distinct_id\":\"u1\",\"$insert_id\":\"i%d\"}}\n";

    @Test
    void aMalformedExportLineIsRetriedThenFailsNamingTheWindowAndLine() throws Exception {
        String body = String.format(EVENT, 1) + String.format(EVENT, 2) + "{\"event\":\"Signup\",\"properties\":oops}\n" + String.format(EVENT, 3);
        var r = syncOne("export", serve("/api/2.0/export", "application/json", body));
        check(r, "export 2024-01-01..", "line 3");
        assertEquals(TapHarness.FAST.maxAttempts(), hits.get(), "retried with its window");
    }

    @Test
    void anExportTimeInMillisecondsInsteadOfSecondsFailsNamingTheWindowAndLine() throws Exception {
        String body = String.format(EVENT, 1) + "{\"event\":\"Signup\",\"properties\":{\"time\":1704067200000,\"distinct_id\":\"u1\"}}\n";
        var r = syncOne("export", serve("/api/2.0/export", "application/json", body));
        check(r, "export 2024-01-01..", "line 2", "time 1704067200000 at line 2 is out of range");
        assertEquals(TapHarness.FAST.maxAttempts(), hits.get(), "retried with its window");
    }

    @Test
    void anHtmlPageInsteadOfAnExportFails() throws Exception {
        var r = syncOne("export", serve("/api/2.0/export", "text/html", "<html><body>Gateway says hi</body></html>\n"));
        check(r, "export 2024-01-01..", "line 1");
    }

    @Test
    void engageAnsweringAListFails() throws Exception {
        check(syncOne("engage", serve("/api/2.0/engage", "application/json", "[1, 2, 3]")), "engage");
    }

    @Test
    void funnelsListAnsweringAnObjectFails() throws Exception {
        check(syncOne("funnels", serve("/api/2.0/funnels/list", "application/json", "{\"funnels\": 3}")), "funnels");
    }

    @Test
    void cohortsListAnsweringAStringFails() throws Exception {
        check(syncOne("cohorts", serve("/api/2.0/cohorts/list", "application/json", "\"cohorts\"")), "cohorts");
    }

    @Test
    void revenueWithoutResultsFails() throws Exception {
        check(syncOne("revenue", serve("/api/2.0/engage/revenue", "application/json", "{\"status\": \"ok\", \"results\": [1]}")), "revenue");
    }
}
