package io.tapmixpanel.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One API request: which family and endpoint it is for, its parameters (query string, then a form or JSON
 * body), and readers that turn a bad parameter into a 400 {@link ApiError}.
 */
final class Request {
    /** The API families; each has its own error body (docs/sandbox.md "Credentials"). */
    enum Family { EXPORT, QUERY, APP }

    /** One endpoint of a family. */
    @FunctionalInterface
    interface Endpoint { void serve(Request q) throws IOException; }

    private static final Pattern AND = Pattern.compile("\\s+and\\s+", Pattern.CASE_INSENSITIVE);

    final HttpExchange ex;
    /** The {@code request} field of export/query error bodies: the raw path and query. */
    final String requestField;
    final boolean gzip;
    Family family;
    String endpoint;     // e.g. "engage", "export", "me", "projects/1234/schemas"
    boolean serviceAccount;
    private final Map<String, String> params = new LinkedHashMap<>();
    private boolean parsed;

    Request(HttpExchange ex) {
        this.ex = ex;
        String rawQuery = ex.getRequestURI().getRawQuery();
        requestField = ex.getRequestURI().getRawPath() + (rawQuery != null ? "?" + rawQuery : "");
        String ae = ex.getRequestHeaders().getFirst("Accept-Encoding");
        gzip = ae != null && ae.toLowerCase(Locale.ROOT).contains("gzip");
    }

    String p(String name) { return params.get(name); }

    /**
     * The parameters for the request log: all of them once {@link #parseParams} ran, else those of the query
     * string that decode (a request refused before its body was read).
     */
    Map<String, String> paramsForLog() {
        if (parsed) return new LinkedHashMap<>(params);
        Map<String, String> m = new LinkedHashMap<>();
        try { parseForm(ex.getRequestURI().getRawQuery(), m); } catch (ApiError e) { m.clear(); }
        return m;
    }

    /** Reads the query string, then a POST (or any request with a body) as JSON object or form. */
    void parseParams() throws IOException {
        parsed = true;
        parseForm(ex.getRequestURI().getRawQuery(), params);
        if (ex.getRequestMethod().equals("POST") || ex.getRequestHeaders().containsKey("Content-Length")) {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) { body = in.readAllBytes(); }
            if (body.length == 0) return;
            String ct = ex.getRequestHeaders().getFirst("Content-Type");
            String text = new String(body, StandardCharsets.UTF_8);
            if (ct != null && ct.toLowerCase(Locale.ROOT).contains("json")) {
                JsonNode n;
                try { n = Responses.JSON.readTree(text); } catch (IOException e) { throw new ApiError(400, "request body is not valid JSON"); }
                if (n == null || !n.isObject()) throw new ApiError(400, "request body must be a JSON object");
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    params.put(f.getKey(), f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString());
                }
            } else {
                parseForm(text, params);
            }
        }
    }

    private static void parseForm(String raw, Map<String, String> into) {
        if (raw == null || raw.isEmpty()) return;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                into.put(k, v);
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "malformed URL encoding in parameters");
            }
        }
    }

    // ---- typed parameters ---------------------------------------------------------------------------------

    int intParam(String name, int dflt, int min, int max) {
        String v = p(name);
        if (v == null || v.isEmpty()) return dflt;
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) throw new ApiError(400, name + " must be between " + min + " and " + max + ": " + v);
            return (int) n;
        } catch (NumberFormatException e) {
            throw new ApiError(400, name + " must be an integer: " + v);
        }
    }

    /** The parameter as a JSON array of strings; null when missing or empty. */
    Set<String> stringSet(String name) {
        String v = p(name);
        return v != null && !v.isEmpty() ? jsonStringArray(name, v) : null;
    }

    static Set<String> jsonStringArray(String name, String v) {
        JsonNode n;
        try { n = Responses.JSON.readTree(v); } catch (IOException e) { n = null; }
        if (n == null || !n.isArray()) throw new ApiError(400, name + " must be a JSON array of strings: " + v);
        Set<String> s = new HashSet<>();
        for (JsonNode x : n) {
            if (!x.isTextual()) throw new ApiError(400, name + " must be a JSON array of strings: " + v);
            s.add(x.asText());
        }
        return s;
    }

    /** The clauses of a {@code where} joined with {@code and}. */
    static String[] andClauses(String where) { return AND.split(where.trim()); }

    /**
     * [from, to] validated, not after {@code today} (the sandbox clock's date in the zone whose days these are);
     * null when not required and both missing.
     */
    LocalDate[] dateRangeUpToToday(String fromName, String toName, boolean required, LocalDate today) {
        return dateRange(fromName, toName, required, today);
    }

    /** [from, to] validated; null when not required and both missing. */
    LocalDate[] dateRange(String fromName, String toName, boolean required) {
        return dateRange(fromName, toName, required, null);
    }

    private LocalDate[] dateRange(String fromName, String toName, boolean required, LocalDate today) {
        String f = p(fromName), t = p(toName);
        if (f == null && t == null && !required) return null;
        if (f == null || f.isEmpty()) throw new ApiError(400, fromName + " is a required parameter");
        if (t == null || t.isEmpty()) throw new ApiError(400, toName + " is a required parameter");
        LocalDate from = parseDate(fromName, f.trim()), to = parseDate(toName, t.trim());
        if (today != null && to.isAfter(today)) throw new ApiError(400, "to_date cannot be later than today");
        if (from.isAfter(to)) throw new ApiError(400, fromName + " cannot be later than " + toName);
        return new LocalDate[] {from, to};
    }

    private static LocalDate parseDate(String name, String v) {
        LocalDate d;
        try {
            if (!v.matches("\\d{4}-\\d{2}-\\d{2}")) throw new DateTimeParseException("format", v, 0);
            d = LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw new ApiError(400, name + " is not a valid date, expected yyyy-mm-dd: '" + v + "'");
        }
        if (d.getYear() < 2000) throw new ApiError(400, name + " cannot be earlier than 2000-01-01");
        return d;
    }
}
