package io.tapmixpanel.sandbox;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The data-governance routes of the app API (docs/sandbox.md "Data governance"), each under
 * {@code /api/app/projects/{id}/} and {@code /api/app/workspaces/{id}/}, with the trailing slash Mixpanel's
 * routes have (without it: 404). Whole lists, no paging, from {@link Governance}. The Lexicon's events and
 * properties are also served by the query API's {@code data_definitions} routes, which Mixpanel's own client reads
 * on large projects, whose App API joins Mixpanel's gateway kills after about 120 s ({@code --lexicon-app-timeout-ms}).
 */
final class GovernanceApi {
    static final String EVENTS = "data-definitions/events/";
    static final String PROPERTIES = "data-definitions/properties/";
    static final String TAGS = "data-definitions/tags/";
    static final String DROP_FILTERS = "data-definitions/events/drop-filters/";
    static final String CUSTOM_PROPERTIES = "custom_properties/";
    static final String LOOKUP_TABLES = "data-definitions/lookup-tables/";
    static final String ENFORCEMENT = "data-definitions/schema/";
    static final String ANOMALIES = "data-definitions/data-volume-anomalies/";
    static final String DELETIONS = "data-definitions/events/deletion-requests/";
    private static final Set<String> ROUTES = Set.of(EVENTS, PROPERTIES, TAGS, DROP_FILTERS, CUSTOM_PROPERTIES, LOOKUP_TABLES,
        ENFORCEMENT, ANOMALIES, DELETIONS);
    /** {@code projects|workspaces}, the id, the route. */
    private static final Pattern SCOPED = Pattern.compile("(projects|workspaces)/([^/]+)/(.+)");
    private static final Pattern SCHEMAS = Pattern.compile("projects/[^/]+/schemas(/.*)?");

    private final SandboxOptions opt;
    private final Governance gov;

    GovernanceApi(SandboxOptions opt, Governance gov) {
        this.opt = opt;
        this.gov = gov;
    }

    /** The route of a path under {@code /api/app/} (as sent, trailing slash and all), or null when it is none of these. */
    static String route(String rawPath) {
        Matcher m = SCOPED.matcher(rawPath);
        return m.matches() && ROUTES.contains(m.group(3)) ? m.group(3) : null;
    }

    /** Whether an app API endpoint (trailing slash trimmed) is one a plan without governance is refused: these and the schema registry. */
    static boolean isGovernance(String endpoint) {
        return SCHEMAS.matcher(endpoint).matches() || route(endpoint + "/") != null;
    }

    void serve(Request q) throws IOException {
        String route = route(q.endpoint + "/");
        Object results;
        switch (route) {
            case EVENTS: {
                String custom = q.p("custom_event");
                if (custom != null && !custom.equals("true") && !custom.equals("false"))
                    throw new ApiError(400, "custom_event must be true or false: '" + custom + "'");
                if (!"true".equals(custom)) gatewayDeadline();
                results = "true".equals(custom) ? gov.customEvents : gov.lexiconEvents;
                break;
            }
            case PROPERTIES: {
                gatewayDeadline();
                results = properties(q);
                break;
            }
            case TAGS: results = gov.tags; break;
            case DROP_FILTERS: results = gov.dropFilters; break;
            case CUSTOM_PROPERTIES: results = gov.customProperties; break;
            case LOOKUP_TABLES: results = gov.lookupTables; break;
            case ENFORCEMENT:
                if (gov.enforcement == null) throw new ApiError(404, "No schema enforcement is configured for this project");
                results = gov.enforcement;
                break;
            case ANOMALIES: results = Map.of("anomalies", gov.anomalies); break;
            case DELETIONS: results = gov.deletionRequests; break;
            default: throw new IllegalStateException("unrouted " + route);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("results", results);
        Responses.json(q, m);
    }

    /**
     * {@code /api/query/data_definitions/events} and {@code .../properties?resourceType=Event|User}: the same
     * definitions as the App routes, for a service account (the data view in {@code workspace_id}, when given, must
     * be one of the project's), counted against the query API's hourly limit like any query call.
     */
    void serveQueryApi(Request q) throws IOException {
        if (!q.serviceAccount) throw new ApiError(401, "Unable to authenticate request: this endpoint requires a service account");
        String workspace = q.p("workspace_id");
        if (workspace != null && !gov.hasWorkspace(workspace.trim())) throw new ApiError(403, "You do not have access to workspace " + workspace);
        if (opt.noGovernance) throw new ApiError(403, "Your plan does not include this feature: upgrade to use data governance");
        Object results = q.endpoint.equals("data_definitions/events") ? gov.lexiconEvents : properties(q);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("results", results);
        Responses.json(q, m);
    }

    private Object properties(Request q) {
        String type = q.p("resourceType");
        // Mixpanel reads resourceType only (resource_type is ignored); without it, event properties
        if (type == null || type.equals("Event")) return gov.eventProperties;
        if (type.equals("User")) return gov.userProperties;
        throw new ApiError(400, "resourceType must be one of Event, User: '" + type + "'");
    }

    /** {@code --lexicon-app-timeout-ms}: the App route's join runs past the gateway's deadline, which answers 504. */
    private void gatewayDeadline() {
        if (opt.lexiconAppTimeoutMs <= 0) return;
        try {
            Thread.sleep(opt.lexiconAppTimeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new ApiError(504, "Gateway Time-out");
    }

    /** What a sync of each governance stream gets, by stream name (docs/sandbox.md "Ground truth"). */
    Map<String, Object> counts(boolean planHasGovernance, int schemas) {
        Map<String, Object> m = new LinkedHashMap<>();
        int k = planHasGovernance ? 1 : 0;
        m.put("lexicon_events", k * gov.lexiconEvents.size());
        m.put("lexicon_properties", k * (gov.eventProperties.size() + gov.userProperties.size()));
        m.put("lexicon_tags", k * gov.tags.size());
        m.put("schemas", k * schemas);
        m.put("custom_properties", k * gov.customProperties.size());
        m.put("custom_events", k * gov.customEvents.size());
        m.put("drop_filters", k * gov.dropFilters.size());
        m.put("lookup_tables", k * gov.lookupTables.size());
        m.put("schema_enforcement", gov.enforcement == null ? 0 : k);
        m.put("data_volume_anomalies", k * gov.anomalies.size());
        m.put("deletion_requests", k * gov.deletionRequests.size());
        m.put("group_profiles", gov.groupProfileCount());
        Map<String, Object> perGroup = new LinkedHashMap<>();
        for (Map.Entry<Long, List<Project.Profile>> e : gov.groupProfiles.entrySet()) perGroup.put(Long.toString(e.getKey()), e.getValue().size());
        m.put("group_profiles_per_group", perGroup);
        return m;
    }
}
