package io.tapmixpanel.sandbox;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /sandbox/requests} (docs/sandbox.md "Request log"): the requests served, oldest first, so that
 * tests can check what a client asked for. Keeps the last {@link #CAPACITY} so a long benchmark cannot exhaust
 * memory.
 */
final class RequestLog {
    static final int CAPACITY = 100_000;

    private final ArrayDeque<Map<String, Object>> entries = new ArrayDeque<>();

    void add(String method, String path, Map<String, String> params, int status) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("method", method);
        e.put("path", path);
        e.put("params", params);
        e.put("status", status);
        e.put("at_ms", System.currentTimeMillis());
        synchronized (entries) {
            if (entries.size() >= CAPACITY) entries.pollFirst();
            entries.addLast(e);
        }
    }

    void serve(Request q) throws IOException {
        List<Map<String, Object>> copy;
        synchronized (entries) { copy = new ArrayList<>(entries); }
        Responses.send(q, 200, "application/json", Responses.JSON.writeValueAsBytes(copy));
    }
}
