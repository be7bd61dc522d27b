package io.tapmixpanel.mixpanel.http;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One API call as the client sees it: where it goes, its parameters, how it is named in metrics
 * ({@code endpoint}) and in logs ({@code label}). Holds no credentials, so it can be described anywhere.
 * Immutable: built as {@code ApiRequest.get(family, root, path).query(...).endpoint(...).label(...)}, each step
 * returning a new request (requests are few, their events many: the copies cost nothing that counts).
 */
public final class ApiRequest {
    private final ApiFamily family;
    private final String method;
    private final URI root;
    private final String path;
    private final Map<String, String> query;
    private final Map<String, String> form;
    private final String endpoint;
    private final String label;
    private final boolean acceptGzip;
    private final boolean sessionFollowUp;

    private ApiRequest(ApiFamily family, String method, URI root, String path, Map<String, String> query,
                       Map<String, String> form, String endpoint, String label, boolean acceptGzip,
                       boolean sessionFollowUp) {
        this.family = Objects.requireNonNull(family, "family");
        this.method = method;
        this.root = Objects.requireNonNull(root, "root");
        this.path = Objects.requireNonNull(path, "path");
        this.query = query;
        this.form = form;
        this.endpoint = endpoint;
        this.label = label;
        this.acceptGzip = acceptGzip;
        this.sessionFollowUp = sessionFollowUp;
    }

    /** A GET of {@code path} under {@code root}; named after its path until {@link #endpoint} and {@link #label} say better. */
    public static ApiRequest get(ApiFamily family, URI root, String path) {
        return new ApiRequest(family, "GET", root, path, Map.of(), Map.of(), path, path, false, false);
    }

    /** A POST of {@code path} under {@code root}, its {@link #form} fields as an urlencoded body. */
    public static ApiRequest post(ApiFamily family, URI root, String path) {
        return new ApiRequest(family, "POST", root, path, Map.of(), Map.of(), path, path, false, false);
    }

    /** This request with {@code params} added to its query string, after those it has (in their iteration order). */
    public ApiRequest query(Map<String, String> params) {
        return new ApiRequest(family, method, root, path, plus(query, params), form, endpoint, label, acceptGzip, sessionFollowUp);
    }

    /** This request with one more query parameter. */
    public ApiRequest query(String name, String value) {
        return query(Map.of(name, value));
    }

    /** This request with {@code fields} added to its form body, after those it has. */
    public ApiRequest form(Map<String, String> fields) {
        return new ApiRequest(family, method, root, path, query, plus(form, fields), endpoint, label, acceptGzip, sessionFollowUp);
    }

    /** This request named {@code name} in metrics ({@link HttpListener}): {@code export}, {@code funnels/list}, ... */
    public ApiRequest endpoint(String name) {
        return new ApiRequest(family, method, root, path, query, form, Objects.requireNonNull(name), label, acceptGzip, sessionFollowUp);
    }

    /** This request named {@code text} in logs and messages: {@code export 2024-01-01..2024-01-30}, ... */
    public ApiRequest label(String text) {
        return new ApiRequest(family, method, root, path, query, form, endpoint, Objects.requireNonNull(text), acceptGzip, sessionFollowUp);
    }

    /** This request asking for a gzip body ({@code Accept-Encoding: gzip}) or not. */
    public ApiRequest acceptGzip(boolean gzip) {
        return new ApiRequest(family, method, root, path, query, form, endpoint, label, gzip, sessionFollowUp);
    }

    /**
     * This request marked as a follow-up page of an engage session ({@code session_id}) or not: Mixpanel does not
     * count those against the hourly query budget, so neither does the client (docs/rate-limits.md "Rate limits").
     */
    public ApiRequest sessionFollowUp(boolean followUp) {
        return new ApiRequest(family, method, root, path, query, form, endpoint, label, acceptGzip, followUp);
    }

    private static Map<String, String> plus(Map<String, String> base, Map<String, String> more) {
        if (more.isEmpty()) return base;
        Map<String, String> all = new LinkedHashMap<>(base);
        all.putAll(more);
        return Collections.unmodifiableMap(all);
    }

    public ApiFamily family() { return family; }

    public String method() { return method; }

    public String endpoint() { return endpoint; }

    public String label() { return label; }

    public boolean acceptGzip() { return acceptGzip; }

    /** Whether this call counts against its family's hourly budget: all do but engage session follow-up pages. */
    public boolean countsAgainstHourlyBudget() { return !sessionFollowUp; }

    /** The form body ({@code application/x-www-form-urlencoded}), or empty when the request has no form fields. */
    public Optional<String> formBody() {
        return form.isEmpty() ? Optional.empty() : Optional.of(formBody(form));
    }

    /** The full URI: root (with any path prefix it has), path, encoded query. */
    public URI uri() {
        String base = root.toString();
        while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        String q = encode(query);
        return URI.create(base + path + (q.isEmpty() ? "" : "?" + q));
    }

    /** {@code GET /api/2.0/export?from_date=...}: for messages and exceptions (no secrets in it). */
    public String describe() {
        String q = encode(query);
        return method + " " + path + (q.isEmpty() ? "" : "?" + q);
    }

    /** {@code host[:port]} of the root, for messages. */
    public String host() {
        return root.getPort() < 0 ? root.getHost() : root.getHost() + ":" + root.getPort();
    }

    /** A query parameter, else a form field, by name. */
    public Optional<String> param(String name) {
        String v = query.get(name);
        if (v == null) v = form.get(name);
        return Optional.ofNullable(v);
    }

    /** {@code a=1&b=x%20y}: spaces as %20 in URLs, so that every server decodes them alike. */
    private static String encode(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (sb.length() > 0) sb.append('&');
            sb.append(component(e.getKey())).append('=').append(component(e.getValue()));
        }
        return sb.toString();
    }

    private static String component(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** application/x-www-form-urlencoded body. */
    private static String formBody(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (sb.length() > 0) sb.append('&');
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}
