package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.http.ApiErrors;
import io.tapmixpanel.mixpanel.http.ApiFamily;
import io.tapmixpanel.mixpanel.http.ApiRequest;
import io.tapmixpanel.mixpanel.http.MixpanelJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The app API's data-governance side (docs/streams.md "Governance streams"): the Lexicon schema registry, whose few calls
 * discovery and the schemas stream share, and the governance listings under the workspace or project scope
 * picked once per client.
 */
final class GovernanceEndpoints {
    private final ApiCalls calls;
    private final ProjectEndpoints projectInfo;
    private final AtomicReference<List<ObjectNode>> schemaRegistry = new AtomicReference<>();
    private final AtomicReference<MixpanelApiException> schemaRegistryRefused = new AtomicReference<>();
    private final AtomicReference<String> governanceScope = new AtomicReference<>();
    /** Set once an App API Lexicon read failed server-side: the run's later Lexicon reads go to the query API. */
    private final AtomicBoolean lexiconFromQueryApi = new AtomicBoolean();

    GovernanceEndpoints(ApiCalls calls, ProjectEndpoints projectInfo) {
        this.calls = calls;
        this.projectInfo = projectInfo;
    }

    /**
     * Lexicon schemas of the project ({@code /api/app/projects/{id}/schemas}); empty without a service account, the
     * only credential the route accepts (a project secret is not even sent: it would get 401).
     */
    List<LexiconSchema> lexiconSchemas() {
        if (!(calls.credentials() instanceof Credentials.ServiceAccount)) return List.of();
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
    List<ObjectNode> schemaRegistry() {
        MixpanelApiException refused = schemaRegistryRefused.get();
        if (refused != null) throw refused;
        try {
            return ApiCalls.kept(schemaRegistry, this::fetchSchemaRegistry);
        } catch (MixpanelApiException e) {
            // A plan or role without the registry stays so for the run: asking again would only spend its scarce calls.
            if (e.status() == 402 || e.status() == 403 || e.status() == 404) schemaRegistryRefused.compareAndSet(null, e);
            throw e;
        }
    }

    private List<ObjectNode> fetchSchemaRegistry() {
        long project = calls.settings.credentials().knownProjectId().orElseThrow(
                () -> new IllegalStateException("the schema registry needs a project id"));
        ApiRequest req = ApiRequest.get(ApiFamily.LEXICON, calls.settings.appRoot(), "/api/app/projects/" + project + "/schemas")
                .endpoint("schemas").label("lexicon schemas").acceptGzip(true);
        JsonNode results = calls.fetchObject(req).path("results");
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
     * as a double). A one-object route answering no object ({@code results} missing, null or {@code {}}) has no
     * item. Every HTTP error propagates: schema enforcement's 404 for "none configured" is told apart from a
     * missing route by its stream (docs/streams.md "Governance streams"); a 403 (plan without the feature) or other
     * 404 (route missing) is for the caller to skip the stream.
     */
    List<ObjectNode> governance(GovernanceRoute route) {
        String path = governanceScope() + "/" + route.path;
        ApiRequest req = ApiRequest.get(ApiFamily.APP, calls.settings.appRoot(), path).query(route.query)
                .endpoint(route.path.substring(0, route.path.length() - 1))
                .label(route.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).acceptGzip(true);
        if (route.queryApiPath.isPresent()) return items(req, route, lexiconResults(req, route));
        return items(req, route, calls.fetchObject(req).path("results"));
    }

    /**
     * The {@code results} of a Lexicon read (docs/streams.md "Governance streams"). Mixpanel's gateway kills an App
     * API request after about 120 s, and the Lexicon's joins on a large project are what it kills: Mixpanel's own
     * client reads such lists through the query API's {@code data_definitions} routes instead. So the App route is
     * given one attempt (a retry would only be killed again); when it times out or fails as a server does (5xx, 429,
     * a cut connection), that read and every later Lexicon read of the run go to the query API, with its retries.
     * Not the query API always: Mixpanel's client still lists definitions through the App routes and only moved its
     * large per-event join, it types the query route's rows by their {@code name} alone, and the query route counts
     * against the query API's hourly budget, which the App routes do not.
     */
    private JsonNode lexiconResults(ApiRequest appRequest, GovernanceRoute route) {
        if (!lexiconFromQueryApi.get()) {
            try {
                return calls.fetchObjectOnce(appRequest).path("results");
            } catch (MixpanelApiException e) {
                if (!serverSideFailure(e)) throw e;
                if (lexiconFromQueryApi.compareAndSet(false, true)) {
                    Log.warning("%s failed (%s): the Lexicon is read through the query API's data_definitions routes "
                            + "for the rest of the run (docs/streams.md \"Governance streams\")", appRequest.describe(), e.getMessage());
                }
            }
        }
        ApiRequest req = ApiRequest.get(ApiFamily.QUERY, calls.settings.apiRoot(), "/api/query/" + route.queryApiPath.orElseThrow())
                .query(lexiconQueryParams()).query(route.query)
                .endpoint(route.queryApiPath.orElseThrow())
                .label(route.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " (query API)").acceptGzip(true);
        return calls.fetchObject(req).path("results");
    }

    /** A failure of the server's (or of the way to it), not of the request: a timeout, a cut connection, 429, 5xx. */
    private static boolean serverSideFailure(MixpanelApiException e) {
        return e.status() == 0 || e.status() == 408 || e.status() == 429 || e.status() >= 500;
    }

    /**
     * {@code project_id} and {@code workspace_id}, as Mixpanel's client sends them: the workspace the App routes
     * read ({@link #governanceScope()}), so both routes give the same workspace's definitions; none for project paths.
     */
    private Map<String, String> lexiconQueryParams() {
        Map<String, String> p = new LinkedHashMap<>(calls.serviceAccountParams());
        String scope = governanceScope();
        String workspaces = "/api/app/workspaces/";
        if (scope.startsWith(workspaces)) p.put("workspace_id", scope.substring(workspaces.length()));
        return p;
    }

    private static List<ObjectNode> items(ApiRequest req, GovernanceRoute route, JsonNode results) {
        JsonNode items = switch (route.shape) {
            case LIST -> results;
            case ANOMALIES -> results.path("anomalies");
            case ONE -> {
                if (results.isMissingNode() || results.isNull() || (results.isObject() && results.isEmpty())) {
                    yield MixpanelJson.MAPPER.createArrayNode();
                }
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
    String governanceScope() {
        return ApiCalls.kept(governanceScope, this::resolveGovernanceScope);
    }

    private String resolveGovernanceScope() {
        long project = calls.settings.credentials().knownProjectId().orElseThrow(
                () -> new IllegalStateException("the governance routes need a project id"));
        if (calls.settings.workspaceId().isPresent()) return "/api/app/workspaces/" + calls.settings.workspaceId().getAsLong();
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
            OptionalLong fromMe = globalIn(projectInfo.meResults().path("workspaces"), OptionalLong.of(project));
            if (fromMe.isPresent()) return fromMe;
        } catch (MixpanelApiException e) {
            if (e.credentialsRefused()) throw e;
            Log.debug("/api/app/me failed: %s", e.getMessage());
        }
        ApiRequest req = ApiRequest.get(ApiFamily.APP, calls.settings.appRoot(), "/api/app/projects/" + project + "/workspaces/public")
                .endpoint("workspaces/public").label("workspace list");
        try {
            // Listed under one project: an item naming no project is that project's.
            return globalIn(calls.fetchObject(req).path("results"), OptionalLong.empty());
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
}
