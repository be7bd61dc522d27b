package io.tapmixpanel.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tapmixpanel.sandbox.SandboxTest.SA;
import static io.tapmixpanel.sandbox.SandboxTest.SECRET;
import static io.tapmixpanel.sandbox.SandboxTest.basic;
import static io.tapmixpanel.sandbox.SandboxTest.get;
import static io.tapmixpanel.sandbox.SandboxTest.json;
import static io.tapmixpanel.sandbox.SandboxTest.small;
import static io.tapmixpanel.sandbox.SandboxTest.text;
import static org.junit.jupiter.api.Assertions.*;

/** The data-governance routes of the app API and group profiles (docs/sandbox.md "Data governance"). */
class GovernanceTest {
    static final long GROUP_A = 9_007_199_254_740_993L;   // 2^53 + 1: a double cannot hold it
    static final long GROUP_B = -4_611_686_018_427_387_905L;
    /** Each governance stream's route (with the query its stream sends) and the /sandbox/stats field it counts toward. */
    static final Map<String, String> ROUTES = new LinkedHashMap<>();
    static {
        ROUTES.put("data-definitions/events/", "lexicon_events");
        ROUTES.put("data-definitions/properties/?resourceType=Event", "lexicon_properties");
        ROUTES.put("data-definitions/properties/?resourceType=User", "lexicon_properties");
        ROUTES.put("data-definitions/tags/", "lexicon_tags");
        ROUTES.put("custom_properties/", "custom_properties");
        ROUTES.put("data-definitions/events/?custom_event=true", "custom_events");
        ROUTES.put("data-definitions/events/drop-filters/", "drop_filters");
        ROUTES.put("data-definitions/lookup-tables/", "lookup_tables");
        ROUTES.put("data-definitions/schema/", "schema_enforcement");
        ROUTES.put("data-definitions/data-volume-anomalies/", "data_volume_anomalies");
        ROUTES.put("data-definitions/events/deletion-requests/", "deletion_requests");
    }

    static Sandbox sb;

    @BeforeAll
    static void start() throws Exception {
        sb = Sandbox.start(small().dataGroupId(GROUP_A).dataGroupId(GROUP_B).groupProfiles(23).build());
    }

    @AfterAll
    static void stop() { sb.close(); }

    static String project(String route) { return "/api/app/projects/1234/" + route; }

    static long globalWorkspace(Sandbox s) throws Exception {
        for (JsonNode w : json(get(s, "/api/app/me", SA)).get("results").get("workspaces"))
            if (w.get("is_global").asBoolean()) return w.get("id").asLong();
        throw new AssertionError("no global workspace");
    }

    /** The items a stream gets from a route's body: the list, the one object, or the anomalies under results. */
    static List<JsonNode> items(JsonNode body) {
        JsonNode r = body.get("results");
        if (r.has("anomalies")) r = r.get("anomalies");
        List<JsonNode> out = new ArrayList<>();
        if (r.isArray()) r.forEach(out::add); else out.add(r);
        return out;
    }

    @Test
    void everyGovernanceRouteAnswersTheSameUnderTheProjectAndTheWorkspaceScope() throws Exception {
        long ws = globalWorkspace(sb);
        for (String route : ROUTES.keySet()) {
            HttpResponse<byte[]> p = get(sb, project(route), SA);
            HttpResponse<byte[]> w = get(sb, "/api/app/workspaces/" + ws + "/" + route, SA);
            assertEquals(200, p.statusCode(), route);
            assertEquals(200, w.statusCode(), route);
            assertEquals("ok", json(p).get("status").asText(), route);
            assertArrayEquals(p.body(), w.body(), route);
            assertFalse(items(json(p)).isEmpty(), route);
        }
        // every workspace of the project is a scope, restricted ones too
        for (JsonNode w : json(get(sb, "/api/app/me", SA)).get("results").get("workspaces"))
            assertEquals(200, get(sb, "/api/app/workspaces/" + w.get("id").asLong() + "/data-definitions/tags/", SA).statusCode());
        assertEquals("Event", json(get(sb, project("data-definitions/properties/?resourceType=Event"), SA)).get("results").get(0).get("resourceType").asText());
        assertEquals("User", json(get(sb, project("data-definitions/properties/?resourceType=User"), SA)).get("results").get(0).get("resourceType").asText());
        JsonNode anomalies = json(get(sb, project("data-definitions/data-volume-anomalies/"), SA)).get("results");
        assertTrue(anomalies.isObject() && anomalies.get("anomalies").isArray(), "anomalies are nested under results.anomalies");
        assertTrue(json(get(sb, project("data-definitions/schema/"), SA)).get("results").isObject(), "enforcement is one object");
    }

    @Test
    void meListsTheProjectsWorkspacesKeyedByIdWithExactlyOneGlobal() throws Exception {
        JsonNode ws = json(get(sb, "/api/app/me", SA)).get("results").get("workspaces");
        assertTrue(ws.size() >= 2);
        int global = 0;
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) ws::fields) {
            JsonNode w = e.getValue();
            assertEquals(e.getKey(), w.get("id").asText());
            assertEquals(1234, w.get("project_id").asLong());
            for (String f : List.of("is_default", "is_global", "is_restricted", "is_visible")) assertTrue(w.get(f).isBoolean(), f);
            assertTrue(w.get("name").isTextual());
            if (w.get("is_global").asBoolean()) global++;
        }
        assertEquals(1, global);
        JsonNode pub = json(get(sb, "/api/app/projects/1234/workspaces/public", SA)).get("results");
        Set<Long> publicIds = new HashSet<>();
        pub.forEach(w -> publicIds.add(w.get("id").asLong()));
        assertTrue(publicIds.contains(globalWorkspace(sb)));
        for (JsonNode w : pub) assertFalse(w.get("is_restricted").asBoolean());
        assertTrue(publicIds.size() < ws.size(), "the restricted workspace is not public");
    }

    @Test
    void governanceRoutesAnswerServiceAccountsOnly() throws Exception {
        long ws = globalWorkspace(sb);
        for (String route : ROUTES.keySet()) {
            for (String path : List.of(project(route), "/api/app/workspaces/" + ws + "/" + route)) {
                HttpResponse<byte[]> secret = get(sb, path, SECRET);
                assertEquals(401, secret.statusCode(), path);
                assertEquals("error", json(secret).get("status").asText());
                assertEquals(401, get(sb, path, null).statusCode(), path);
                assertEquals(401, get(sb, path, basic("sandbox-user:wrong")).statusCode(), path);
            }
            assertEquals(403, get(sb, "/api/app/projects/999/" + route, SA).statusCode(), route);
            HttpResponse<byte[]> otherWs = get(sb, "/api/app/workspaces/" + (ws + 100) + "/" + route, SA);
            assertEquals(403, otherWs.statusCode(), route);
            assertEquals("error", json(otherWs).get("status").asText());
        }
        assertEquals(401, get(sb, "/api/app/projects/1234/workspaces/public", SECRET).statusCode());
    }

    @Test
    void governanceRoutesHaveTheirTrailingSlashAndOnlyUnderTheirScopes() throws Exception {
        for (String route : ROUTES.keySet()) {
            String path = route.contains("?") ? route.substring(0, route.indexOf('?')) : route;
            String bare = path.substring(0, path.length() - 1) + (route.contains("?") ? route.substring(route.indexOf('?')) : "");
            HttpResponse<byte[]> r = get(sb, project(bare), SA);
            assertEquals(404, r.statusCode(), bare);
            assertEquals("error", json(r).get("status").asText());
        }
        // the schema registry is a project route only
        assertEquals(404, get(sb, "/api/app/workspaces/" + globalWorkspace(sb) + "/schemas", SA).statusCode());
        assertEquals(404, get(sb, "/api/app/data-definitions/events/", SA).statusCode());
    }

    @Test
    void propertiesTakeACapitalisedResourceTypeAndIgnoreResourceUnderscoreType() throws Exception {
        HttpResponse<byte[]> lower = get(sb, project("data-definitions/properties/?resourceType=event"), SA);
        assertEquals(400, lower.statusCode());
        assertEquals("error", json(lower).get("status").asText());
        assertTrue(json(lower).get("error").asText().contains("'event'"));
        assertEquals(400, get(sb, project("data-definitions/properties/?resourceType=user"), SA).statusCode());
        byte[] event = get(sb, project("data-definitions/properties/?resourceType=Event"), SA).body();
        byte[] user = get(sb, project("data-definitions/properties/?resourceType=User"), SA).body();
        assertFalse(java.util.Arrays.equals(event, user));
        assertArrayEquals(event, get(sb, project("data-definitions/properties/?resource_type=User"), SA).body(),
            "resource_type is ignored: the event properties");
        assertEquals(400, get(sb, project("data-definitions/events/?custom_event=yes"), SA).statusCode());
    }

    @Test
    void lexiconDescribesTheProjectsOwnEventsAndPropertiesWithSomeVerifiedHiddenAndDropped() throws Exception {
        List<JsonNode> events = items(json(get(sb, project("data-definitions/events/"), SA)));
        Set<String> names = new HashSet<>();
        events.forEach(e -> names.add(e.get("name").asText()));
        for (String e : EventTable.EVENT_NAMES) assertTrue(names.contains(e), e);
        for (String flag : List.of("verified", "hidden", "dropped", "merged"))
            assertTrue(events.stream().anyMatch(e -> e.get(flag).asBoolean()), flag);
        for (JsonNode e : events) {
            assertTrue(e.get("customEventId").isNull());
            assertTrue(e.get("id").isInt() && e.get("tags").isArray() && e.get("platforms").isArray());
        }
        Set<String> propertyNames = new HashSet<>();
        items(json(get(sb, project("data-definitions/properties/?resourceType=Event"), SA))).forEach(p -> propertyNames.add(p.get("name").asText()));
        assertTrue(propertyNames.containsAll(List.of("$browser", "page_title", "price", "order")));
        Set<String> userNames = new HashSet<>();
        items(json(get(sb, project("data-definitions/properties/?resourceType=User"), SA))).forEach(p -> userNames.add(p.get("name").asText()));
        assertTrue(userNames.containsAll(List.of("$email", "plan", "lifetime_value")));
        // the tags the events carry are the tags listed
        Set<String> tags = new HashSet<>();
        items(json(get(sb, project("data-definitions/tags/"), SA))).forEach(t -> tags.add(t.get("name").asText()));
        for (JsonNode e : events) e.get("tags").forEach(t -> assertTrue(tags.contains(t.asText()), t.asText()));
        for (JsonNode c : items(json(get(sb, project("data-definitions/events/?custom_event=true"), SA))))
            assertTrue(c.get("customEventId").isInt());
        // anomaly ids count per class: the key is (anomalyClass, id)
        Set<String> keys = new HashSet<>();
        Set<Integer> ids = new HashSet<>();
        List<JsonNode> anomalies = items(json(get(sb, project("data-definitions/data-volume-anomalies/"), SA)));
        for (JsonNode a : anomalies) {
            keys.add(a.get("anomalyClass").asText() + "/" + a.get("id").asInt());
            ids.add(a.get("id").asInt());
            assertTrue(a.get("percentVariance").isTextual());
        }
        assertEquals(anomalies.size(), keys.size());
        assertTrue(ids.size() < anomalies.size());
    }

    @Test
    void lookupTableIdsAreSigned64BitIntegersPast2To53WrittenExactlyInTheRawBody() throws Exception {
        String raw = text(get(sb, project("data-definitions/lookup-tables/"), SA));
        Matcher m = Pattern.compile("\"id\":(-?\\d+)[,}]").matcher(raw);
        List<BigInteger> ids = new ArrayList<>();
        while (m.find()) ids.add(new BigInteger(m.group(1)));
        assertEquals(3, ids.size(), raw);
        Governance g = new Governance(new Project(small().dataGroupId(GROUP_A).dataGroupId(GROUP_B).groupProfiles(23).build()));
        for (int i = 0; i < ids.size(); i++) {
            BigInteger id = ids.get(i);
            assertTrue(id.abs().compareTo(BigInteger.ONE.shiftLeft(53)) > 0, id.toString());
            assertEquals(i == 1, id.signum() < 0, "the second id is negative, as Mixpanel assigns some: " + id);
            assertTrue(id.bitLength() < 64, "a signed 64-bit integer: " + id);
            assertEquals(BigInteger.valueOf((Long) g.lookupTables.get(i).get("id")), id, "the generated id, every digit");
            assertNotEquals(id, new java.math.BigDecimal(id.doubleValue()).toBigInteger(), "a double would round " + id);
        }
        // group keys' ids are 64-bit too: stats name them exactly
        String stats = sb.statsJson();
        assertTrue(stats.contains("\"" + GROUP_A + "\":23"), stats);
        assertTrue(stats.contains("\"" + GROUP_B + "\":23"), stats);
    }

    @Test
    void statsCountEachGovernanceStreamsRowsAsTheRoutesServeThem() throws Exception {
        JsonNode st = json(get(sb, "/sandbox/stats", null));
        Map<String, Integer> counted = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : ROUTES.entrySet())
            counted.merge(e.getValue(), items(json(get(sb, project(e.getKey()), SA))).size(), Integer::sum);
        counted.put("schemas", json(get(sb, "/api/app/projects/1234/schemas", SA)).get("results").size());
        for (Map.Entry<String, Integer> e : counted.entrySet()) assertEquals(e.getValue().intValue(), st.get(e.getKey()).asInt(), e.getKey());
        assertEquals(1, st.get("schema_enforcement").asInt());
        int groups = 0;
        for (long g : List.of(GROUP_A, GROUP_B)) groups += json(get(sb, "/api/2.0/engage?data_group_id=" + g, SECRET)).get("total").asInt();
        assertEquals(46, groups);
        assertEquals(groups, st.get("group_profiles").asInt());
        assertEquals(23, st.get("group_profiles_per_group").get(Long.toString(GROUP_B)).asInt());
    }

    @Test
    void withoutGovernanceThePlanAnswers403OnEveryGovernanceRouteAndStatsCountNothing() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(200).noGovernance(true).dataGroupId(GROUP_A).build())) {
            long ws = globalWorkspace(s);
            List<String> paths = new ArrayList<>();
            for (String route : ROUTES.keySet()) { paths.add(project(route)); paths.add("/api/app/workspaces/" + ws + "/" + route); }
            paths.add("/api/app/projects/1234/schemas");
            paths.add("/api/app/projects/1234/schemas/event");
            for (String p : paths) {
                HttpResponse<byte[]> r = get(s, p, SA);
                assertEquals(403, r.statusCode(), p);
                assertEquals("error", json(r).get("status").asText());
                assertTrue(json(r).get("error").asText().contains("plan"), p);
                assertEquals(401, get(s, p, SECRET).statusCode(), "credentials come first: " + p);
            }
            // what the scoping and the other streams need stays
            assertEquals(200, get(s, "/api/app/me", SA).statusCode());
            assertEquals(200, get(s, "/api/app/projects/1234/workspaces/public", SA).statusCode());
            assertEquals(200, get(s, "/api/app/projects/1234/annotations", SA).statusCode());
            assertEquals(200, get(s, "/api/2.0/engage?data_group_id=" + GROUP_A, SECRET).statusCode());
            JsonNode st = json(get(s, "/sandbox/stats", null));
            for (String f : new HashSet<>(ROUTES.values())) assertEquals(0, st.get(f).asInt(), f);
            assertEquals(0, st.get("schemas").asInt());
            assertEquals(40, st.get("group_profiles").asInt());
        }
    }

    @Test
    void withoutSchemaEnforcementItsRouteIs404AndCountsNoRow() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(200).noSchemaEnforcement(true).build())) {
            HttpResponse<byte[]> r = get(s, project("data-definitions/schema/"), SA);
            assertEquals(404, r.statusCode());
            assertEquals("error", json(r).get("status").asText());
            assertTrue(json(r).get("error").asText().contains("enforcement"),
                    "the 404 names the enforcement, which tells it from a missing route's: " + json(r));
            assertEquals(0, json(get(s, "/sandbox/stats", null)).get("schema_enforcement").asInt());
            assertEquals(200, get(s, project("data-definitions/events/"), SA).statusCode());
        }
    }

    @Test
    void theSchemaRegistryAllowsFiveCallsPerMinuteThen429() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).build())) {
            assertEquals(401, get(s, "/api/app/projects/1234/schemas", SECRET).statusCode());   // refused calls do not count
            for (int i = 0; i < 3; i++) assertEquals(200, get(s, "/api/app/projects/1234/schemas", SA).statusCode());
            assertEquals(200, get(s, "/api/app/projects/1234/schemas/event", SA).statusCode());
            assertEquals(200, get(s, "/api/app/projects/1234/schemas/profile/%24user", SA).statusCode());
            HttpResponse<byte[]> r = get(s, "/api/app/projects/1234/schemas", SA);
            assertEquals(429, r.statusCode());
            JsonNode e = json(r);
            assertEquals("error", e.get("status").asText());
            assertEquals("Rate limit exceeded for organization 100: 6/5 requests to the schemas API in the last minute. Please retry later.",
                e.get("error").asText());
            int retryAfter = Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
            assertTrue(json(get(s, "/api/app/projects/1234/schemas", SA)).get("error").asText().contains(" 6/5 "), "a 429 is not counted");
            // the other governance routes have no such limit
            for (int i = 0; i < 7; i++) assertEquals(200, get(s, project("data-definitions/tags/"), SA).statusCode());
        }
        try (Sandbox s = Sandbox.start(small().events(100).schemaLimitPerMinute(0).build())) {
            for (int i = 0; i < 7; i++) assertEquals(200, get(s, "/api/app/projects/1234/schemas", SA).statusCode());
        }
    }

    @Test
    void projectsOfOneOrganizationShareTheSchemaRegistrysFiveCallsAMinute() throws Exception {
        Organization org = new Organization(777);
        try (Sandbox a = Sandbox.start(small().events(100).organization(org).build());
             Sandbox b = Sandbox.start(small().events(100).projectId(5678).organization(org).build());
             Sandbox other = Sandbox.start(small().events(100).projectId(9012).organizationId(778).build())) {
            for (int i = 0; i < 3; i++) assertEquals(200, get(a, "/api/app/projects/1234/schemas", SA).statusCode());
            for (int i = 0; i < 2; i++) assertEquals(200, get(b, "/api/app/projects/5678/schemas", SA).statusCode());
            HttpResponse<byte[]> r = get(b, "/api/app/projects/5678/schemas", SA);
            assertEquals(429, r.statusCode(), "the sixth call of the organization's minute, though project 5678's third");
            assertEquals("Rate limit exceeded for organization 777: 6/5 requests to the schemas API in the last minute. Please retry later.",
                json(r).get("error").asText());
            assertEquals(429, get(a, "/api/app/projects/1234/schemas", SA).statusCode());
            // another organization has its own budget
            for (int i = 0; i < 5; i++) assertEquals(200, get(other, "/api/app/projects/9012/schemas", SA).statusCode());
            assertEquals(777, json(get(a, "/api/app/me", SA)).at("/results/projects/1234/organization_id").asLong());
            assertEquals(778, json(get(other, "/api/app/me", SA)).at("/results/projects/9012/organization_id").asLong());
        }
    }

    @Test
    void sandboxesGivenNoOrganizationEachHaveTheirOwn() throws Exception {
        SandboxOptions o = small().events(100).build();
        try (Sandbox a = Sandbox.start(o); Sandbox b = Sandbox.start(o.toBuilder().build())) {
            for (int i = 0; i < 5; i++) assertEquals(200, get(a, "/api/app/projects/1234/schemas", SA).statusCode());
            for (int i = 0; i < 5; i++) assertEquals(200, get(b, "/api/app/projects/1234/schemas", SA).statusCode());
        }
        assertEquals(100, SandboxOptions.parse().organizationId);
        assertEquals(42, SandboxOptions.parse("--organization-id", "42").organizationId);
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--organization-id", "0"));
    }

    @Test
    void groupProfilesPageLikeEngageWithASessionId() throws Exception {
        String q = "/api/2.0/engage?project_id=1234&data_group_id=" + GROUP_B + "&page_size=5";
        JsonNode first = json(get(sb, q, SA));
        assertEquals(23, first.get("total").asInt());
        String sid = first.get("session_id").asText();
        assertNotEquals(json(get(sb, "/api/2.0/engage?project_id=1234&page_size=5", SA)).get("session_id").asText(), sid);
        Set<String> ids = new HashSet<>();
        first.get("results").forEach(r -> ids.add(r.get("$distinct_id").asText()));
        int page = 1;
        for (; ; page++) {
            JsonNode p = json(get(sb, q + "&session_id=" + sid + "&page=" + page, SA));
            assertFalse(p.has("total"), "total is on page 0 only");
            assertEquals(page, p.get("page").asInt());
            p.get("results").forEach(r -> {
                ids.add(r.get("$distinct_id").asText());
                assertTrue(r.get("$properties").has("$name") && r.get("$properties").has("$last_seen"));
            });
            if (p.get("results").size() < 5) break;
        }
        assertEquals(4, page);
        assertEquals(23, ids.size());
        // another group key's profiles are its own
        Set<String> other = new HashSet<>();
        json(get(sb, "/api/2.0/engage?data_group_id=" + GROUP_A + "&page_size=100", SECRET)).get("results")
            .forEach(r -> other.add(r.get("$distinct_id").asText()));
        assertEquals(23, other.size());
        assertTrue(java.util.Collections.disjoint(ids, other));
        // filters apply as on users
        assertEquals(1, json(get(sb, "/api/2.0/engage?data_group_id=" + GROUP_B + "&distinct_id=" + ids.iterator().next(), SECRET)).get("total").asInt());
        assertEquals(400, get(sb, q + "&session_id=" + first.get("session_id").asText().replace('-', '0') + "&page=1", SA).statusCode());
        JsonNode unknown = json(get(sb, "/api/2.0/engage?data_group_id=12345", SECRET));
        assertEquals("data_group_id 12345 is not a group key of this project", unknown.get("error").asText());
        assertEquals(400, get(sb, "/api/2.0/engage?data_group_id=12345", SECRET).statusCode());
        assertEquals(400, get(sb, "/api/2.0/engage?data_group_id=company", SECRET).statusCode());
        assertEquals(400, get(sb, "/api/2.0/engage?data_group_id=" + GROUP_A + "&filter_by_cohort=" + SandboxTest.enc("{\"id\":1000}"), SECRET).statusCode());
        assertEquals(400, get(sb, "/api/query/engage?data_group_id=12345", SECRET).statusCode());
    }

    @Test
    void theSameSeedGivesTheSameGovernanceBytesAndAnotherSeedOthers() throws Exception {
        try (Sandbox a = Sandbox.start(small().events(300).seed(7).dataGroupId(GROUP_A).build());
             Sandbox b = Sandbox.start(small().events(300).seed(7).dataGroupId(GROUP_A).build());
             Sandbox c = Sandbox.start(small().events(300).seed(8).dataGroupId(GROUP_A).build())) {
            List<String> paths = new ArrayList<>(List.of("/api/app/me", "/api/app/projects/1234/workspaces/public", "/sandbox/stats",
                "/api/app/projects/1234/schemas"));
            for (String route : ROUTES.keySet()) paths.add(project(route));
            for (String p : paths) assertArrayEquals(get(a, p, SA).body(), get(b, p, SA).body(), p);
            String groups = "/api/2.0/engage?data_group_id=" + GROUP_A;
            assertArrayEquals(get(a, groups, SECRET).body(), get(b, groups, SECRET).body());
            assertFalse(java.util.Arrays.equals(get(a, groups, SECRET).body(), get(c, groups, SECRET).body()));
            assertNotEquals(text(get(a, project("data-definitions/lookup-tables/"), SA)), text(get(c, project("data-definitions/lookup-tables/"), SA)));
        }
    }

    /**
     * The export and engage bodies of a fixed project are those the sandbox served before it had governance
     * metadata (SHA-256 taken from that version), with or without group keys.
     */
    @Test
    void governanceAndGroupKeysLeaveTheExportAndEngageBodiesAsTheyWere() throws Exception {
        for (SandboxOptions o : List.of(small().build(), small().dataGroupId(GROUP_A).noGovernance(true).build())) {
            try (Sandbox s = Sandbox.start(o)) {
                assertEquals(EXPORT_SHA256, sha256(SandboxTest.export(s, "").body()));
                assertEquals(ENGAGE_SHA256, sha256(get(s, "/api/2.0/engage?page_size=50", SECRET).body()));
                assertEquals(ENGAGE_PAGE_SHA256, sha256(get(s, "/api/2.0/engage?page_size=50&page=1&session_id="
                    + json(get(s, "/api/2.0/engage?page_size=50", SECRET)).get("session_id").asText(), SECRET).body()));
            }
        }
    }

    static final String EXPORT_SHA256 = "622b0f814b2b78f0b3dd69afd2eaff993fe99d24ec61522dcb1f6211a5fad73f";
    static final String ENGAGE_SHA256 = "40323770a37a97a4518b4c3271fa128af2ff8ccee59a21aecd7636197009ca4a";
    static final String ENGAGE_PAGE_SHA256 = "6b5c1a606897efa996ef785f3b5b38c579094e4e5dfbc1cc67236b1f974addda";

    static String sha256(byte[] b) throws Exception { return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)); }

    @Test
    void groupKeysAndGovernanceSwitchesParseFromTheCommandLine() {
        SandboxOptions o = SandboxOptions.parse("--data-group-id", Long.toString(GROUP_A), "--data-group-id=" + GROUP_B,
            "--data-group-id", Long.toString(GROUP_A), "--no-governance", "--no-schema-enforcement", "--schema-limit-per-minute", "0",
            "--group-profiles", "7");
        assertEquals(List.of(GROUP_A, GROUP_B), o.dataGroupIds);
        assertTrue(o.noGovernance && o.noSchemaEnforcement);
        assertEquals(0, o.schemaLimitPerMinute);
        assertEquals(7, o.groupProfiles);
        SandboxOptions d = SandboxOptions.parse();
        assertFalse(d.noGovernance || d.noSchemaEnforcement);
        assertEquals(5, d.schemaLimitPerMinute);
        assertEquals(List.of(), d.dataGroupIds);
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--no-governance=yes"));
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--data-group-id", "company"));
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--data-group-id"));
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--schema-limit-per-minute", "-1"));
    }
}
