package io.tapmixpanel.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The project's data-governance metadata (docs/sandbox.md "Data governance"), generated once from the project
 * and the seed: its workspaces, the Lexicon of its own events and properties, tags, custom properties and events,
 * drop filters, lookup tables, the schema enforcement config, data-volume anomalies, deletion requests, and the
 * group profiles of each {@code --data-group-id}. Each list holds the items as the app API serves them.
 * Its random streams are its own, so the export and engage bodies are what they are without it.
 */
final class Governance {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");
    /** Properties Mixpanel keeps to itself: not listed in Lexicon. */
    private static final Set<String> RESERVED = Set.of("time", "distinct_id", "$insert_id", "mp_processing_time_ms");
    private static final Map<String, List<String>> EVENT_TAGS = Map.of(
        "Viewed Page", List.of("core"), "Logged In", List.of("core"), "Searched", List.of(),
        "Added To Cart", List.of("commerce"), "Purchase", List.of("commerce", "core"), "Signed Up", List.of("core", "growth"),
        "Played Video", List.of("video"), "Shared Item", List.of("growth"));
    private static final Set<String> HIDDEN_PROPERTIES = Set.of("$device_id", "$lib_version");
    private static final Set<String> SENSITIVE_PROPERTIES = Set.of("query", "message", "$email", "$phone", "$name", "$last_name");
    private static final String[] INDUSTRIES = {"Software", "Retail", "Finance", "Healthcare", "Éducation", "製造業"};
    private static final String[] COMPANY_WORDS = {"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Société", "株式会社"};
    private static final String[] SUFFIXES = {"Corp", "Inc", "GmbH", "SA", "Ltd", "KK"};
    private static final String[] GROUP_PLANS = {"free", "growth", "enterprise"};

    final List<Map<String, Object>> workspaces = new ArrayList<>();
    final List<Map<String, Object>> lexiconEvents = new ArrayList<>();
    final List<Map<String, Object>> eventProperties = new ArrayList<>();
    final List<Map<String, Object>> userProperties = new ArrayList<>();
    final List<Map<String, Object>> tags = new ArrayList<>();
    final List<Map<String, Object>> customEvents = new ArrayList<>();
    final List<Map<String, Object>> customProperties = new ArrayList<>();
    final List<Map<String, Object>> dropFilters = new ArrayList<>();
    final List<Map<String, Object>> lookupTables = new ArrayList<>();
    /** null with {@code --no-schema-enforcement}. */
    final Map<String, Object> enforcement;
    final List<Map<String, Object>> anomalies = new ArrayList<>();
    final List<Map<String, Object>> deletionRequests = new ArrayList<>();
    /** Per group key id, in the order of {@code --data-group-id}: its group profiles, engage's own type. */
    final Map<Long, List<Project.Profile>> groupProfiles = new LinkedHashMap<>();

    private final Project project;
    private final long base;

    Governance(Project project) {
        this.project = project;
        SandboxOptions opt = project.opt;
        this.base = project.startDate.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        genWorkspaces(opt, rng(11));
        Map<String, String> examples = exampleValues();
        genLexicon(rng(12), examples);
        genUserProperties(rng(13));
        genCustom(rng(14), opt);
        genTags(rng(20));
        genDropFilters(rng(15));
        genLookupTables(rng(16));
        enforcement = opt.noSchemaEnforcement ? null : genEnforcement(rng(17));
        genAnomalies(rng(18));
        genDeletionRequests(rng(19));
        for (long id : opt.dataGroupIds) groupProfiles.put(id, genGroup(id, opt.groupProfiles));
    }

    private SplittableRandom rng(long stream) { return new SplittableRandom(Project.mix(project.opt.seed, 7_000 + stream)); }

    /** A UTC timestamp {@code daysBefore} days (and a drawn time of day) before the data's first day. */
    private String before(SplittableRandom r, int daysBefore) {
        long t = base - daysBefore * 86_400L + r.nextInt(86_400);
        return LocalDateTime.ofEpochSecond(t, 0, ZoneOffset.UTC).format(UTC);
    }

    /** A UTC timestamp on a drawn day of the data. */
    private String during(SplittableRandom r) {
        long t = base + r.nextLong((long) project.days * 86_400L);
        return LocalDateTime.ofEpochSecond(t, 0, ZoneOffset.UTC).format(UTC);
    }

    // ---- workspaces -------------------------------------------------------------------------------------

    private void genWorkspaces(SandboxOptions opt, SplittableRandom r) {
        long first = 3_000_000 + r.nextInt(900_000);
        String[] names = {"All Project Data", "Marketing", "EU Customers"};
        for (int k = 0; k < names.length; k++) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("id", first + k);
            w.put("name", names[k]);
            w.put("project_id", opt.projectId);
            w.put("is_default", k == 0);
            w.put("is_global", k == 0);
            w.put("is_restricted", k == 2);
            w.put("is_visible", true);
            workspaces.add(w);
        }
    }

    /** Whether {@code id} (as written in a path) is one of the project's workspaces. */
    boolean hasWorkspace(String id) {
        for (Map<String, Object> w : workspaces) if (w.get("id").toString().equals(id)) return true;
        return false;
    }

    // ---- Lexicon ----------------------------------------------------------------------------------------

    /** One value of each event property as the data holds it (JSON text for non-strings), from the first events. */
    private Map<String, String> exampleValues() {
        Map<String, String> out = new LinkedHashMap<>();
        int wanted = EventTable.PROPERTIES.length, budget = 3000;
        for (Project.Day d : project.dayData) {
            for (int i = 0; i < d.count && budget-- > 0 && out.size() < wanted; i++) {
                JsonNode props;
                try {
                    props = Responses.JSON.readTree(new String(d.raw, d.lineStart[i], d.lineStart[i + 1] - d.lineStart[i], StandardCharsets.UTF_8))
                        .path("properties");
                } catch (IOException e) {
                    throw new IllegalStateException("generated event is not JSON", e);
                }
                props.fields().forEachRemaining(f -> {
                    if (!f.getValue().isNull()) out.putIfAbsent(f.getKey(), f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString());
                });
            }
            if (out.size() >= wanted || budget <= 0) break;
        }
        return out;
    }

    private static String displayName(String name) {
        String s = name.startsWith("$") ? name.substring(1) : name.startsWith("mp_") ? name.substring(3) : name;
        StringBuilder b = new StringBuilder();
        for (String w : s.split("_")) {
            if (w.isEmpty()) continue;
            if (b.length() > 0) b.append(' ');
            b.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
        }
        return b.toString();
    }

    private Map<String, Object> eventDefinition(SplittableRandom r, int id, String name, String description, boolean hidden,
                                                boolean dropped, boolean merged, boolean verified, List<String> tagNames,
                                                Integer customEventId, List<String> platforms) {
        String created = before(r, 30 + r.nextInt(400));
        String modified = r.nextInt(3) == 0 ? created : during(r);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", name);
        m.put("displayName", name);
        m.put("description", description);
        m.put("hidden", hidden);
        m.put("dropped", dropped);
        m.put("merged", merged);
        m.put("verified", verified);
        m.put("tags", tagNames);
        m.put("customEventId", customEventId);
        m.put("lastModified", modified);
        m.put("platforms", platforms);
        m.put("createdUtc", created);
        m.put("modifiedUtc", modified);
        return m;
    }

    private void genLexicon(SplittableRandom r, Map<String, String> examples) {
        int id = 40_000 + r.nextInt(50_000);
        for (String e : EventTable.EVENT_NAMES) {
            boolean verified = e.equals("Purchase") || r.nextInt(2) == 0;
            List<String> platforms = r.nextInt(3) == 0 ? List.of("Web", "iOS", "Android") : List.of("Web");
            lexiconEvents.add(eventDefinition(r, id, e, "Tracked when a user does '" + e + "'.", false, false, false, verified,
                EVENT_TAGS.getOrDefault(e, List.of()), null, platforms));
            id += 1 + r.nextInt(5);
        }
        // events the project no longer sends, as Lexicon keeps them
        lexiconEvents.add(eventDefinition(r, id++, "Legacy Checkout", "Replaced by Purchase; dropped at ingestion.", true, true,
            false, false, List.of("deprecated"), null, List.of("Web")));
        lexiconEvents.add(eventDefinition(r, id++, "QA Test Event", "", true, false, false, false, List.of(), null, List.of("Web")));
        lexiconEvents.add(eventDefinition(r, id++, "page_view", "Merged into Viewed Page.", false, false, true, false,
            List.of(), null, List.of("iOS")));
        int propId = 900_000 + r.nextInt(50_000);
        for (EventTable.PropertySpec p : EventTable.PROPERTIES) {
            if (RESERVED.contains(p.name())) continue;
            boolean own = !p.name().startsWith("$") && !p.name().startsWith("mp_");
            eventProperties.add(property(own ? propId : null, p.name(), "Event", own ? "The " + p.name().replace('_', ' ') + " of the event" : "",
                examples.get(p.name()), HIDDEN_PROPERTIES.contains(p.name()), false, false, SENSITIVE_PROPERTIES.contains(p.name())));
            if (own) propId += 1 + r.nextInt(4);
        }
        eventProperties.add(property(propId, "debug_payload", "Event", "Raw SDK debug data; dropped at ingestion.", null,
            true, true, false, false));
    }

    private static Map<String, Object> property(Integer id, String name, String resourceType, String description, String example,
                                                boolean hidden, boolean dropped, boolean merged, boolean sensitive) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", name);
        m.put("resourceType", resourceType);
        m.put("displayName", displayName(name));
        m.put("description", description);
        m.put("exampleValue", example);
        m.put("hidden", hidden);
        m.put("dropped", dropped);
        m.put("merged", merged);
        m.put("sensitive", sensitive);
        m.put("dataGroupId", "");
        return m;
    }

    private void genUserProperties(SplittableRandom r) {
        Map<String, Object> firstValue = new LinkedHashMap<>();
        for (Project.Profile p : project.profiles)
            for (Map.Entry<String, Object> e : p.props.entrySet()) firstValue.putIfAbsent(e.getKey(), e.getValue());
        int propId = 960_000 + r.nextInt(30_000);
        for (Map.Entry<String, Object> e : firstValue.entrySet()) {
            String name = e.getKey();
            boolean own = !name.startsWith("$");
            Object v = e.getValue();
            String example;
            try { example = v instanceof String ? (String) v : Responses.JSON.writeValueAsString(v); }
            catch (IOException x) { throw new IllegalStateException(x); }
            userProperties.add(property(own ? propId : null, name, "User", own ? "The user's " + name.replace('_', ' ') : "", example,
                false, false, false, SENSITIVE_PROPERTIES.contains(name)));
            if (own) propId += 1 + r.nextInt(4);
        }
        userProperties.add(property(propId, "legacy_segment", "User", "No longer set.", null, true, false, false, false));
    }

    /** The tags the events and custom events carry, each once. */
    private void genTags(SplittableRandom r) {
        Set<String> tagNames = new LinkedHashSet<>();
        for (List<Map<String, Object>> list : List.of(lexiconEvents, customEvents))
            for (Map<String, Object> ev : list) for (Object t : (List<?>) ev.get("tags")) tagNames.add((String) t);
        int tagId = 500 + r.nextInt(500);
        for (String t : tagNames) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", tagId);
            m.put("name", t);
            tags.add(m);
            tagId += 1 + r.nextInt(3);
        }
    }

    // ---- custom events and properties -------------------------------------------------------------------

    private void genCustom(SplittableRandom r, SandboxOptions opt) {
        int id = 200_000 + r.nextInt(100_000);
        int customId = 3_000 + r.nextInt(1_000);
        String[][] ce = {{"Engaged With Content", "Played Video or Shared Item"}, {"Cart Or Purchase", "Added To Cart or Purchase"}};
        for (String[] c : ce) {
            customEvents.add(eventDefinition(r, id, c[0], c[1], false, false, false, r.nextBoolean(), List.of("custom"), customId,
                List.of("Web")));
            id += 1 + r.nextInt(9);
            customId += 1 + r.nextInt(9);
        }
        int cp = 10_000 + r.nextInt(10_000);
        customProperties.add(customProperty(r, cp, "Order Value (USD)", "Revenue converted to USD", "events", "number",
            "IF(currency == \"USD\", revenue, revenue * 1.1)", Map.of("currency", Map.of("resourceType", "event"),
                "revenue", Map.of("resourceType", "event")), false, "", "42.5"));
        customProperties.add(customProperty(r, cp + 3, "Full Name", "First and last name", "people", "string",
            "$first_name + \" \" + $last_name", Map.of("$first_name", Map.of("resourceType", "user"),
                "$last_name", Map.of("resourceType", "user")), true, "", "Ada Lovelace"));
        customProperties.add(customProperty(r, cp + 7, "Is Mobile", "iOS or Android", "events", "boolean",
            "$os IN [\"iOS\", \"Android\"]", Map.of("$os", Map.of("resourceType", "event")), false, "", "true"));
        int k = 11;
        for (long g : opt.dataGroupIds) {
            customProperties.add(customProperty(r, cp + k, "Company Size Band", "Employees in bands", "group_profiles", "string",
                "IF(employees > 1000, \"large\", \"small\")", Map.of("employees", Map.of("resourceType", "group")), false,
                Long.toString(g), "small"));
            k += 2;
        }
    }

    private Map<String, Object> customProperty(SplittableRandom r, int id, String name, String description, String resourceType,
                                               String propertyType, String formula, Map<String, Object> composed, boolean locked,
                                               String dataGroupId, String example) {
        String created = before(r, 10 + r.nextInt(200));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("customPropertyId", id);
        m.put("name", name);
        m.put("description", description);
        m.put("resourceType", resourceType);
        m.put("propertyType", propertyType);
        m.put("displayFormula", formula);
        m.put("composedProperties", new java.util.TreeMap<>(composed));
        m.put("isLocked", locked);
        m.put("isVisible", true);
        m.put("dataGroupId", dataGroupId);
        m.put("created", created);
        m.put("modified", r.nextBoolean() ? created : during(r));
        m.put("exampleValue", example);
        return m;
    }

    // ---- drop filters, lookup tables, enforcement, anomalies, deletions ---------------------------------

    private void genDropFilters(SplittableRandom r) {
        int id = 700 + r.nextInt(300);
        Object[][] rows = {
            {"Legacy Checkout", null, true},
            {"Viewed Page", List.of(filter("$current_url", "contains", "staging.example.com")), true},
            {"Searched", List.of(filter("query", "equals", "test"), filter("$browser", "equals", "HeadlessChrome")), false}};
        for (Object[] row : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("eventName", row[0]);
            m.put("filters", row[1]);
            m.put("active", row[2]);
            m.put("displayName", "Drop " + row[0] + (row[1] == null ? "" : " (filtered)"));
            m.put("created", before(r, 5 + r.nextInt(100)));
            dropFilters.add(m);
            id += 1 + r.nextInt(20);
        }
    }

    private static Map<String, Object> filter(String property, String operator, String value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("property", property);
        m.put("operator", operator);
        m.put("value", value);
        return m;
    }

    /**
     * Ids as the App API's lookup-table route gives them (Mixpanel's client types them as signed 64-bit integers):
     * odd, past 2^53 in magnitude, so that a client that reads them as doubles loses the last digit, and the second
     * negative, as Mixpanel assigns some (e.g. -8644926364725811123).
     */
    private void genLookupTables(SplittableRandom r) {
        String[] names = {"Products", "Video catalog", "Country names"};
        for (int k = 0; k < names.length; k++) {
            long magnitude = (1L << 53) + 1 + 2 * r.nextLong(1L << 60);
            long id = k == 1 ? -magnitude : magnitude;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("name", names[k]);
            StringBuilder token = new StringBuilder();
            for (int i = 0; i < 32; i++) token.append(Character.forDigit(r.nextInt(16), 16));
            m.put("token", token.toString());
            String created = before(r, 20 + r.nextInt(300));
            m.put("createdAt", created);
            m.put("lastModifiedAt", r.nextBoolean() ? created : during(r));
            m.put("hasMappedProperties", k != 2);
            lookupTables.add(m);
        }
    }

    private Map<String, Object> genEnforcement(SplittableRandom r) {
        String[] rules = {"Warn and Accept", "Warn and Hide", "Warn and Drop"};
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", 100 + r.nextInt(900));
        m.put("lastModified", during(r));
        m.put("ruleEvent", rules[r.nextInt(rules.length)]);
        m.put("notificationEmails", List.of("data-team@example.com"));
        List<String> events = new ArrayList<>();
        for (Map<String, Object> e : lexiconEvents) if (Boolean.TRUE.equals(e.get("verified"))) events.add((String) e.get("name"));
        m.put("events", events);
        m.put("commonProperties", List.of("$browser", "$os", "utm_source"));
        m.put("userProperties", List.of("$email", "plan"));
        m.put("state", "enabled");
        return m;
    }

    private void genAnomalies(SplittableRandom r) {
        // ids count per class, so the same id appears in two classes
        Object[][] rows = {
            {"Event", "Signed Up", null, null}, {"Event", "Purchase", null, null},
            {"Property", "Searched", "query", null}, {"PropertyTypeDrift", "Added To Cart", "price", null},
            {"Metric", null, null, "Daily active users"}};
        Map<String, Integer> next = new LinkedHashMap<>();
        for (Object[] row : rows) {
            String cls = (String) row[0];
            int id = next.merge(cls, 1, Integer::sum) + 8;
            long predicted = 100 + r.nextInt(5_000);
            long actual = r.nextBoolean() ? predicted * (2 + r.nextInt(3)) : predicted / (2 + r.nextInt(3));
            long upper = predicted + predicted / 5, lower = predicted - predicted / 5;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("timestamp", project.startDate.plusDays(r.nextInt(project.days)).atStartOfDay().format(UTC));
            m.put("actualCount", actual);
            m.put("predictedUpper", upper);
            m.put("predictedLower", lower);
            m.put("percentVariance", Math.round(100.0 * (actual - predicted) / predicted) + "%");
            m.put("status", r.nextInt(3) == 0 ? "dismissed" : "open");
            m.put("eventName", row[1]);
            m.put("propertyName", row[2]);
            m.put("metricName", row[3]);
            m.put("anomalyClass", cls);
            anomalies.add(m);
        }
    }

    private void genDeletionRequests(SplittableRandom r) {
        String[] statuses = {"Completed", "Completed", "Failed", "Processing", "Submitted"};
        String[] events = {"QA Test Event", "Viewed Page", "Legacy Checkout", "Searched", "Shared Item"};
        int id = 1_200 + r.nextInt(800);
        for (int k = 0; k < statuses.length; k++) {
            LocalDate from = project.startDate.minusDays(60 + r.nextInt(300));
            LocalDate to = from.plusDays(r.nextInt(30));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("displayName", "Delete " + events[k] + " " + from + ".." + to);
            m.put("eventName", events[k]);
            m.put("fromDate", from.toString());
            m.put("toDate", to.toString());
            m.put("filters", k % 2 == 0 ? null : List.of(filter("$browser", "equals", "HeadlessChrome")));
            m.put("status", statuses[k]);
            m.put("deletedEventsCount", statuses[k].equals("Completed") ? 1 + r.nextInt(100_000) : 0);
            m.put("created", before(r, 1 + r.nextInt(50)));
            m.put("requestingUser", k % 2 == 0 ? "john.smith@example.com" : "amelie.poulain@example.com");
            deletionRequests.add(m);
            id += 1 + r.nextInt(30);
        }
    }

    // ---- group profiles ---------------------------------------------------------------------------------

    private List<Project.Profile> genGroup(long groupId, int n) {
        SplittableRandom r = new SplittableRandom(Project.mix(project.opt.seed, Project.mix(7_100, groupId)));
        long rangeStart = project.startDate.atStartOfDay(project.zone).toEpochSecond();
        long rangeEnd = project.endDate.plusDays(1).atStartOfDay(project.zone).toEpochSecond();
        List<Project.Profile> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Project.Profile p = new Project.Profile();
            p.distinctId = "grp" + Math.floorMod(groupId, 1000) + "-" + (1000 + i);
            long lastSeen = rangeStart + r.nextLong(rangeEnd - rangeStart);
            long created = lastSeen - r.nextLong(500L * 86_400);
            p.lastSeen = Project.fmt(lastSeen);
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            m.put("$created", Project.fmt(created));
            m.put("$last_seen", p.lastSeen);
            m.put("$name", COMPANY_WORDS[r.nextInt(COMPANY_WORDS.length)] + " " + SUFFIXES[r.nextInt(SUFFIXES.length)] + " " + (i + 1));
            m.put("industry", INDUSTRIES[r.nextInt(INDUSTRIES.length)]);
            m.put("plan", GROUP_PLANS[r.nextInt(GROUP_PLANS.length)]);
            m.put("employees", 1 + r.nextInt(20_000));
            m.put("arr", Math.round(r.nextDouble() * 10_000_000) / 100.0);
            if (r.nextInt(100) < 60) m.put("domain", "company" + i + ".example.com");
            m.put("is_customer", r.nextInt(10) < 6);
            p.props = m;
            out.add(p);
        }
        return out;
    }

    long groupProfileCount() {
        long n = 0;
        for (List<Project.Profile> g : groupProfiles.values()) n += g.size();
        return n;
    }
}
