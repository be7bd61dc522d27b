package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.log.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Mixpanel's HTTP APIs as the streams and discovery need them, one method per endpoint: each builds its
 * {@link ApiRequest}, hands it to the {@link HttpTransport} (auth, region hosts, limits, retries, error messages
 * that say what to fix) and maps the answer to the package's records; export streams through the byte-level
 * {@link ExportReader}. Knows nothing of Singer or of the tap's config files. Thread-safe: one client serves
 * every stream, requests may run in parallel.
 *
 * <p>{@code project_id} goes on export and query requests only for a service account: that is what Mixpanel
 * requires, and a project secret already names its project (sending an id that does not match it could only
 * turn a working config into a 403). App API paths carry the project id for both kinds of credentials.
 */
public final class MixpanelClient implements AutoCloseable {
    private final ClientSettings settings;
    private final HttpTransport transport;
    private final AtomicReference<List<Funnel>> funnels = new AtomicReference<>();
    private final AtomicReference<List<Cohort>> cohorts = new AtomicReference<>();
    private final AtomicReference<JsonNode> meResults = new AtomicReference<>();
    private final AtomicReference<List<ObjectNode>> schemaRegistry = new AtomicReference<>();
    private final AtomicReference<MixpanelApiException> schemaRegistryRefused = new AtomicReference<>();
    private final AtomicReference<String> governanceScope = new AtomicReference<>();

    public MixpanelClient(ClientSettings settings, HttpListener listener) {
        this.settings = settings;
        this.transport = new HttpTransport(settings, listener);
    }

    /** True when the credentials know the project id (service account, or project secret with project_id). */
    public boolean hasProjectId() { return settings.credentials().knownProjectId().isPresent(); }

    /** True for a service account, the only credential the governance routes accept (docs/streams.md "Governance streams"). */
    public boolean hasServiceAccount() { return settings.credentials() instanceof Credentials.ServiceAccount; }

    @Override
    public void close() {
        transport.close();
    }

    // ------------------------------------------------------------------------------------------------ export

    /**
     * Streams one export window into {@code consumer}; returns normally only when the whole body was read.
     * A body cut short (terminated early, truncated record, reset, timeout) or malformed is discarded
     * ({@link ExportConsumer#discardAttempt}) and fetched again. When retries run out: a
     * {@link MixpanelApiException} saying the window was cut short N times, or an {@link ExportFormatException}
     * naming the window and the line. A {@link ExportQuery#splittable() splittable} window cut short
     * {@link ExportQuery#CUTS_BEFORE_SPLIT} times (or as often as the retries allow) ends with an
     * {@link ExportCutShortException} instead, for the caller to fetch its halves.
     */
    public void export(ExportQuery q, ExportConsumer consumer) {
        ApiRequest req = exportRequest(q, Map.of()).label("export " + q.window());
        transport.execute(req, exportBody(req, q, consumer));
    }

    /**
     * At most one event of the window ({@code limit=1}), read and thrown away: the cheapest export call that
     * proves the credentials, the export host and the filters (README "Command line", {@code --test}). Returns
     * how many events came (0 or 1).
     */
    public long exportSample(ExportQuery q) {
        ApiRequest req = exportRequest(q, Map.of("limit", "1")).label("export sample " + q.window());
        long[] events = {0};
        transport.execute(req, exportBody(req, q, new ExportConsumer() {
            @Override
            public void beginAttempt(int attempt) { events[0] = 0; }

            @Override
            public void onEvent(ExportEvent event) { events[0]++; }

            @Override
            public void discardAttempt(String reason) { events[0] = 0; }
        }));
        return events[0];
    }

    private ApiRequest exportRequest(ExportQuery q, Map<String, String> extra) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("from_date", q.from().toString());
        params.put("to_date", q.to().toString());
        if (!q.events().isEmpty()) params.put("event", json(q.events()));
        q.where().ifPresent(w -> params.put("where", w));
        params.putAll(extra);
        return ApiRequest.get(ApiFamily.EXPORT, settings.exportRoot(), "/api/2.0/export")
                .query(serviceAccountParams()).query(params)
                .endpoint("export").acceptGzip(q.gzip());
    }

    /**
     * Reads one attempt's body into {@code consumer}. A body cut short or malformed is discarded and becomes a
     * retryable failure; when the retries run out, the cut-short one says how many times it happened and the
     * malformed one names the window and the line.
     */
    private static HttpTransport.BodyHandler<Void> exportBody(ApiRequest req, ExportQuery q, ExportConsumer consumer) {
        int[] cutShort = {0};
        return (body, attempt) -> {
            consumer.beginAttempt(attempt);
            try {
                long events = ExportReader.read(body, consumer);
                Log.debug("%s", req.label() + ": " + events + " events");
                return null;
            } catch (ExportReader.AttemptFailed f) {
                consumer.discardAttempt(f.reason);
                if (f.kind == ExportReader.AttemptFailed.Kind.CUT_SHORT) {
                    int times = ++cutShort[0];
                    // A long window that keeps ending early is cheaper to fetch in halves than to retry whole.
                    if (q.splittable() && times >= ExportQuery.CUTS_BEFORE_SPLIT) {
                        throw new ExportCutShortException(req.label() + ": the response was cut short " + times
                                + " times (last: " + f.reason + ")", req.describe(), f);
                    }
                    throw new HttpTransport.RetryableFailure("response cut short: " + f.reason, Optional.empty(),
                            attempts -> q.splittable()
                                    ? new ExportCutShortException(req.label() + ": the response was cut short "
                                            + times + " times (last: " + f.reason + ")", req.describe(), f)
                                    : new MixpanelApiException(req.label() + ": the response was cut short "
                                    + times + " times (last: " + f.reason + "); gave up after " + attempts
                                    + " attempts", 0, "", req.describe(), f));
                }
                cutShort[0] = 0; // "in a row": a malformed body is a different trouble
                throw new HttpTransport.RetryableFailure("malformed line " + f.line + " (" + f.reason + ")", Optional.empty(),
                        attempts -> new ExportFormatException(req.label() + ": line " + f.line
                                + " of the response is not a valid event (" + f.reason + "); still so after "
                                + attempts + " attempts", q.from(), q.to(), f.line, req.describe(), f));
            }
        };
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
        q.dataGroupId().ifPresent(id -> form.put("data_group_id", Long.toString(id)));
        String label = "engage page " + q.page()
                + (q.filterByCohort().isPresent() ? " of cohort " + q.filterByCohort().getAsLong() : "")
                + (q.dataGroupId().isPresent() ? " of group key " + q.dataGroupId().getAsLong() : "");
        ApiRequest req = ApiRequest.post(ApiFamily.QUERY, settings.apiRoot(), "/api/2.0/engage")
                .query(queryApiParams()).form(form)
                .endpoint("engage").label(label).acceptGzip(true).sessionFollowUp(q.sessionId().isPresent());
        return transport.execute(req, (body, attempt) -> engagePage(req, q, body.readAllBytes()));
    }

    /**
     * Reads an engage body's page fields and counts its profiles in one streaming pass, without building them: the
     * profiles are parsed from the kept bytes when the page is written ({@link EngagePage#results()}). The pass checks
     * the whole body, so a body cut short is retried and one that is not valid JSON fails here, as for any answer.
     */
    private static EngagePage engagePage(ApiRequest req, EngageQuery q, byte[] body) throws HttpTransport.RetryableFailure {
        JsonNode page = null;
        JsonNode pageSize = null;
        JsonNode session = null;
        JsonNode total = null;
        JsonNode notArray = null;
        int profiles = -1;
        int resultsField = -1; // which "results" field counts: the last one, as in a tree of the body
        try (JsonParser p = MixpanelJson.MAPPER.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) throw ApiErrors.unexpected(req, "empty body");
            if (first != JsonToken.START_OBJECT) {
                p.skipChildren(); // invalid or cut-short JSON is reported as such first
                throw ApiErrors.unexpected(req, "not a JSON object");
            }
            for (int field = 0; p.nextToken() == JsonToken.FIELD_NAME; field++) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("results") && value == JsonToken.START_ARRAY) {
                    int n = 0;
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        if (t == JsonToken.START_OBJECT) n++; // anything else in the array is not a profile
                        p.skipChildren();
                    }
                    profiles = n;
                    resultsField = field;
                    notArray = null;
                    continue;
                }
                JsonNode v = MixpanelJson.MAPPER.readTree(p);
                switch (name) {
                    case "results" -> notArray = v;
                    case "page" -> page = v;
                    case "page_size" -> pageSize = v;
                    case "session_id" -> session = v;
                    case "total" -> total = v;
                    default -> { }
                }
            }
        } catch (JsonEOFException e) {
            throw new HttpTransport.RetryableFailure("response cut short (" + e.getOriginalMessage() + ")", Optional.empty(),
                    attempts -> new MixpanelApiException(req.label() + ": the response was cut short on every one of "
                            + attempts + " attempts", 200, "", req.describe(), e));
        } catch (JsonProcessingException e) {
            throw new MixpanelApiException(req.label() + ": the response of " + req.describe()
                    + " is not valid JSON: " + e.getOriginalMessage(), 200, "", req.describe(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to read
        }
        if (notArray != null || profiles < 0) throw ApiErrors.unexpected(req, "no results array");
        int field = resultsField;
        int size = profiles;
        return EngagePage.parsedWhenRead(
                page == null ? q.page() : page.asInt(q.page()),
                pageSize == null ? q.pageSize().orElse(1000) : pageSize.asInt(q.pageSize().orElse(1000)),
                session != null && !session.isNull() && !session.asText().isEmpty() ? Optional.of(session.asText()) : q.sessionId(),
                total != null && total.canConvertToLong() ? OptionalLong.of(total.asLong()) : OptionalLong.empty(),
                size, () -> profiles(body, field, size));
    }

    /** The profile objects of the {@code field}-th top-level field of a body {@link #engagePage} has checked. */
    private static List<ObjectNode> profiles(byte[] body, int field, int size) {
        List<ObjectNode> out = new ArrayList<>(size);
        try (JsonParser p = MixpanelJson.MAPPER.createParser(body)) {
            p.nextToken();
            for (int f = 0; f < field; f++) {
                p.nextToken();
                p.nextToken();
                p.skipChildren();
            }
            p.nextToken();
            p.nextToken();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT) out.add(MixpanelJson.MAPPER.readTree(p));
                else p.skipChildren();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("engage body changed after it was checked", e);
        }
        return out;
    }

    /** Profile property name → reported type ({@code string, number, boolean, datetime, object, list}); "string" when none is reported. */
    public Map<String, String> engageProperties() {
        ApiRequest req = queryApi("/api/2.0/engage/properties").query("limit", "2000")
                .endpoint("engage/properties").label("engage properties");
        JsonNode results = requireObject(req, transport.fetchJson(req)).path("results");
        if (!results.isObject()) throw ApiErrors.unexpected(req, "no results object");
        Map<String, String> types = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = results.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            types.put(e.getKey(), e.getValue().path("type").asText("string"));
        }
        return types;
    }

    /** Event property names across all events ({@code events/properties/top?limit=2000}). */
    public List<String> topEventProperties() {
        ApiRequest req = queryApi("/api/2.0/events/properties/top").query("limit", "2000")
                .endpoint("events/properties/top").label("event properties");
        JsonNode n = requireObject(req, transport.fetchJson(req));
        List<String> names = new ArrayList<>(n.size());
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // ------------------------------------------------------------------------------------------------ app API

    /** Lexicon schemas of the project ({@code /api/app/projects/{id}/schemas}); empty when no project id is known. */
    public List<LexiconSchema> lexiconSchemas() {
        if (!hasProjectId()) return List.of();
        List<ObjectNode> raw = schemaRegistry();
        List<LexiconSchema> schemas = new ArrayList<>(raw.size());
        for (ObjectNode r : raw) {
            JsonNode schema = r.get("schemaJson");
            schemas.add(new LexiconSchema(r.path("entityType").asText(""), r.path("name").asText(""),
                    schema instanceof ObjectNode o ? o : MixpanelJson.MAPPER.createObjectNode()));
        }
        return schemas;
    }

    /**
     * The schema registry's entries as Mixpanel sent them ({@code {entityType, name, schemaJson}}), kept for the
     * client's life (one run): discovery's export typing and the schemas stream share one of its scarce calls
     * (5 per minute, {@link ApiFamily#LEXICON}). A 402, 403 or 404 is kept too and thrown again. Needs a project id.
     */
    public List<ObjectNode> schemaRegistry() {
        MixpanelApiException refused = schemaRegistryRefused.get();
        if (refused != null) throw refused;
        try {
            return kept(schemaRegistry, this::fetchSchemaRegistry);
        } catch (MixpanelApiException e) {
            // A plan or role without the registry stays so for the run: asking again would only spend its scarce calls.
            if (e.status() == 402 || e.status() == 403 || e.status() == 404) schemaRegistryRefused.compareAndSet(null, e);
            throw e;
        }
    }

    private List<ObjectNode> fetchSchemaRegistry() {
        long project = settings.credentials().knownProjectId().orElseThrow(
                () -> new IllegalStateException("the schema registry needs a project id"));
        ApiRequest req = ApiRequest.get(ApiFamily.LEXICON, settings.appRoot(), "/api/app/projects/" + project + "/schemas")
                .endpoint("schemas").label("lexicon schemas").acceptGzip(true);
        JsonNode results = requireObject(req, transport.fetchJson(req)).path("results");
        if (!results.isArray()) throw ApiErrors.unexpected(req, "no results array");
        List<ObjectNode> out = new ArrayList<>(results.size());
        for (JsonNode r : results) {
            if (r instanceof ObjectNode o) out.add(o);
        }
        return List.copyOf(out);
    }

    /**
     * The items of one governance listing (docs/streams.md "Governance streams") as Mixpanel sent them, read under
     * {@link #governanceScope()}. Integers keep every digit (Jackson reads them as int, long or BigInteger, never
     * as a double). Schema enforcement answers 404 when none is configured: no item. Any other HTTP error
     * propagates, a 403 (plan without the feature) or 404 (route missing) for the caller to skip the stream.
     */
    public List<ObjectNode> governance(GovernanceRoute route) {
        String path = governanceScope() + "/" + route.path;
        ApiRequest req = ApiRequest.get(ApiFamily.APP, settings.appRoot(), path).query(route.query)
                .endpoint(route.path.substring(0, route.path.length() - 1))
                .label(route.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).acceptGzip(true);
        JsonNode results;
        try {
            results = requireObject(req, transport.fetchJson(req)).path("results");
        } catch (MixpanelApiException e) {
            if (route.shape == GovernanceRoute.Shape.ONE && e.status() == 404) return List.of();
            throw e;
        }
        JsonNode items = switch (route.shape) {
            case LIST -> results;
            case ANOMALIES -> results.path("anomalies");
            case ONE -> {
                if (results.isMissingNode() || results.isNull()) yield MixpanelJson.MAPPER.createArrayNode();
                if (!results.isObject()) throw ApiErrors.unexpected(req, "results is not an object");
                yield MixpanelJson.MAPPER.createArrayNode().add(results);
            }
        };
        if (!items.isArray()) {
            throw ApiErrors.unexpected(req, route.shape == GovernanceRoute.Shape.ANOMALIES ? "no results.anomalies array" : "no results array");
        }
        List<ObjectNode> out = new ArrayList<>(items.size());
        for (JsonNode i : items) {
            if (i instanceof ObjectNode o) out.add(o);
        }
        return out;
    }

    /**
     * The path prefix of the governance routes, decided once per client (docs/streams.md "Governance streams"):
     * {@code /api/app/workspaces/{workspace_id}} when workspace_id is set; else the project's global workspace,
     * from {@code /api/app/me} or else the project's public workspace list; else {@code /api/app/projects/{id}}.
     */
    public String governanceScope() {
        return kept(governanceScope, this::resolveGovernanceScope);
    }

    private String resolveGovernanceScope() {
        long project = settings.credentials().knownProjectId().orElseThrow(
                () -> new IllegalStateException("the governance routes need a project id"));
        if (settings.workspaceId().isPresent()) return "/api/app/workspaces/" + settings.workspaceId().getAsLong();
        OptionalLong global = globalWorkspace(project);
        if (global.isPresent()) {
            Log.info("governance streams read workspace %d, the project's global workspace (set workspace_id to pin one)",
                    global.getAsLong());
            return "/api/app/workspaces/" + global.getAsLong();
        }
        Log.info("no global workspace found for project %d: governance streams read the project's paths", project);
        return "/api/app/projects/" + project;
    }

    private OptionalLong globalWorkspace(long project) {
        try {
            OptionalLong fromMe = globalIn(meResults().path("workspaces"), OptionalLong.of(project));
            if (fromMe.isPresent()) return fromMe;
        } catch (MixpanelApiException e) {
            if (e.credentialsRefused()) throw e;
            Log.debug("/api/app/me failed: %s", e.getMessage());
        }
        ApiRequest req = ApiRequest.get(ApiFamily.APP, settings.appRoot(), "/api/app/projects/" + project + "/workspaces/public")
                .endpoint("workspaces/public").label("workspace list");
        try {
            // Listed under one project: an item naming no project is that project's.
            return globalIn(requireObject(req, transport.fetchJson(req)).path("results"), OptionalLong.empty());
        } catch (MixpanelApiException e) {
            if (e.credentialsRefused()) throw e;
            Log.debug("%s failed: %s", req.describe(), e.getMessage());
            return OptionalLong.empty();
        }
    }

    /**
     * The id of the global workspace among {@code workspaces} (an object keyed by id, or a list); with
     * {@code project}, only one of that project.
     */
    static OptionalLong globalIn(JsonNode workspaces, OptionalLong project) {
        for (JsonNode w : workspaces) {
            if (!w.path("is_global").asBoolean(false) || !w.path("id").canConvertToLong()) continue;
            if (project.isPresent() && !(w.path("project_id").canConvertToLong()
                    && w.path("project_id").asLong() == project.getAsLong())) continue;
            return OptionalLong.of(w.path("id").asLong());
        }
        return OptionalLong.empty();
    }

    /** {@code results} of {@code /api/app/me}, kept for the client's life (timezone lookup and governance scope share it). */
    private JsonNode meResults() {
        return kept(meResults, () -> {
            ApiRequest req = ApiRequest.get(ApiFamily.APP, settings.appRoot(), "/api/app/me")
                    .endpoint("me").label("project info");
            return requireObject(req, transport.fetchJson(req)).path("results");
        });
    }

    /**
     * The configured project as {@code /api/app/me} describes it; empty when no project id is known or the
     * account does not list it. HTTP errors propagate (a project secret may well get 401 here).
     */
    public Optional<ProjectInfo> me() {
        OptionalLong project = settings.credentials().knownProjectId();
        if (project.isEmpty()) return Optional.empty();
        JsonNode p = meResults().path("projects").path(Long.toString(project.getAsLong()));
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
            req = ApiRequest.get(ApiFamily.APP, settings.appRoot(), "/api/app/projects/" + project.getAsLong() + "/annotations")
                    .query(p);
            arrayField = "results";
        } else {
            req = queryApi("/api/2.0/annotations").query(dateRange(from, to));
            arrayField = "annotations";
        }
        req = req.endpoint("annotations").label("annotations " + from + ".." + to);
        JsonNode array = requireObject(req, transport.fetchJson(req)).path(arrayField);
        if (!array.isArray()) throw ApiErrors.unexpected(req, "no " + arrayField + " array");
        List<Annotation> out = new ArrayList<>(array.size());
        for (JsonNode a : array) {
            if (a instanceof ObjectNode o) out.add(new Annotation(o));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ query API

    /**
     * Saved funnels ({@code funnels/list}). The answer is kept for the client's life (one run): the plan logged before
     * syncing and the funnels stream read it once. A failure is not kept.
     */
    public List<Funnel> funnels() {
        return kept(funnels, this::fetchFunnels);
    }

    private List<Funnel> fetchFunnels() {
        ApiRequest req = queryApi("/api/2.0/funnels/list").endpoint("funnels/list").label("funnel list");
        JsonNode n = transport.fetchJson(req);
        if (!n.isArray()) throw ApiErrors.unexpected(req, "not a JSON array");
        List<Funnel> out = new ArrayList<>(n.size());
        for (JsonNode f : n) out.add(new Funnel(f.path("funnel_id").asLong(), f.path("name").asText("")));
        return List.copyOf(out);
    }

    /** One funnel by day over the inclusive range, in date order, without the {@code $overall} summary. */
    public List<FunnelDay> funnel(long funnelId, LocalDate from, LocalDate to) {
        ApiRequest req = queryApi("/api/2.0/funnels")
                .query("funnel_id", Long.toString(funnelId)).query("unit", "day").query(dateRange(from, to))
                .endpoint("funnels").label("funnel " + funnelId + " " + from + ".." + to);
        JsonNode data = requireObject(req, transport.fetchJson(req)).path("data");
        if (data.isMissingNode() || data.isNull()) return List.of();
        if (!data.isObject()) throw ApiErrors.unexpected(req, "data is not an object");
        TreeMap<LocalDate, JsonNode> days = byDay(req, data);
        List<FunnelDay> out = new ArrayList<>(days.size());
        days.forEach((date, day) -> out.add(new FunnelDay(date, day.path("steps"), day.path("analysis"))));
        return out;
    }

    /** Revenue by day ({@code engage/revenue?unit=day}), in date order, without {@code $overall}. */
    public List<RevenueDay> revenue(LocalDate from, LocalDate to) {
        ApiRequest req = queryApi("/api/2.0/engage/revenue").query("unit", "day").query(dateRange(from, to))
                .endpoint("engage/revenue").label("revenue " + from + ".." + to);
        JsonNode results = requireObject(req, transport.fetchJson(req)).path("results");
        if (results.isMissingNode() || results.isNull()) return List.of();
        if (!results.isObject()) throw ApiErrors.unexpected(req, "results is not an object");
        TreeMap<LocalDate, JsonNode> days = byDay(req, results);
        List<RevenueDay> out = new ArrayList<>(days.size());
        days.forEach((date, day) -> out.add(new RevenueDay(date, day.path("amount"), day.path("count"), day.path("paid_count"))));
        return out;
    }

    /**
     * Cohorts ({@code cohorts/list}) with every field Mixpanel sent, kept for the client's life (one run) like
     * {@link #funnels()}: the plan, cohorts and cohort_members share one answer.
     */
    public List<Cohort> cohorts() {
        return kept(cohorts, this::fetchCohorts);
    }

    /** An answer read once per client: the kept answer, else a fetched one (kept unless fetching failed). */
    private static <T> T kept(AtomicReference<T> answer, Supplier<T> fetch) {
        T known = answer.get();
        if (known != null) return known;
        T fetched = fetch.get();
        answer.compareAndSet(null, fetched);
        return answer.get();
    }

    private List<Cohort> fetchCohorts() {
        ApiRequest req = queryApi("/api/2.0/cohorts/list").endpoint("cohorts/list").label("cohort list");
        JsonNode n = transport.fetchJson(req);
        if (!n.isArray()) throw ApiErrors.unexpected(req, "not a JSON array");
        List<Cohort> out = new ArrayList<>(n.size());
        for (JsonNode c : n) {
            if (c instanceof ObjectNode o) out.add(new Cohort(o));
        }
        return List.copyOf(out);
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    private Map<String, String> serviceAccountParams() {
        if (settings.credentials() instanceof Credentials.ServiceAccount sa) {
            return Map.of("project_id", Long.toString(sa.projectId()));
        }
        return Map.of();
    }

    /**
     * {@code project_id} and, when set, the Data Views {@code workspace_id}, for a service account's query-API
     * calls (not export's: Mixpanel asks it of query calls only); nothing for a project secret.
     */
    private Map<String, String> queryApiParams() {
        Map<String, String> p = serviceAccountParams();
        if (p.isEmpty() || settings.workspaceId().isEmpty()) return p;
        Map<String, String> all = new LinkedHashMap<>(p);
        all.put("workspace_id", Long.toString(settings.workspaceId().getAsLong()));
        return all;
    }

    /** A GET of the query API, {@code project_id} (and {@code workspace_id}) first when the credentials need them. */
    private ApiRequest queryApi(String path) {
        return ApiRequest.get(ApiFamily.QUERY, settings.apiRoot(), path).query(queryApiParams());
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
        if (!n.isObject()) throw ApiErrors.unexpected(req, "not a JSON object");
        return n;
    }
}
