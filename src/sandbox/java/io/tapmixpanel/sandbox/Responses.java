package io.tapmixpanel.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writing responses: JSON bodies, gzip when asked, and the error body of each family
 * (docs/sandbox.md "Credentials": {@code {"request", "error"}} on export/query, {@code {"status", "error"}} on
 * the app API).
 */
final class Responses {
    private Responses() {}

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 1 << 18;

    static void error(Request q, int code, String message) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        if (q.family == Request.Family.APP) {
            m.put("status", "error");
            m.put("error", message);
        } else {
            m.put("request", q.requestField);
            m.put("error", message);
        }
        send(q, code, "application/json", JSON.writeValueAsBytes(m));
    }

    static void json(Request q, Object value) throws IOException {
        send(q, 200, "application/json", JSON.writeValueAsBytes(value));
    }

    static void send(Request q, int code, String contentType, byte[] body) throws IOException {
        Headers h = q.ex.getResponseHeaders();
        h.set("Content-Type", contentType + (contentType.startsWith("text/") || contentType.contains("json") ? "; charset=utf-8" : ""));
        if (body.length == 0) {
            q.ex.sendResponseHeaders(code, -1);
            return;
        }
        if (q.gzip) {
            body = Gzip.gzip(body, 0, body.length);
            h.set("Content-Encoding", "gzip");
        }
        q.ex.sendResponseHeaders(code, body.length);
        try (OutputStream os = q.ex.getResponseBody()) {
            write(os, body, 0, body.length);
        }
    }

    /** Writes in chunks of 256 KiB (large cached export days go out without one huge write). */
    static void write(OutputStream os, byte[] a, int off, int len) throws IOException {
        for (int p = 0; p < len; p += CHUNK) os.write(a, off + p, Math.min(CHUNK, len - p));
    }
}
