package io.tapmixpanel.reliability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
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
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/reliability.md "Reliability": a run that ends with exit 1 in the middle of a stream (here engage's second page refused
 * after a first page of ~300 KB of records, more than the output buffer) leaves stdout on a whole line, so that the
 * target reports nothing on top of the tap's own error.
 */
class ExitMidStreamTest {
    @TempDir
    Path dir;
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    @Test
    void anEngageSessionRefusedAfterAFirstPageLeavesStdoutOnAWholeLine() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                byte[] b;
                int status = 200;
                if (!ex.getRequestURI().getPath().equals("/api/2.0/engage")) {
                    status = 404;
                    b = "{\"error\": \"not here\"}".getBytes(StandardCharsets.UTF_8);
                } else if (form.contains("session_id")) {
                    status = 401;
                    b = "{\"error\": \"session refused\", \"status\": \"error\"}".getBytes(StandardCharsets.UTF_8);
                } else {
                    StringBuilder sb = new StringBuilder("{\"page\":0,\"page_size\":1000,\"session_id\":\"s1\",\"status\":\"ok\",\"total\":3000,\"results\":[");
                    for (int i = 0; i < 1000; i++) {
                        if (i > 0) sb.append(',');
                        sb.append("{\"$distinct_id\":\"u").append(i).append("\",\"$properties\":{\"note\":\"").append("n".repeat(300)).append("\"}}");
                    }
                    b = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
                }
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(status, b.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(b);
                }
            }
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        ObjectNode c = TapHarness.JSON.createObjectNode();
        c.put("api_secret", "s3cr3t-api-DO-NOT-PRINT");
        c.put("start_date", "2024-01-01");
        c.put("project_timezone", "UTC");
        c.put("max_concurrent_requests", 1);
        for (String k : List.of("api_base_url", "export_base_url", "app_base_url")) c.put(k, base);
        ObjectNode catalog = (ObjectNode) TapHarness.JSON.readTree("{\"streams\":[{\"tap_stream_id\":\"engage\",\"stream\":\"engage\","
                + "\"schema\":{\"type\":\"object\",\"properties\":{}},\"metadata\":[{\"breadcrumb\":[],\"metadata\":{\"selected\":true}}]}]}");
        Tap tap = new Tap(ConfigLoader.load(List.of(TapHarness.write(dir, "c.json", c))), TapHarness.FAST);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Log.redirect(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThrows(RuntimeException.class, () -> tap.sync(Optional.of(TapHarness.write(dir, "catalog.json", catalog)), Optional.empty(), stdout));
        } finally {
            Log.redirect(System.err);
        }
        byte[] out = stdout.toByteArray();
        assertTrue(out.length > 0, "a full buffer of records went out before the failure: " + err);
        assertEquals('\n', out[out.length - 1], "stdout ends on a whole line");
        for (String line : new String(out, StandardCharsets.UTF_8).lines().toList()) TapHarness.JSON.readTree(line);
        TapHarness.figure("exit-mid-stream stdout_bytes=" + out.length + " ends_on_whole_line=true");
    }
}
