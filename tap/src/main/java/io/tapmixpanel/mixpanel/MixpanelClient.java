package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * Mixpanel's HTTP APIs as the streams and discovery need them: auth, region hosts, retries with backoff, rate
 * limits, error messages that say what to fix, and the streaming raw-export reader. Knows nothing of Singer or of
 * the tap's config files. Thread-safe: one client serves every stream, requests may run in parallel.
 *
 * <p>{@code project_id} goes on export and query requests only for a service account: that is what Mixpanel
 * requires, and a project secret already names its project (sending an id that does not match it could only
 * turn a working config into a 403). App API paths carry the project id for both kinds of credentials.
 */
public final class MixpanelClient implements AutoCloseable {
    private static final int IO_BUFFER = 64 * 1024;
    private static final int ERROR_BODY_LIMIT = 64 * 1024;
    private static final ContentType FORM = ContentType.create("application/x-www-form-urlencoded", StandardCharsets.UTF_8);

    private final ClientSettings settings;
    private final HttpListener listener;
    private final RequestLimiter limiter;
    private final CloseableHttpClient http;
    private final String authorization;

    public MixpanelClient(ClientSettings settings) {
        this(settings, HttpListener.NOOP);
    }

    public MixpanelClient(ClientSettings settings, HttpListener listener) {
        this.settings = settings;
        this.listener = listener == null ? HttpListener.NOOP : listener;
        this.limiter = new RequestLimiter(settings.maxConcurrentRequests());
        this.authorization = settings.credentials().authorizationHeader();
        Timeout timeout = Timeout.of(settings.requestTimeout());
        int pool = settings.maxConcurrentRequests();
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(pool)
                .setMaxConnPerRoute(pool)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout)
                        .setSocketTimeout(timeout)
                        .build())
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(Http1Config.custom().setBufferSize(IO_BUFFER).build())
                        .build())
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(timeout)
                        .setConnectionRequestTimeout(timeout)
                        .build())
                .setUserAgent(settings.userAgent())
                // Retries, gzip and redirects are the client's own business: retries need the limiter and the
                // log, gzip is decoded with a large buffer, and a redirect must not carry the credentials away.
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    public ClientSettings settings() { return settings; }

    /** True when the credentials know the project id (service account, or project secret with project_id). */
    public boolean hasProjectId() { return settings.credentials().knownProjectId().isPresent(); }

    @Override
    public void close() {
        http.close(CloseMode.IMMEDIATE);
    }

    // ------------------------------------------------------------------------------------------------ export

    /**
     * Streams one export window into {@code consumer}; returns normally only when the whole body was read.
     * A body cut short (terminated early, truncated record, reset, timeout) or malformed is discarded
     * ({@link ExportConsumer#discardAttempt}) and fetched again. When retries run out: a
     * {@link MixpanelApiException} saying the window was cut short N times, or an {@link ExportFormatException}
     * naming the window and the line.
     */
    public void export(ExportQuery q, ExportConsumer consumer) {
        Map<String, String> params = serviceAccountParams();
        params.put("from_date", q.from().toString());
        params.put("to_date", q.to().toString());
        if (!q.events().isEmpty()) params.put("event", json(q.events()));
        q.where().ifPresent(w -> params.put("where", w));
        ApiRequest req = new ApiRequest(ApiFamily.EXPORT, "GET", settings.exportRoot(), "/api/2.0/export", params,
                Map.of(), "export", "export " + q.window(), q.gzip());
        int[] cutShort = {0};
        execute(req, (body, attempt) -> {
            consumer.beginAttempt(attempt);
            try {
                long events = ExportReader.read(body, consumer);
                Log.debug("%s", req.label() + ": " + events + " events");
                return null;
            } catch (ExportReader.AttemptFailed f) {
                consumer.discardAttempt(f.reason);
                if (f.kind == ExportReader.AttemptFailed.Kind.CUT_SHORT) {
                    int times = ++cutShort[0];
                    throw new RetryableFailure("response cut short: " + f.reason, Optional.empty(),
                            attempts -> new MixpanelApiException(req.label() + ": the response was cut short "
                                    + times + " times (last: " + f.reason + "); gave up after " + attempts
                                    + " attempts", 0, "", req.describe(), f));
                }
                throw new RetryableFailure("malformed line " + f.line + " (" + f.reason + ")", Optional.empty(),
                        attempts -> new ExportFormatException(req.label() + ": line " + f.line
                                + " of the response is not a valid event (" + f.reason + "); still so after "
                                + attempts + " attempts", q.from(), q.to(), f.line, req.describe(), f));
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ engage

    /** One page of profiles: POST form-encoded to {@code /api/2.0/engage} ({@code project_id} in the query). */
    public EngagePage engage(EngageQuery q) {
        Map<String, String> form = new LinkedHashMap<>();
        q.where().ifPresent(w -> form.put("where", w));
        if (!q.outputProperties().isEmpty()) form.put("output_properties", json(q.outputProperties()));
        q.sessionId().ifPresent(s -> form.put("session_id", s));
        form.put("page", Integer.toString(q.page()));
        q.pageSize().ifPresent(n -> form.put("page_size", Integer.toString(n)));
        q.filterByCohort().ifPresent(id -> form.put("filter_by_cohort", "{\"id\":" + id + "}"));
        String label = "engage page " + q.page()
                + (q.filterByCohort().isPresent() ? " of cohort " + q.filterByCohort().getAsLong() : "");
        ApiRequest req = new ApiRequest(ApiFamily.QUERY, "POST", settings.apiRoot(), "/api/2.0/engage",
                serviceAccountParams(), form, "engage", label, true);
        JsonNode n = requireObject(req, fetchJson(req));
        JsonNode results = n.path("results");
        if (!results.isArray()) throw unexpected(req, "no results array");
        List<ObjectNode> profiles = new ArrayList<>(results.size());
        for (JsonNode r : results) {
            if (r instanceof ObjectNode o) profiles.add(o);
        }
        JsonNode session = n.get("session_id");
        JsonNode total = n.get("total");
        return new EngagePage(
                n.path("page").asInt(q.page()),
                n.path("page_size").asInt(q.pageSize().orElse(1000)),
                session != null && !session.isNull() && !session.asText().isEmpty() ? Optional.of(session.asText()) : q.sessionId(),
                total != null && total.canConvertToLong() ? OptionalLong.of(total.asLong()) : OptionalLong.empty(),
                profiles);
    }

    /** Profile property name → reported type ({@code string, number, boolean, datetime, object, list}); "string" when none is reported. */
    public Map<String, String> engageProperties() {
        ApiRequest req = query("engage/properties", "/api/2.0/engage/properties", Map.of("limit", "2000"), "engage properties");
        JsonNode results = requireObject(req, fetchJson(req)).path("results");
        if (!results.isObject()) throw unexpected(req, "no results object");
        Map<String, String> types = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = results.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            types.put(e.getKey(), e.getValue().path("type").asText("string"));
        }
        return types;
    }

    /** Event property names across all events ({@code events/properties/top?limit=2000}). */
    public List<String> topEventProperties() {
        ApiRequest req = query("events/properties/top", "/api/2.0/events/properties/top", Map.of("limit", "2000"), "event properties");
        JsonNode n = requireObject(req, fetchJson(req));
        List<String> names = new ArrayList<>(n.size());
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Event names ({@code events/names?type=general&limit=255}). */
    public List<String> eventNames() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("type", "general");
        p.put("limit", "255");
        ApiRequest req = query("events/names", "/api/2.0/events/names", p, "event names");
        JsonNode n = fetchJson(req);
        if (!n.isArray()) throw unexpected(req, "not a JSON array");
        List<String> names = new ArrayList<>(n.size());
        for (JsonNode e : n) names.add(e.asText());
        return names;
    }

    // ------------------------------------------------------------------------------------------------ app API

    /** Lexicon schemas of the project ({@code /api/app/projects/{id}/schemas}); empty when no project id is known. */
    public List<LexiconSchema> lexiconSchemas() {
        OptionalLong project = settings.credentials().knownProjectId();
        if (project.isEmpty()) return List.of();
        ApiRequest req = new ApiRequest(ApiFamily.LEXICON, "GET", settings.appRoot(),
                "/api/app/projects/" + project.getAsLong() + "/schemas", Map.of(), Map.of(), "schemas", "lexicon schemas", true);
        JsonNode results = requireObject(req, fetchJson(req)).path("results");
        if (!results.isArray()) throw unexpected(req, "no results array");
        List<LexiconSchema> schemas = new ArrayList<>(results.size());
        for (JsonNode r : results) {
            JsonNode schema = r.get("schemaJson");
            schemas.add(new LexiconSchema(r.path("entityType").asText(""), r.path("name").asText(""),
                    schema instanceof ObjectNode o ? o : MixpanelJson.MAPPER.createObjectNode()));
        }
        return schemas;
    }

    /**
     * The configured project as {@code /api/app/me} describes it; empty when no project id is known or the
     * account does not list it. HTTP errors propagate (a project secret may well get 401 here).
     */
    public Optional<ProjectInfo> me() {
        OptionalLong project = settings.credentials().knownProjectId();
        if (project.isEmpty()) return Optional.empty();
        ApiRequest req = new ApiRequest(ApiFamily.APP, "GET", settings.appRoot(), "/api/app/me", Map.of(), Map.of(),
                "me", "project info", false);
        JsonNode p = requireObject(req, fetchJson(req)).path("results").path("projects").path(Long.toString(project.getAsLong()));
        if (!p.isObject()) return Optional.empty();
        return Optional.of(new ProjectInfo(project.getAsLong(), p.path("name").asText(""),
                p.path("timezone").asText(""), p.path("domain").asText("")));
    }

    /**
     * Annotations of the inclusive date range: from the app API v2 when a project id is known (it has user and
     * tags), else from the legacy {@code /api/2.0/annotations}. Every field is kept.
     */
    public List<Annotation> annotations(LocalDate from, LocalDate to) {
        OptionalLong project = settings.credentials().knownProjectId();
        if (project.isPresent() && settings.credentials() instanceof Credentials.ProjectSecret) {
            // A project secret may not be accepted by the app API: then the legacy endpoint still answers.
            try {
                return annotations(from, to, project);
            } catch (MixpanelApiException e) {
                if (e.status() != 401 && e.status() != 403) throw e;
                Log.info("annotations v2 refused the project secret (HTTP %d): using the legacy endpoint", e.status());
                return annotations(from, to, OptionalLong.empty());
            }
        }
        return annotations(from, to, project);
    }

    private List<Annotation> annotations(LocalDate from, LocalDate to, OptionalLong project) {
        ApiRequest req;
        String arrayField;
        if (project.isPresent()) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("fromDate", from.toString());
            p.put("toDate", to.toString());
            req = new ApiRequest(ApiFamily.APP, "GET", settings.appRoot(),
                    "/api/app/projects/" + project.getAsLong() + "/annotations", p, Map.of(), "annotations",
                    "annotations " + from + ".." + to, false);
            arrayField = "results";
        } else {
            req = query("annotations", "/api/2.0/annotations", dateRange(from, to), "annotations " + from + ".." + to);
            arrayField = "annotations";
        }
        JsonNode array = requireObject(req, fetchJson(req)).path(arrayField);
        if (!array.isArray()) throw unexpected(req, "no " + arrayField + " array");
        List<Annotation> out = new ArrayList<>(array.size());
        for (JsonNode a : array) {
            if (a instanceof ObjectNode o) out.add(new Annotation(o));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ query API

    /** Saved funnels ({@code funnels/list}). */
    public List<Funnel> funnels() {
        ApiRequest req = query("funnels/list", "/api/2.0/funnels/list", Map.of(), "funnel list");
        JsonNode n = fetchJson(req);
        if (!n.isArray()) throw unexpected(req, "not a JSON array");
        List<Funnel> out = new ArrayList<>(n.size());
        for (JsonNode f : n) out.add(new Funnel(f.path("funnel_id").asLong(), f.path("name").asText("")));
        return out;
    }

    /** One funnel by day over the inclusive range, in date order, without the {@code $overall} summary. */
    public List<FunnelDay> funnel(long funnelId, LocalDate from, LocalDate to) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("funnel_id", Long.toString(funnelId));
        p.put("unit", "day");
        p.putAll(dateRange(from, to));
        ApiRequest req = query("funnels", "/api/2.0/funnels", p, "funnel " + funnelId + " " + from + ".." + to);
        JsonNode data = requireObject(req, fetchJson(req)).path("data");
        if (data.isMissingNode() || data.isNull()) return List.of();
        if (!data.isObject()) throw unexpected(req, "data is not an object");
        TreeMap<LocalDate, JsonNode> days = byDay(req, data);
        List<FunnelDay> out = new ArrayList<>(days.size());
        days.forEach((date, day) -> out.add(new FunnelDay(date, day.path("steps"), day.path("analysis"))));
        return out;
    }

    /** Revenue by day ({@code engage/revenue?unit=day}), in date order, without {@code $overall}. */
    public List<RevenueDay> revenue(LocalDate from, LocalDate to) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("unit", "day");
        p.putAll(dateRange(from, to));
        ApiRequest req = query("engage/revenue", "/api/2.0/engage/revenue", p, "revenue " + from + ".." + to);
        JsonNode results = requireObject(req, fetchJson(req)).path("results");
        if (results.isMissingNode() || results.isNull()) return List.of();
        if (!results.isObject()) throw unexpected(req, "results is not an object");
        TreeMap<LocalDate, JsonNode> days = byDay(req, results);
        List<RevenueDay> out = new ArrayList<>(days.size());
        days.forEach((date, day) -> out.add(new RevenueDay(date, day.path("amount"), day.path("count"), day.path("paid_count"))));
        return out;
    }

    /** Cohorts ({@code cohorts/list}) with every field Mixpanel sent. */
    public List<Cohort> cohorts() {
        ApiRequest req = query("cohorts/list", "/api/2.0/cohorts/list", Map.of(), "cohort list");
        JsonNode n = fetchJson(req);
        if (!n.isArray()) throw unexpected(req, "not a JSON array");
        List<Cohort> out = new ArrayList<>(n.size());
        for (JsonNode c : n) {
            if (c instanceof ObjectNode o) out.add(new Cohort(o));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    private Map<String, String> serviceAccountParams() {
        Map<String, String> p = new LinkedHashMap<>();
        if (settings.credentials() instanceof Credentials.ServiceAccount sa) {
            p.put("project_id", Long.toString(sa.projectId()));
        }
        return p;
    }

    private ApiRequest query(String endpoint, String path, Map<String, String> params, String label) {
        Map<String, String> p = serviceAccountParams();
        p.putAll(params);
        return new ApiRequest(ApiFamily.QUERY, "GET", settings.apiRoot(), path, p, Map.of(), endpoint, label, false);
    }

    private static Map<String, String> dateRange(LocalDate from, LocalDate to) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("from_date", from.toString());
        p.put("to_date", to.toString());
        return p;
    }

    private static TreeMap<LocalDate, JsonNode> byDay(ApiRequest req, JsonNode object) {
        TreeMap<LocalDate, JsonNode> days = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("$")) continue; // $overall: a summary, not a day
            try {
                days.put(LocalDate.parse(e.getKey()), e.getValue());
            } catch (DateTimeParseException notADay) {
                Log.warning("%s", req.label() + ": ignoring key '" + e.getKey() + "', not a yyyy-mm-dd day");
            }
        }
        return days;
    }

    private static String json(Object value) {
        try {
            return MixpanelJson.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode requireObject(ApiRequest req, JsonNode n) {
        if (!n.isObject()) throw unexpected(req, "not a JSON object");
        return n;
    }

    private static MixpanelApiException unexpected(ApiRequest req, String what) {
        return new MixpanelApiException(req.label() + ": unexpected response from " + req.describe() + ": " + what,
                200, "", req.describe());
    }

    /** GETs (or POSTs) a small JSON document; a body cut short is retried like any transient failure. */
    private JsonNode fetchJson(ApiRequest req) {
        return execute(req, (body, attempt) -> {
            try {
                JsonNode n = MixpanelJson.MAPPER.readTree(body);
                if (n == null || n.isMissingNode()) throw unexpected(req, "empty body");
                return n;
            } catch (JsonEOFException e) {
                throw new RetryableFailure("response cut short (" + e.getOriginalMessage() + ")", Optional.empty(),
                        attempts -> new MixpanelApiException(req.label() + ": the response was cut short on every one of "
                                + attempts + " attempts", 200, "", req.describe(), e));
            } catch (JsonProcessingException e) {
                throw new MixpanelApiException(req.label() + ": the response of " + req.describe()
                        + " is not valid JSON: " + e.getOriginalMessage(), 200, "", req.describe(), e);
            }
        });
    }

    /** What to do with a 2xx body. IOExceptions thrown here count as transport failures and are retried. */
    @FunctionalInterface
    private interface BodyHandler<T> {
        T handle(InputStream body, int attempt) throws IOException, RetryableFailure;
    }

    /** A transient failure of one attempt: its cause for the log, an optional server-imposed wait, the final error. */
    private static final class RetryableFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final String cause;
        final Optional<Duration> retryAfter;
        final IntFunction<MixpanelApiException> exhausted;

        RetryableFailure(String cause, Optional<Duration> retryAfter, IntFunction<MixpanelApiException> exhausted) {
            super(cause, null, false, false);
            this.cause = cause;
            this.retryAfter = retryAfter;
            this.exhausted = exhausted;
        }
    }

    /**
     * Runs one request under the limiter, retrying transient failures with backoff until the policy says stop.
     * Non-2xx bodies are read (bounded) for their error text; 2xx bodies go to {@code handler}. Any attempt that
     * does not end normally aborts its connection, so a 300 MB body is never drained just to be dropped.
     */
    private <T> T execute(ApiRequest req, BodyHandler<T> handler) {
        RetryPolicy policy = settings.retryPolicy();
        long waitedNanos = 0;
        for (int attempt = 1; ; attempt++) {
            RetryableFailure failure;
            try {
                limiter.acquire(req.family());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(req, e);
            }
            HttpUriRequestBase request = toHttp(req);
            ClassicHttpResponse response = null;
            boolean complete = false;
            int status = 0;
            long started = System.nanoTime();
            try {
                response = http.executeOpen(null, request, null);
                status = response.getCode();
                if (status >= 200 && status < 300) {
                    T result = handler.handle(openBody(response.getEntity()), attempt);
                    EntityUtils.consume(response.getEntity()); // what is left is at most whitespace: keep the connection
                    complete = true;
                    return result;
                }
                String apiMessage = ApiErrors.errorText(readErrorBody(response.getEntity()));
                if (!isTransient(status)) {
                    throw ApiErrors.forStatus(req, status, apiMessage, settings.credentials());
                }
                failure = statusFailure(req, status, apiMessage, retryAfter(response));
            } catch (RetryableFailure f) {
                failure = f;
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) throw interrupted(req, e);
                if (!HttpFailures.isTransient(e)) {
                    throw new MixpanelApiException(req.label() + ": cannot reach " + req.host() + " ("
                            + HttpFailures.describe(e) + "); check `region` and the base URL settings", 0, "",
                            req.describe(), e);
                }
                failure = transportFailure(req, e);
            } finally {
                if (status > 0) listener.onResponse(req.endpoint(), status, System.nanoTime() - started);
                if (!complete) request.cancel();
                if (response != null) {
                    try {
                        response.close();
                    } catch (IOException | RuntimeException ignored) {
                        // the connection was aborted on purpose
                    }
                }
                limiter.release(req.family());
            }

            int failed = attempt;
            Duration wait = failure.retryAfter.orElseGet(() -> policy.backoff(failed));
            if (attempt >= policy.maxAttempts() || waitedNanos + wait.toNanos() > policy.maxTotalWait().toNanos()) {
                throw failure.exhausted.apply(attempt);
            }
            Log.warning("%s", req.label() + ": " + failure.cause + ", retry " + attempt + "/"
                    + (policy.maxAttempts() - 1) + " in " + humanDuration(wait));
            listener.onRetry(req.endpoint(), failure.cause, attempt, wait);
            try {
                Thread.sleep(wait.toMillis(), wait.toNanosPart() % 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(req, e);
            }
            waitedNanos += wait.toNanos();
        }
    }

    private HttpUriRequestBase toHttp(ApiRequest req) {
        HttpUriRequestBase r = new HttpUriRequestBase(req.method(), req.uri());
        r.setHeader("Authorization", authorization);
        if (req.family() != ApiFamily.EXPORT) r.setHeader("Accept", "application/json");
        if (req.acceptGzip()) r.setHeader("Accept-Encoding", "gzip");
        if (!req.form().isEmpty()) r.setEntity(new StringEntity(ApiRequest.formBody(req.form()), FORM));
        return r;
    }

    private static InputStream openBody(HttpEntity entity) throws IOException {
        if (entity == null) return InputStream.nullInputStream();
        InputStream content = entity.getContent();
        if (content == null) return InputStream.nullInputStream();
        String encoding = entity.getContentEncoding();
        if (encoding != null) {
            String e = encoding.trim().toLowerCase(Locale.ROOT);
            if (e.equals("gzip") || e.equals("x-gzip")) return new LazyGzipStream(content);
        }
        return content;
    }

    private static String readErrorBody(HttpEntity entity) {
        if (entity == null) return "";
        try {
            InputStream in = openBody(entity);
            byte[] bytes = in.readNBytes(ERROR_BODY_LIMIT);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean isTransient(int status) {
        return status == 429 || status == 408 || (status >= 500 && status != 501 && status != 505);
    }

    private RetryableFailure statusFailure(ApiRequest req, int status, String apiMessage, Optional<Duration> retryAfter) {
        String what = switch (status) {
            case 429 -> "HTTP 429 rate limited";
            case 408 -> "HTTP 408 request timeout";
            case 502 -> "HTTP 502 bad gateway";
            case 503 -> "HTTP 503 service unavailable";
            case 504 -> "HTTP 504 gateway timeout";
            default -> "HTTP " + status + " server error";
        };
        String cause = what + (apiMessage.isEmpty() ? "" : " (" + shorten(apiMessage, 200) + ")");
        return new RetryableFailure(cause, retryAfter, attempts -> new MixpanelApiException(req.label() + ": "
                + what + " from " + req.describe() + (apiMessage.isEmpty() ? "" : ": " + apiMessage)
                + "; still failing after " + attempts + " attempts", status, apiMessage, req.describe()));
    }

    private static RetryableFailure transportFailure(ApiRequest req, IOException e) {
        String cause = HttpFailures.describe(e);
        return new RetryableFailure(cause, Optional.empty(), attempts -> new MixpanelApiException(req.label() + ": "
                + cause + " (" + req.host() + "); still failing after " + attempts + " attempts", 0, "",
                req.describe(), e));
    }

    private static MixpanelApiException interrupted(ApiRequest req, Exception e) {
        return new MixpanelApiException(req.label() + ": interrupted", 0, "", req.describe(), e);
    }

    /** Retry-After in seconds or as an HTTP date, with a little jitter on top so parallel workers spread out. */
    static Optional<Duration> retryAfter(ClassicHttpResponse response) {
        Header h = response.getFirstHeader("Retry-After");
        if (h == null || h.getValue() == null) return Optional.empty();
        String v = h.getValue().trim();
        Duration d;
        try {
            d = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
        if (d.isNegative()) d = Duration.ZERO;
        long jitterMax = Math.min(d.toMillis() / 10, 1000);
        return Optional.of(jitterMax > 0 ? d.plusMillis(ThreadLocalRandom.current().nextLong(jitterMax + 1)) : d);
    }

    private static String humanDuration(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) return d.toMillis() + " ms";
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
