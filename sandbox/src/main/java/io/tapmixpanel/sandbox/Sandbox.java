package io.tapmixpanel.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running sandbox: a deterministic fake Mixpanel (raw export, query API on {@code /api/2.0} and
 * {@code /api/query}, app API on {@code /api/app}) on one port of 127.0.0.1, plus {@code GET /sandbox/stats}.
 *
 * <pre>
 * try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(500).build())) {
 *     String base = s.baseUrl();   // http://127.0.0.1:PORT, for the api, export and app hosts alike
 * }
 * </pre>
 */
public final class Sandbox implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 1 << 18;
    private static final byte[] TERMINATED = "\nterminated early\n".getBytes(StandardCharsets.US_ASCII);
    private static final String[] QUERY_ENDPOINTS = {"engage", "engage/properties", "engage/revenue",
        "events/properties/top", "events/names", "funnels", "funnels/list", "annotations", "cohorts/list"};
    /** Events that have a Lexicon schema (not all of them, as in real projects). */
    private static final int[] SCHEMA_EVENTS = {3, 4, 5, 6};

    private final SandboxOptions opt;
    private final Project project;
    private final HttpServer server;
    private final ExecutorService executor;
    private final long startupMillis;
    private final AtomicLong apiRequests = new AtomicLong();
    private final AtomicLong exportResponses = new AtomicLong();
    private final byte[] statsBody;

    private Sandbox(SandboxOptions opt) throws IOException {
        long t0 = System.nanoTime();
        this.opt = opt;
        this.project = new Project(opt);
        this.statsBody = JSON.writeValueAsBytes(stats());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), opt.port), 128);
        executor = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "sandbox-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        startupMillis = (System.nanoTime() - t0) / 1_000_000;
        warmGzip();
    }

    /** Generates the project and starts listening (port 0 = any free port). */
    public static Sandbox start(SandboxOptions options) throws IOException {
        return new Sandbox(options);
    }

    public int port() { return server.getAddress().getPort(); }

    /** {@code http://127.0.0.1:PORT}: the base URL for the export, query and app API alike. */
    public String baseUrl() { return "http://127.0.0.1:" + port(); }

    public SandboxOptions options() { return opt; }

    /** First and last day of data (days of the sandbox timezone). */
    public LocalDate startDate() { return project.startDate; }

    public LocalDate endDate() { return project.endDate; }

    /** The ground truth, the body of {@code GET /sandbox/stats}. */
    public String statsJson() { return new String(statsBody, StandardCharsets.UTF_8); }

    public long startupMillis() { return startupMillis; }

    String summary() {
        return String.format(Locale.ROOT, "%d events (%.1f MB raw) over %d days %s..%s (%s%s), %d profiles, "
                + "%d funnels, %d cohorts, project %d, generated in %d ms", project.totalEvents, project.totalRawBytes / 1e6,
            project.days, project.startDate, project.endDate, opt.timezone,
            opt.legacyLocalTime ? ", legacy local time" : "", project.profiles.size(), project.funnels.size(),
            project.cohorts.size(), opt.projectId, startupMillis);
    }

    /** Compresses the cached days in the background so that gzip requests find them ready. */
    private volatile long gzipReadyMillis = -1;

    private void warmGzip() {
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            java.util.stream.IntStream.range(0, project.days).parallel().forEach(d -> {
                if (!closed) project.dayData[d].deflated();
            });
            if (!closed) gzipReadyMillis = (System.nanoTime() - t0) / 1_000_000;
            synchronized (this) { notifyAll(); }
        }, "sandbox-gzip-warmup");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Waits until the background compression of the export cache (started by {@link #start}) is done, e.g.
     * before a gzip benchmark; returns how long it took in ms. Gzip requests never need this: a day not yet
     * compressed is compressed on demand.
     */
    public synchronized long awaitGzipCache() throws InterruptedException {
        while (gzipReadyMillis < 0 && !closed) wait(100);
        return gzipReadyMillis;
    }

    /** Compressed size of the export cache (compresses what is not yet compressed). */
    long gzipCacheBytes() {
        long gz = 0;
        for (Project.Day d : project.dayData) gz += d.deflated().length;
        return gz;
    }

    private volatile boolean closed;

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
        try { executor.awaitTermination(2, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }

    private Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", project.totalEvents);
        Map<String, Object> perDay = new LinkedHashMap<>();
        for (Project.Day d : project.dayData) perDay.put(d.date.toString(), d.count);
        m.put("events_per_day", perDay);
        m.put("profiles", project.profiles.size());
        m.put("funnels", project.funnels.size());
        m.put("funnel_days", (long) project.funnels.size() * project.days);
        m.put("revenue_days", project.revenue.size());
        m.put("annotations", project.annotations.size());
        m.put("cohorts", project.cohorts.size());
        m.put("cohort_members", project.cohortMembers());
        return m;
    }

    // ---- request plumbing -------------------------------------------------------------------------------

    private enum Family { EXPORT, QUERY, APP }

    /** An error answered with the family's error body. */
    static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int code;
        ApiError(int code, String message) { super(message, null, false, false); this.code = code; }
    }

    private static final class Req {
        HttpExchange ex;
        Family family;
        String endpoint;     // e.g. "engage", "export", "me", "projects/1234/schemas"
        Map<String, String> params = new LinkedHashMap<>();
        boolean gzip;
        boolean serviceAccount;
        String requestField;

        String p(String name) { return params.get(name); }
    }

    private void handle(HttpExchange ex) {
        Req q = new Req();
        q.ex = ex;
        try {
            if (opt.delayMs > 0) Thread.sleep(opt.delayMs);
            String path = ex.getRequestURI().getPath();
            String rawQuery = ex.getRequestURI().getRawQuery();
            q.requestField = ex.getRequestURI().getRawPath() + (rawQuery != null ? "?" + rawQuery : "");
            String ae = ex.getRequestHeaders().getFirst("Accept-Encoding");
            q.gzip = ae != null && ae.toLowerCase(Locale.ROOT).contains("gzip");
            SLog.debug(ex.getRequestMethod() + " " + path);
            if (path.equals("/sandbox/stats")) {
                send(q, 200, "application/json", statsBody);
                return;
            }
            if (!route(q, path)) {
                q.family = path.startsWith("/api/app/") ? Family.APP : Family.QUERY;
                throw new ApiError(404, "not found: " + path);
            }
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("POST")) throw new ApiError(405, "method not allowed: " + method);
            long n = apiRequests.incrementAndGet();
            if (opt.fault429Every > 0 && n % opt.fault429Every == 0) {
                ex.getResponseHeaders().set("Retry-After", Integer.toString(opt.retryAfter));
                throw new ApiError(429, "Query rate limit exceeded for project_id: " + opt.projectId
                    + ". 1/5 queries running concurrently and 61/60 queries running in the last hour. Please retry later.");
            }
            if (opt.fault500Every > 0 && n % opt.fault500Every == 0) throw new ApiError(500, "Internal server error (sandbox fault)");
            parseParams(q);
            authenticate(q);
            switch (q.family) {
                case EXPORT: export(q); break;
                case QUERY: query(q); break;
                default: app(q); break;
            }
        } catch (ApiError e) {
            try { sendError(q, e.code, e.getMessage()); } catch (IOException io) { SLog.debug("send failed: " + io); }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            SLog.debug("connection error: " + e);
        } catch (RuntimeException e) {
            SLog.warn("internal error on " + q.requestField + ": " + e);
            try { sendError(q, 500, "sandbox internal error: " + e); } catch (IOException io) { SLog.debug("send failed: " + io); }
        } finally {
            ex.close();
        }
    }

    private static boolean route(Req q, String path) {
        if (path.equals("/api/2.0/export")) { q.family = Family.EXPORT; q.endpoint = "export"; return true; }
        for (String prefix : new String[] {"/api/2.0/", "/api/query/"}) {
            if (path.startsWith(prefix)) {
                String ep = trimSlash(path.substring(prefix.length()));
                for (String known : QUERY_ENDPOINTS) {
                    if (known.equals(ep)) { q.family = Family.QUERY; q.endpoint = ep; return true; }
                }
                return false;
            }
        }
        if (path.startsWith("/api/app/")) {
            q.family = Family.APP;
            q.endpoint = trimSlash(path.substring("/api/app/".length()));
            return q.endpoint.equals("me") || q.endpoint.matches("projects/[^/]+/(annotations|schemas(/(event|profile)(/.+)?)?)");
        }
        return false;
    }

    private static String trimSlash(String s) { return s.endsWith("/") ? s.substring(0, s.length() - 1) : s; }

    private static void parseParams(Req q) throws IOException {
        parseForm(q.ex.getRequestURI().getRawQuery(), q.params);
        if (q.ex.getRequestMethod().equals("POST") || q.ex.getRequestHeaders().containsKey("Content-Length")) {
            byte[] body;
            try (InputStream in = q.ex.getRequestBody()) { body = in.readAllBytes(); }
            if (body.length == 0) return;
            String ct = q.ex.getRequestHeaders().getFirst("Content-Type");
            String text = new String(body, StandardCharsets.UTF_8);
            if (ct != null && ct.toLowerCase(Locale.ROOT).contains("json")) {
                JsonNode n;
                try { n = JSON.readTree(text); } catch (IOException e) { throw new ApiError(400, "request body is not valid JSON"); }
                if (n == null || !n.isObject()) throw new ApiError(400, "request body must be a JSON object");
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    q.params.put(f.getKey(), f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString());
                }
            } else {
                parseForm(text, q.params);
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

    private void authenticate(Req q) {
        String h = q.ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6))
            throw new ApiError(401, "Unable to authenticate request: HTTP Basic credentials required");
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiError(401, "Unable to authenticate request");
        }
        int c = decoded.indexOf(':');
        String user = c < 0 ? decoded : decoded.substring(0, c);
        String pass = c < 0 ? "" : decoded.substring(c + 1);
        if (c >= 0 && user.equals(opt.serviceAccountUser) && pass.equals(opt.serviceAccountSecret)) q.serviceAccount = true;
        else if (user.equals(opt.apiSecret) && pass.isEmpty()) q.serviceAccount = false;
        else throw new ApiError(401, "Unable to authenticate request");

        if (q.family == Family.APP) {
            if (!q.serviceAccount) throw new ApiError(403, "this endpoint requires a service account");
            if (q.endpoint.startsWith("projects/")) {
                String id = q.endpoint.split("/")[1];
                if (!id.equals(Long.toString(opt.projectId))) throw new ApiError(403, "You do not have access to project " + id);
            }
            return;
        }
        String pid = q.p("project_id");
        if (q.serviceAccount && (pid == null || pid.isEmpty()))
            throw new ApiError(400, "project_id is required when authenticating with a service account");
        if (pid != null && !pid.isEmpty() && !pid.trim().equals(Long.toString(opt.projectId)))
            throw new ApiError(403, "You do not have access to project_id: " + pid);
    }

    // ---- responses ----------------------------------------------------------------------------------------

    private void sendError(Req q, int code, String message) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        if (q.family == Family.APP) {
            m.put("status", "error");
            m.put("error", message);
        } else {
            m.put("request", q.requestField);
            m.put("error", message);
        }
        send(q, code, "application/json", JSON.writeValueAsBytes(m));
    }

    private void sendJson(Req q, Object value) throws IOException {
        send(q, 200, "application/json", JSON.writeValueAsBytes(value));
    }

    private static void send(Req q, int code, String contentType, byte[] body) throws IOException {
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

    private static void write(OutputStream os, byte[] a, int off, int len) throws IOException {
        for (int p = 0; p < len; p += CHUNK) os.write(a, off + p, Math.min(CHUNK, len - p));
    }

    // ---- dates and filters --------------------------------------------------------------------------------

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

    /** [from, to] validated; null when not required and both missing. */
    private LocalDate[] dateRange(Req q, String fromName, String toName, boolean required, boolean todayCheck) {
        String f = q.p(fromName), t = q.p(toName);
        if (f == null && t == null && !required) return null;
        if (f == null || f.isEmpty()) throw new ApiError(400, fromName + " is a required parameter");
        if (t == null || t.isEmpty()) throw new ApiError(400, toName + " is a required parameter");
        LocalDate from = parseDate(fromName, f.trim()), to = parseDate(toName, t.trim());
        if (todayCheck && to.isAfter(LocalDate.now(opt.timezone))) throw new ApiError(400, "to_date cannot be later than today");
        if (from.isAfter(to)) throw new ApiError(400, fromName + " cannot be later than " + toName);
        return new LocalDate[] {from, to};
    }

    /** Day indexes [first, last] of the data inside [from, to]; first > last when empty. */
    private int[] dayWindow(LocalDate[] range) {
        LocalDate from = range == null || range[0].isBefore(project.startDate) ? project.startDate : range[0];
        LocalDate to = range == null || range[1].isAfter(project.endDate) ? project.endDate : range[1];
        return new int[] {project.dayIndex(from), project.dayIndex(to)};
    }

    private static final Pattern TIME_CLAUSE = Pattern.compile(
        "\\s*properties\\s*\\[\\s*\"\\$time\"\\s*\\]\\s*(>=|<=|>|<)\\s*datetime\\s*\\(\\s*(-?\\d+|\"[^\"]*\")\\s*\\)\\s*");
    private static final Pattern AND = Pattern.compile("\\s+and\\s+", Pattern.CASE_INSENSITIVE);

    /** {lowInclusiveMs, highExclusiveMs} on the true UTC time from a where on properties["$time"]. */
    private static long[] timeBounds(String where) {
        long lo = Long.MIN_VALUE, hi = Long.MAX_VALUE;
        for (String clause : AND.split(where.trim())) {
            Matcher m = TIME_CLAUSE.matcher(clause);
            if (!m.matches())
                throw new ApiError(400, "unsupported where expression (the sandbox supports properties[\"$time\"] "
                    + "compared with datetime(<epoch seconds>), clauses joined with 'and'): " + clause.trim());
            long sec = whereSeconds(m.group(2));
            switch (m.group(1)) {
                case ">=": lo = Math.max(lo, sec * 1000); break;
                case ">": lo = Math.max(lo, (sec + 1) * 1000); break;
                case "<": hi = Math.min(hi, sec * 1000); break;
                default: hi = Math.min(hi, (sec + 1) * 1000); break;
            }
        }
        return new long[] {lo, hi};
    }

    private static long whereSeconds(String v) {
        if (!v.startsWith("\"")) return Long.parseLong(v);
        String s = v.substring(1, v.length() - 1);
        try {
            if (s.endsWith("Z")) return java.time.Instant.parse(s).getEpochSecond();
            if (s.length() == 10) return LocalDate.parse(s).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
            return LocalDateTime.parse(s).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new ApiError(400, "invalid datetime in where: " + v);
        }
    }

    private static Set<String> jsonStringArray(String name, String v) {
        JsonNode n;
        try { n = JSON.readTree(v); } catch (IOException e) { n = null; }
        if (n == null || !n.isArray()) throw new ApiError(400, name + " must be a JSON array of strings: " + v);
        Set<String> s = new HashSet<>();
        for (JsonNode x : n) {
            if (!x.isTextual()) throw new ApiError(400, name + " must be a JSON array of strings: " + v);
            s.add(x.asText());
        }
        return s;
    }

    private static int intParam(Req q, String name, int dflt, int min, int max) {
        String v = q.p(name);
        if (v == null || v.isEmpty()) return dflt;
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) throw new ApiError(400, name + " must be between " + min + " and " + max + ": " + v);
            return (int) n;
        } catch (NumberFormatException e) {
            throw new ApiError(400, name + " must be an integer: " + v);
        }
    }

    // ---- export -------------------------------------------------------------------------------------------

    private void export(Req q) throws IOException {
        LocalDate[] range = dateRange(q, "from_date", "to_date", true, true);
        Set<String> events = q.p("event") != null && !q.p("event").isEmpty() ? jsonStringArray("event", q.p("event")) : null;
        long[] bounds = q.p("where") != null && !q.p("where").isBlank() ? timeBounds(q.p("where")) : null;
        int limit = intParam(q, "limit", Integer.MAX_VALUE, 1, 100_000);
        boolean inMs = "true".equalsIgnoreCase(q.p("time_in_ms")) || "1".equals(q.p("time_in_ms"));
        int[] w = dayWindow(range);
        Project.Day[] days = project.dayData;

        // segments of the raw body (fast path: cached days as they are)
        List<byte[]> raw = new ArrayList<>();
        long rawLen = 0;
        boolean fast = events == null && bounds == null && limit == Integer.MAX_VALUE && !inMs;
        if (fast) {
            for (int d = w[0]; d <= w[1]; d++) {
                if (days[d].raw.length > 0) { raw.add(days[d].raw); rawLen += days[d].raw.length; }
            }
        } else {
            boolean[] nameOk = new boolean[Project.EVENT_NAMES.length];
            for (int e = 0; e < nameOk.length; e++) nameOk[e] = events == null || events.contains(Project.EVENT_NAMES[e]);
            ByteBuf out = new ByteBuf(1 << 16);
            int left = limit;
            for (int d = w[0]; d <= w[1] && left > 0; d++) {
                Project.Day day = days[d];
                int i = 0;
                if (bounds != null) i = lowerBound(day.utcMs, bounds[0]);
                for (; i < day.count && left > 0; i++) {
                    if (bounds != null && day.utcMs[i] >= bounds[1]) break;
                    if (!nameOk[day.name[i]]) continue;
                    int s = day.lineStart[i], e = day.lineStart[i + 1];
                    if (inMs) {
                        out.raw(day.raw, s, day.timeStart[i] - s);
                        out.num(day.encMs[i]);
                        int after = day.timeStart[i] + day.timeLen[i];
                        out.raw(day.raw, after, e - after);
                    } else {
                        out.raw(day.raw, s, e - s);
                    }
                    left--;
                }
            }
            if (out.n > 0) { raw.add(out.toArray()); rawLen = out.n; }
        }

        Headers h = q.ex.getResponseHeaders();
        h.set("Content-Type", "text/plain; charset=utf-8");
        if (rawLen == 0) {
            q.ex.sendResponseHeaders(200, -1);
            return;
        }
        long n = exportResponses.incrementAndGet();
        boolean terminate = opt.faultTerminatedEarlyEvery > 0 && n % opt.faultTerminatedEarlyEvery == 0;
        boolean reset = !terminate && opt.faultResetEvery > 0 && n % opt.faultResetEvery == 0;

        if (terminate) {
            byte[] all = concat(raw, rawLen);
            int half = all.length / 2;
            int ls = half;
            while (ls > 0 && all[ls - 1] != '\n') ls--;
            int le = half;
            while (le < all.length && all[le] != '\n') le++;
            int cut = ls + Math.max(1, (le - ls) / 2);
            ByteBuf b = new ByteBuf(cut + TERMINATED.length);
            b.raw(all, 0, cut).raw(TERMINATED);
            raw = List.of(b.toArray());
            rawLen = b.n;
            SLog.debug("fault: terminated early after " + cut + " bytes");
        }

        List<byte[]> body;
        long bodyLen;
        if (!q.gzip) {
            body = raw;
            bodyLen = rawLen;
        } else if (fast && !terminate) {
            body = new ArrayList<>();
            body.add(Gzip.HEADER);
            long crc = 0, len = 0;
            for (int d = w[0]; d <= w[1]; d++) {
                if (days[d].raw.length == 0) continue;
                body.add(days[d].deflated());
                crc = Gzip.crcCombine(crc, days[d].crc, days[d].raw.length);
                len += days[d].raw.length;
            }
            body.add(Gzip.FINAL_BLOCK);
            body.add(Gzip.trailer(crc, len));
            bodyLen = 0;
            for (byte[] b : body) bodyLen += b.length;
        } else {
            byte[] all = concat(raw, rawLen);
            byte[] gz = Gzip.gzip(all, 0, all.length);
            body = List.of(gz);
            bodyLen = gz.length;
        }
        if (q.gzip) h.set("Content-Encoding", "gzip");
        q.ex.sendResponseHeaders(200, bodyLen);
        OutputStream os = q.ex.getResponseBody();
        long limitBytes = reset ? bodyLen / 2 : bodyLen;
        long written = 0;
        for (byte[] b : body) {
            if (written >= limitBytes) break;
            int len = (int) Math.min(b.length, limitBytes - written);
            write(os, b, 0, len);
            written += len;
        }
        if (reset) {
            SLog.debug("fault: connection reset after " + written + " of " + bodyLen + " bytes");
            os.flush();
            q.ex.close(); // fewer bytes than Content-Length: the server drops the connection
            return;
        }
        os.close();
    }

    private static int lowerBound(long[] a, long key) {
        int lo = 0, hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < key) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static byte[] concat(List<byte[]> parts, long total) {
        if (total > Integer.MAX_VALUE - 16) throw new ApiError(500, "response too large for this fault/filter path");
        byte[] all = new byte[(int) total];
        int p = 0;
        for (byte[] b : parts) { System.arraycopy(b, 0, all, p, b.length); p += b.length; }
        return all;
    }

    // ---- query API ----------------------------------------------------------------------------------------

    private void query(Req q) throws IOException {
        switch (q.endpoint) {
            case "engage": engage(q); break;
            case "engage/properties": engageProperties(q); break;
            case "engage/revenue": revenue(q); break;
            case "events/properties/top": eventPropertiesTop(q); break;
            case "events/names": eventNames(q); break;
            case "funnels": funnel(q); break;
            case "funnels/list": funnelList(q); break;
            case "annotations": legacyAnnotations(q); break;
            case "cohorts/list": cohortList(q); break;
            default: throw new ApiError(404, "not found");
        }
    }

    private static final Pattern SEEN_CLAUSE = Pattern.compile(
        "\\s*properties\\s*\\[\\s*\"\\$last_seen\"\\s*\\]\\s*(>=|<=|==|>|<)\\s*(?:\"([^\"]*)\"|datetime\\s*\\(\\s*(?:\"([^\"]*)\"|(-?\\d+))\\s*\\))\\s*");

    private void engage(Req q) throws IOException {
        List<String[]> seen = new ArrayList<>();
        String where = q.p("where");
        if (where != null && !where.isBlank()) {
            for (String clause : AND.split(where.trim())) {
                Matcher m = SEEN_CLAUSE.matcher(clause);
                if (!m.matches())
                    throw new ApiError(400, "unsupported where expression (the sandbox supports properties[\"$last_seen\"] "
                        + "compared with a \"yyyy-mm-ddThh:mm:ss\" string, clauses joined with 'and'): " + clause.trim());
                String v = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : Project.fmt(Long.parseLong(m.group(4)));
                seen.add(new String[] {m.group(1), v});
            }
        }
        Project.Cohort cohort = null;
        String fbc = q.p("filter_by_cohort");
        if (fbc != null && !fbc.isBlank()) {
            JsonNode n;
            try { n = JSON.readTree(fbc); } catch (IOException e) { n = null; }
            if (n == null || !n.isObject() || !n.has("id") || !n.get("id").canConvertToLong())
                throw new ApiError(400, "filter_by_cohort must be a JSON object like {\"id\": 1000}: " + fbc);
            long id = n.get("id").asLong();
            for (Project.Cohort c : project.cohorts) if (c.id == id) cohort = c;
            if (cohort == null) throw new ApiError(400, "cohort " + id + " does not exist");
        }
        Set<String> ids = null;
        if (q.p("distinct_id") != null && !q.p("distinct_id").isEmpty()) ids = Set.of(q.p("distinct_id"));
        if (q.p("distinct_ids") != null && !q.p("distinct_ids").isEmpty()) ids = jsonStringArray("distinct_ids", q.p("distinct_ids"));
        Set<String> output = q.p("output_properties") != null && !q.p("output_properties").isEmpty()
            ? jsonStringArray("output_properties", q.p("output_properties")) : null;
        int page = intParam(q, "page", 0, 0, Integer.MAX_VALUE);
        int pageSize = intParam(q, "page_size", 1000, 1, 100_000);
        String sid = sessionId(where, cohort, ids);
        String given = q.p("session_id");
        if (page > 0 && (given == null || given.isEmpty())) throw new ApiError(400, "session_id is required when page > 0");
        if (given != null && !given.isEmpty() && !given.equals(sid))
            throw new ApiError(400, "session_id is invalid or has expired (repeat the same filters as page 0)");

        List<Project.Profile> matched = new ArrayList<>();
        for (int i = 0; i < project.profiles.size(); i++) {
            Project.Profile p = project.profiles.get(i);
            if (cohort != null && !cohort.memberSet.get(i)) continue;
            if (ids != null && !ids.contains(p.distinctId)) continue;
            if (!seenMatches(p.lastSeen, seen)) continue;
            matched.add(p);
        }
        List<Object> results = new ArrayList<>();
        long from = (long) page * pageSize;
        for (long i = from; i < Math.min(matched.size(), from + pageSize); i++) {
            Project.Profile p = matched.get((int) i);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("$distinct_id", p.distinctId);
            Map<String, Object> props = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : p.props.entrySet())
                if (output == null || output.contains(e.getKey())) props.put(e.getKey(), e.getValue());
            r.put("$properties", props);
            results.add(r);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("page", page);
        m.put("page_size", pageSize);
        m.put("session_id", sid);
        m.put("status", "ok");
        if (page == 0) m.put("total", matched.size());
        m.put("results", results);
        sendJson(q, m);
    }

    private static boolean seenMatches(String v, List<String[]> clauses) {
        for (String[] c : clauses) {
            int cmp = v.compareTo(c[1]);
            boolean ok;
            switch (c[0]) {
                case ">=": ok = cmp >= 0; break;
                case ">": ok = cmp > 0; break;
                case "<=": ok = cmp <= 0; break;
                case "<": ok = cmp < 0; break;
                default: ok = cmp == 0; break;
            }
            if (!ok) return false;
        }
        return true;
    }

    /** Deterministic: the same filters on the same project always get the same session id. */
    private String sessionId(String where, Project.Cohort cohort, Set<String> ids) {
        String key = opt.seed + "|" + (where == null ? "" : where.trim()) + "|" + (cohort == null ? "" : cohort.id)
            + "|" + (ids == null ? "" : new java.util.TreeSet<>(ids));
        long h = Project.mix(opt.seed, key.hashCode());
        StringBuilder sb = new StringBuilder().append(1_700_000_000L + Math.floorMod(h, 100_000_000L)).append('-');
        long x = h >>> 20;
        for (int i = 0; i < 6; i++) { sb.append((char) ('A' + Math.floorMod(x, 26))); x /= 26; }
        return sb.toString();
    }

    private void engageProperties(Req q) throws IOException {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (Project.Profile p : project.profiles) {
            for (Map.Entry<String, Object> e : p.props.entrySet()) {
                counts.computeIfAbsent(e.getKey(), k -> new long[1])[0]++;
                types.putIfAbsent(e.getKey(), Project.profileType(e.getKey(), e.getValue()));
            }
        }
        int limit = intParam(q, "limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        List<String> names = new ArrayList<>(counts.keySet());
        names.sort(Comparator.comparingLong((String k) -> -counts.get(k)[0]).thenComparing(k -> k));
        Map<String, Object> results = new LinkedHashMap<>();
        for (String k : names) {
            if (results.size() >= limit) break;
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("count", counts.get(k)[0]);
            v.put("type", types.get(k));
            results.put(k, v);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("results", results);
        sendJson(q, m);
    }

    private void eventPropertiesTop(Req q) throws IOException {
        String event = q.p("event");
        long[] counts = new long[Project.PROP_NAMES.length];
        if (event == null || event.isEmpty()) {
            System.arraycopy(project.eventPropCounts, 0, counts, 0, counts.length);
        } else {
            int e = List.of(Project.EVENT_NAMES).indexOf(event);
            if (e >= 0) {
                for (Project.Day d : project.dayData) {
                    for (int i = 0; i < d.count; i++) if (d.name[i] == e) countLine(d, i, counts);
                }
            }
        }
        int limit = intParam(q, "limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) if (counts[i] > 0) ids.add(i);
        ids.sort(Comparator.comparingLong((Integer i) -> -counts[i]).thenComparing(i -> Project.PROP_NAMES[i]));
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i : ids) {
            if (m.size() >= limit) break;
            m.put(Project.PROP_NAMES[i], Map.of("count", counts[i]));
        }
        sendJson(q, m);
    }

    /** Counts the property keys of one event line (slow path for events/properties/top?event=). */
    private static void countLine(Project.Day d, int i, long[] counts) {
        String line = new String(d.raw, d.lineStart[i], d.lineStart[i + 1] - d.lineStart[i], StandardCharsets.UTF_8);
        try {
            JsonNode props = JSON.readTree(line).get("properties");
            for (Iterator<String> it = props.fieldNames(); it.hasNext(); ) {
                int id = List.of(Project.PROP_NAMES).indexOf(it.next());
                if (id >= 0) counts[id]++;
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void eventNames(Req q) throws IOException {
        int limit = intParam(q, "limit", 255, 1, Integer.MAX_VALUE);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < Project.EVENT_NAMES.length; i++) if (project.eventNameCounts[i] > 0) ids.add(i);
        ids.sort(Comparator.comparingLong((Integer i) -> -project.eventNameCounts[i]).thenComparing(i -> Project.EVENT_NAMES[i]));
        List<String> out = new ArrayList<>();
        for (int i : ids) if (out.size() < limit) out.add(Project.EVENT_NAMES[i]);
        sendJson(q, out);
    }

    private void funnelList(Req q) throws IOException {
        List<Object> out = new ArrayList<>();
        for (Project.Funnel f : project.funnels) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("funnel_id", f.id);
            m.put("name", f.name);
            out.add(m);
        }
        sendJson(q, out);
    }

    private void funnel(Req q) throws IOException {
        String fid = q.p("funnel_id");
        if (fid == null || fid.isEmpty()) throw new ApiError(400, "funnel_id is a required parameter");
        Project.Funnel funnel = null;
        for (Project.Funnel f : project.funnels) if (Long.toString(f.id).equals(fid.trim())) funnel = f;
        if (funnel == null) throw new ApiError(400, "funnel_id " + fid + " does not exist");
        LocalDate[] range = dateRange(q, "from_date", "to_date", true, true);
        int[] w = dayWindow(range);
        List<String> dates = new ArrayList<>();
        Map<String, Object> data = new LinkedHashMap<>();
        int steps = funnel.steps.length;
        long[] sum = new long[steps];
        long[] timeSum = new long[steps];
        for (int d = w[0]; d <= w[1]; d++) {
            String date = project.startDate.plusDays(d).toString();
            dates.add(date);
            long[] c = new long[steps];
            long[] t = new long[steps];
            for (int s = 0; s < steps; s++) {
                c[s] = funnel.counts[d][s];
                t[s] = funnel.avgTime[d][s];
                sum[s] += c[s];
                timeSum[s] += c[s] * t[s];
            }
            data.put(date, funnelDay(funnel, c, t));
        }
        if (!dates.isEmpty()) {
            long[] avg = new long[steps];
            for (int s = 0; s < steps; s++) avg[s] = sum[s] == 0 ? 0 : Math.round((double) timeSum[s] / sum[s]);
            data.put("$overall", funnelDay(funnel, sum, avg));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("meta", Map.of("dates", dates));
        m.put("data", data);
        sendJson(q, m);
    }

    private static Map<String, Object> funnelDay(Project.Funnel f, long[] counts, long[] avgTime) {
        List<Object> steps = new ArrayList<>();
        long fromStart = 0;
        int worst = 1;
        double worstRatio = Double.MAX_VALUE;
        for (int s = 0; s < counts.length; s++) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("count", counts[s]);
            if (s == 0) {
                st.put("avg_time", null);
                st.put("avg_time_from_start", null);
                st.put("step_conv_ratio", 1);
                st.put("overall_conv_ratio", 1);
            } else {
                fromStart += avgTime[s];
                double step = counts[s - 1] == 0 ? 0 : round4((double) counts[s] / counts[s - 1]);
                st.put("avg_time", avgTime[s]);
                st.put("avg_time_from_start", fromStart);
                st.put("step_conv_ratio", step);
                st.put("overall_conv_ratio", counts[0] == 0 ? 0 : round4((double) counts[s] / counts[0]));
                if (step < worstRatio) { worstRatio = step; worst = s; }
            }
            st.put("goal", f.steps[s]);
            st.put("event", f.steps[s]);
            steps.add(st);
        }
        Map<String, Object> analysis = new LinkedHashMap<>();
        analysis.put("completion", counts[counts.length - 1]);
        analysis.put("starting_amount", counts[0]);
        analysis.put("steps", counts.length);
        analysis.put("worst", worst);
        Map<String, Object> day = new LinkedHashMap<>();
        day.put("steps", steps);
        day.put("analysis", analysis);
        return day;
    }

    private static double round4(double v) { return Math.round(v * 10_000) / 10_000.0; }

    private void revenue(Req q) throws IOException {
        LocalDate[] range = dateRange(q, "from_date", "to_date", true, true);
        int[] w = dayWindow(range);
        Map<String, Object> results = new LinkedHashMap<>();
        long amount = 0, count = 0, paid = 0;
        for (int d = w[0]; d <= w[1]; d++) {
            Project.Revenue r = project.revenue.get(d);
            amount += r.amountCents;
            count += r.count;
            paid += r.paidCount;
        }
        if (w[0] <= w[1]) results.put("$overall", revenueEntry(amount, count, paid));
        for (int d = w[0]; d <= w[1]; d++) {
            Project.Revenue r = project.revenue.get(d);
            results.put(r.date.toString(), revenueEntry(r.amountCents, r.count, r.paidCount));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("computed_at", project.endDate + "T12:00:00.000000+00:00");
        m.put("status", "ok");
        m.put("results", results);
        sendJson(q, m);
    }

    private static Map<String, Object> revenueEntry(long cents, long count, long paid) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("amount", cents / 100.0);
        e.put("count", count);
        e.put("paid_count", paid);
        return e;
    }

    private List<Project.Annotation> annotationsIn(LocalDate[] range) {
        List<Project.Annotation> out = new ArrayList<>();
        for (Project.Annotation a : project.annotations)
            if (range == null || (!a.day.isBefore(range[0]) && !a.day.isAfter(range[1]))) out.add(a);
        return out;
    }

    private void legacyAnnotations(Req q) throws IOException {
        LocalDate[] range = dateRange(q, "from_date", "to_date", false, true);
        List<Object> list = new ArrayList<>();
        for (Project.Annotation a : annotationsIn(range)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", a.id);
            m.put("project_id", opt.projectId);
            m.put("date", a.date);
            m.put("description", a.description);
            list.add(m);
        }
        sendJson(q, Map.of("annotations", list));
    }

    private void cohortList(Req q) throws IOException {
        List<Object> out = new ArrayList<>();
        for (Project.Cohort c : project.cohorts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", c.members.size());
            m.put("is_visible", 1);
            m.put("description", c.description);
            m.put("created", c.created);
            m.put("project_id", opt.projectId);
            m.put("id", c.id);
            m.put("name", c.name);
            out.add(m);
        }
        sendJson(q, out);
    }

    // ---- app API ------------------------------------------------------------------------------------------

    private void app(Req q) throws IOException {
        String ep = q.endpoint;
        if (ep.equals("me")) { me(q); return; }
        String rest = ep.substring(ep.indexOf('/', "projects/".length()) + 1);
        if (rest.equals("annotations")) { appAnnotations(q); return; }
        String[] parts = rest.split("/", 3);
        String type = parts.length > 1 ? parts[1] : null;
        String name = parts.length > 2 ? URLDecoder.decode(parts[2], StandardCharsets.UTF_8) : null;
        List<Object> results = new ArrayList<>();
        if (type == null || type.equals("event")) {
            for (int e : SCHEMA_EVENTS) if (name == null || name.equals(Project.EVENT_NAMES[e])) results.add(eventSchema(e));
        }
        if ((type == null || type.equals("profile")) && (name == null || name.equals("$user"))) results.add(profileSchema());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("results", results);
        sendJson(q, m);
    }

    private void me(Req q) throws IOException {
        Map<String, Object> project = new LinkedHashMap<>();
        project.put("name", "Sandbox Project");
        project.put("timezone", opt.timezone.getId());
        project.put("domain", "mixpanel.com");
        project.put("organization_id", 100);
        project.put("cluster_name", "primary");
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("id", 7);
        results.put("name", opt.serviceAccountUser);
        results.put("email", opt.serviceAccountUser + "@serviceaccount.mixpanel.com");
        results.put("projects", Map.of(Long.toString(opt.projectId), project));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("results", results);
        sendJson(q, m);
    }

    private void appAnnotations(Req q) throws IOException {
        LocalDate[] range = dateRange(q, "fromDate", "toDate", false, false);
        List<Object> list = new ArrayList<>();
        for (Project.Annotation a : annotationsIn(range)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", a.id);
            m.put("date", a.date);
            m.put("description", a.description);
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("id", a.userId);
            user.put("first_name", a.firstName);
            user.put("last_name", a.lastName);
            m.put("user", user);
            List<Object> tags = new ArrayList<>();
            for (String t : a.tags) {
                Map<String, Object> tag = new LinkedHashMap<>();
                tag.put("id", 3);
                tag.put("name", t);
                tags.add(tag);
            }
            m.put("tags", tags);
            list.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("results", list);
        sendJson(q, m);
    }

    private static Object schemaType(Object t) {
        return t instanceof String[] ? List.of((String[]) t) : t;
    }

    private Map<String, Object> eventSchema(int e) {
        Map<String, Object> props = new LinkedHashMap<>();
        for (int p : Project.EVENT_PROPS[e]) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("type", schemaType(Project.PROP_TYPES[p]));
            d.put("description", "The " + Project.PROP_NAMES[p].replace('_', ' ') + " of the event");
            props.put(Project.PROP_NAMES[p], d);
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", "http://json-schema.org/draft-07/schema");
        schema.put("description", "Tracked when a user does '" + Project.EVENT_NAMES[e] + "'.");
        schema.put("properties", props);
        Map<String, Object> mp = new LinkedHashMap<>();
        mp.put("displayName", Project.EVENT_NAMES[e]);
        mp.put("tags", e == 4 || e == 3 ? List.of("commerce") : List.of());
        mp.put("hidden", false);
        mp.put("dropped", false);
        schema.put("metadata", Map.of("com.mixpanel", mp));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entityType", "event");
        m.put("name", Project.EVENT_NAMES[e]);
        m.put("schemaJson", schema);
        return m;
    }

    private Map<String, Object> profileSchema() {
        Map<String, Object> props = new LinkedHashMap<>();
        for (Project.Profile p : project.profiles) {
            for (Map.Entry<String, Object> e : p.props.entrySet()) {
                if (props.containsKey(e.getKey())) continue;
                Object v = e.getValue();
                String t = v instanceof Boolean ? "boolean" : v instanceof Integer || v instanceof Long ? "integer"
                    : v instanceof Number ? "number" : v instanceof List ? "array" : v instanceof Map ? "object" : "string";
                props.put(e.getKey(), Map.of("type", t));
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", "http://json-schema.org/draft-07/schema");
        schema.put("properties", props);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entityType", "profile");
        m.put("name", "$user");
        m.put("schemaJson", schema);
        return m;
    }

}
