package io.tapmixpanel.sandbox;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The app API under {@code /api/app/} (docs/sandbox.md "Endpoints"): {@code me} (with the project's workspaces),
 * the workspace list, the Lexicon schemas of the project, its annotations (the newer format, with user and tags),
 * and the data-governance routes of {@link GovernanceApi}.
 */
final class AppApi {
    /**
     * The events that have a Lexicon schema, in the order of {@link EventTable#EVENTS}, with their Lexicon
     * tags; like real projects, not every event has one.
     */
    private static final Map<String, List<String>> LEXICON_TAGS = Map.of(
        "Added To Cart", List.of("commerce"), "Purchase", List.of("commerce"), "Signed Up", List.of(), "Played Video", List.of());

    private final SandboxOptions opt;
    private final Project project;
    private final Governance gov;
    private final GovernanceApi governance;
    /** The schema registry's size, counted on first use (the profile schema walks every profile). */
    private volatile int schemaCount = -1;

    AppApi(SandboxOptions opt, Project project, Governance gov) {
        this.opt = opt;
        this.project = project;
        this.gov = gov;
        this.governance = new GovernanceApi(opt, gov);
    }

    void serve(Request q) throws IOException {
        String ep = q.endpoint;
        if (ep.equals("me")) { me(q); return; }
        if (GovernanceApi.route(ep + "/") != null) { governance.serve(q); return; }
        String rest = ep.substring(ep.indexOf('/', "projects/".length()) + 1);
        if (rest.equals("annotations")) { annotations(q); return; }
        if (rest.equals("workspaces/public")) { publicWorkspaces(q); return; }
        schemas(q, rest);
    }

    /** The query API's {@code data_definitions/events} and {@code data_definitions/properties}: the same Lexicon. */
    void lexiconDefinitions(Request q) throws IOException { governance.serveQueryApi(q); }

    /** What {@code /sandbox/stats} reports of the governance streams. */
    Map<String, Object> governanceCounts() {
        if (schemaCount < 0) schemaCount = schemaList(null, null).size();
        return governance.counts(!opt.noGovernance, schemaCount);
    }

    /** {@code schemas}, {@code schemas/event}, {@code schemas/profile}, {@code schemas/custom_event}, {@code schemas/{type}/{name}}. */
    private void schemas(Request q, String rest) throws IOException {
        String[] parts = rest.split("/", 3);
        String type = parts.length > 1 ? parts[1] : null;
        String name = parts.length > 2 ? URLDecoder.decode(parts[2], StandardCharsets.UTF_8) : null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("results", schemaList(type, name));
        Responses.json(q, m);
    }

    private List<Object> schemaList(String type, String name) {
        List<Object> results = new ArrayList<>();
        if (type == null || type.equals("event")) {
            for (int e = 0; e < EventTable.EVENT_NAMES.length; e++) {
                String event = EventTable.EVENT_NAMES[e];
                if (LEXICON_TAGS.containsKey(event) && (name == null || name.equals(event))) results.add(eventSchema(e));
            }
        }
        if ((type == null || type.equals("profile")) && (name == null || name.equals("$user"))) results.add(profileSchema());
        if (type == null || type.equals("custom_event")) {
            for (Map<String, Object> c : gov.customEvents) {
                if (name != null && !name.equals(c.get("name"))) continue;
                Map<String, Object> schema = new LinkedHashMap<>();
                schema.put("$schema", "http://json-schema.org/draft-07/schema");
                schema.put("description", c.get("description"));
                schema.put("properties", Map.of());
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("entityType", "custom_event");
                s.put("name", c.get("name"));
                s.put("schemaJson", schema);
                results.add(s);
            }
        }
        return results;
    }

    /** The workspaces anyone in the project may open: the restricted ones are left out. */
    private void publicWorkspaces(Request q) throws IOException {
        List<Object> list = new ArrayList<>();
        for (Map<String, Object> w : gov.workspaces) if (!Boolean.TRUE.equals(w.get("is_restricted"))) list.add(w);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("results", list);
        Responses.json(q, m);
    }

    private void me(Request q) throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", "Sandbox Project");
        p.put("timezone", opt.timezone.getId());
        p.put("domain", "mixpanel.com");
        p.put("organization_id", opt.organizationId);
        p.put("cluster_name", "primary");
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("id", 7);
        results.put("name", opt.serviceAccountUser);
        results.put("email", opt.serviceAccountUser + "@serviceaccount.mixpanel.com");
        results.put("projects", Map.of(Long.toString(opt.projectId), p));
        Map<String, Object> workspaces = new LinkedHashMap<>();
        for (Map<String, Object> w : gov.workspaces) workspaces.put(w.get("id").toString(), w);
        results.put("workspaces", workspaces);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("results", results);
        Responses.json(q, m);
    }

    private void annotations(Request q) throws IOException {
        LocalDate[] range = q.dateRange("fromDate", "toDate", false);
        List<Object> list = new ArrayList<>();
        for (Project.Annotation a : project.annotationsIn(range)) {
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
        Responses.json(q, m);
    }

    private static Map<String, Object> eventSchema(int e) {
        String event = EventTable.EVENT_NAMES[e];
        Map<String, Object> props = new LinkedHashMap<>();
        for (int id : EventTable.OWN_PROPERTIES[e]) {
            EventTable.PropertySpec p = EventTable.PROPERTIES[id];
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("type", p.type().schema());
            d.put("description", "The " + p.name().replace('_', ' ') + " of the event");
            props.put(p.name(), d);
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", "http://json-schema.org/draft-07/schema");
        schema.put("description", "Tracked when a user does '" + event + "'.");
        schema.put("properties", props);
        Map<String, Object> mp = new LinkedHashMap<>();
        mp.put("displayName", event);
        mp.put("tags", LEXICON_TAGS.get(event));
        mp.put("hidden", false);
        mp.put("dropped", false);
        schema.put("metadata", Map.of("com.mixpanel", mp));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entityType", "event");
        m.put("name", event);
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
