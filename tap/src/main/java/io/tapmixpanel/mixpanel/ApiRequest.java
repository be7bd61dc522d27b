package io.tapmixpanel.mixpanel;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One API call as the client sees it: where it goes, its parameters, how it is named in metrics
 * ({@code endpoint}) and in logs ({@code label}). Holds no credentials, so it can be described anywhere.
 */
record ApiRequest(ApiFamily family, String method, URI root, String path, Map<String, String> query,
                  Map<String, String> form, String endpoint, String label, boolean acceptGzip) {

    ApiRequest {
        query = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(query));
        form = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(form));
    }

    /** The full URI: root (with any path prefix it has), path, encoded query. */
    URI uri() {
        String base = root.toString();
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        String q = encode(query);
        return URI.create(base + path + (q.isEmpty() ? "" : "?" + q));
    }

    /** {@code GET /api/2.0/export?from_date=...}: for messages and exceptions (no secrets in it). */
    String describe() {
        String q = encode(query);
        return method + " " + path + (q.isEmpty() ? "" : "?" + q);
    }

    /** {@code host[:port]} of the root, for messages. */
    String host() {
        return root.getPort() < 0 ? root.getHost() : root.getHost() + ":" + root.getPort();
    }

    Optional<String> param(String name) {
        String v = query.get(name);
        if (v == null) v = form.get(name);
        return Optional.ofNullable(v);
    }

    /** {@code a=1&b=x%20y}: spaces as %20 in URLs, so that every server decodes them alike. */
    static String encode(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (sb.length() > 0) sb.append('&');
            sb.append(component(e.getKey())).append('=').append(component(e.getValue()));
        }
        return sb.toString();
    }

    static String component(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** application/x-www-form-urlencoded body. */
    static String formBody(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (sb.length() > 0) sb.append('&');
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}
