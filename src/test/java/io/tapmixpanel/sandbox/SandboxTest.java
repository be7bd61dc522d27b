package io.tapmixpanel.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.*;

/** Drives the sandbox over plain HTTP (java.net.http), never through the tap's own client. */
class SandboxTest {
    static final ObjectMapper M = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String SECRET = basic("sandbox-api-secret");
    static final String SECRET_COLON = basic("sandbox-api-secret:");
    static final String SA = basic("sandbox-user:sandbox-password");
    static final LocalDate END = LocalDate.parse("2024-01-31");
    static final String FROM = "2024-01-22";
    static final String TO = "2024-01-31";

    static Sandbox sb;

    static String basic(String s) { return "Basic " + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)); }

    static SandboxOptions.Builder small() {
        return SandboxOptions.builder().port(0).events(3000).days(10).endDate(END).profiles(120).funnels(3).cohorts(4);
    }

    @BeforeAll
    static void start() throws IOException { sb = Sandbox.start(small().build()); }

    @AfterAll
    static void stop() { sb.close(); }

    static HttpResponse<byte[]> get(Sandbox s, String pathAndQuery, String auth, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.baseUrl() + pathAndQuery)).timeout(Duration.ofSeconds(20));
        if (auth != null) b.header("Authorization", auth);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> postForm(Sandbox s, String path, String auth, String form) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(s.baseUrl() + path)).timeout(Duration.ofSeconds(20))
            .header("Authorization", auth).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return HTTP.send(r, HttpResponse.BodyHandlers.ofByteArray());
    }

    static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    static JsonNode json(HttpResponse<byte[]> r) throws IOException { return M.readTree(r.body()); }

    static String text(HttpResponse<byte[]> r) { return new String(r.body(), StandardCharsets.UTF_8); }

    static List<JsonNode> lines(HttpResponse<byte[]> r) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : text(r).split("\n")) if (!l.isEmpty()) out.add(M.readTree(l));
        return out;
    }

    static HttpResponse<byte[]> export(Sandbox s, String extra) throws Exception {
        return get(s, "/api/2.0/export?from_date=" + FROM + "&to_date=" + TO + extra, SECRET);
    }

    // ---- ground truth ---------------------------------------------------------------------------------------

    @Test
    void statsMatchWhatTheEndpointsServe() throws Exception {
        JsonNode st = json(get(sb, "/sandbox/stats", null));
        assertEquals(3000, st.get("events").asLong());
        assertEquals(120, st.get("profiles").asInt());
        assertEquals(3, st.get("funnels").asInt());
        assertEquals(30, st.get("funnel_days").asInt());
        assertEquals(10, st.get("revenue_days").asInt());
        assertEquals(4, st.get("cohorts").asInt());
        assertTrue(st.get("annotations").asInt() >= 3);
        JsonNode perDay = st.get("events_per_day");
        assertEquals(10, perDay.size());
        long sum = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = perDay.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            HttpResponse<byte[]> r = get(sb, "/api/2.0/export?from_date=" + e.getKey() + "&to_date=" + e.getKey(), SECRET);
            assertEquals(200, r.statusCode());
            List<JsonNode> evs = lines(r);
            assertEquals(e.getValue().asInt(), evs.size(), "events of " + e.getKey());
            for (JsonNode ev : evs) {
                LocalDate day = Instant.ofEpochSecond(ev.get("properties").get("time").asLong()).atZone(ZoneOffset.UTC).toLocalDate();
                assertEquals(e.getKey(), day.toString());
            }
            sum += evs.size();
        }
        assertEquals(3000, sum);

        long members = 0;
        for (JsonNode c : json(get(sb, "/api/2.0/cohorts/list", SECRET))) {
            members += c.get("count").asLong();
            assertEquals(c.get("count").asInt(), allProfiles("filter_by_cohort=" + enc("{\"id\":" + c.get("id").asLong() + "}")).size());
        }
        assertEquals(st.get("cohort_members").asLong(), members);
        assertEquals(120, allProfiles("").size());
        assertEquals(st.get("annotations").asInt(), json(get(sb, "/api/2.0/annotations?from_date=" + FROM + "&to_date=" + TO, SECRET)).get("annotations").size());
        int funnelDays = 0;
        for (JsonNode f : json(get(sb, "/api/2.0/funnels/list", SECRET)))
            funnelDays += json(get(sb, "/api/2.0/funnels?funnel_id=" + f.get("funnel_id").asLong() + "&unit=day&from_date=2023-12-01&to_date=" + TO, SECRET)).get("meta").get("dates").size();
        assertEquals(30, funnelDays);
    }

    // ---- export ---------------------------------------------------------------------------------------------

    @Test
    void exportLooksLikeRealEvents() throws Exception {
        HttpResponse<byte[]> r = export(sb, "");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String body = text(r);
        assertTrue(body.endsWith("\n"));
        List<JsonNode> evs = lines(r);
        assertEquals(3000, evs.size());
        double avg = (double) r.body().length / evs.size();
        assertTrue(avg > 350 && avg < 600, "avg event size " + avg);
        Set<String> names = new HashSet<>();
        long prev = 0;
        int noInsert = 0, withNewline = 0, nonAscii = 0;
        for (JsonNode e : evs) {
            names.add(e.get("event").asText());
            JsonNode p = e.get("properties");
            long t = p.get("time").asLong();
            assertTrue(t >= prev, "time order");
            prev = t;
            long proc = p.get("mp_processing_time_ms").asLong();
            assertTrue(proc >= t * 1000 && proc <= t * 1000 + 61_000, "processing time " + proc + " vs " + t);
            assertTrue(p.has("distinct_id") && p.has("$browser") && p.has("$current_url") && p.has("$os") && p.has("mp_lib"));
            if (!p.has("$insert_id")) noInsert++;
            String s = e.toString();
            if (s.contains("\\n")) withNewline++;
            if (!s.chars().allMatch(c -> c < 128)) nonAscii++;
        }
        assertTrue(names.size() >= 8, "event names " + names);
        assertTrue(noInsert > 50 && noInsert < 300, "events without $insert_id: " + noInsert);
        assertTrue(withNewline > 10, "escaped newlines");
        assertTrue(nonAscii > 10, "non-ASCII");
        assertTrue(body.contains("日本") || body.contains("東京") || body.contains("大阪"));
        assertTrue(body.contains("é"));
        assertTrue(body.contains("🚀") || body.contains("😀") || body.contains("🎉"));
        // types: lists, objects, booleans, null, datetimes
        assertTrue(body.contains("\"categories\":[") && body.contains("\"order\":{") && body.contains(":true")
            && body.contains(":null") && body.matches("(?s).*\"paid_at\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\".*"));
    }

    @Test
    void exportGzipDecodesToTheSameBody() throws Exception {
        byte[] raw = export(sb, "").body();
        HttpResponse<byte[]> g = get(sb, "/api/2.0/export?from_date=" + FROM + "&to_date=" + TO, SECRET, "Accept-Encoding", "gzip");
        assertEquals("gzip", g.headers().firstValue("Content-Encoding").orElse(""));
        assertTrue(g.body().length < raw.length / 2);
        assertArrayEquals(raw, gunzip(g.body()));
        // filtered (slow) path and JSON endpoints gzip too
        HttpResponse<byte[]> gf = get(sb, "/api/2.0/export?from_date=" + FROM + "&to_date=" + TO + "&limit=7", SECRET, "Accept-Encoding", "gzip");
        assertEquals(7, new String(gunzip(gf.body()), StandardCharsets.UTF_8).split("\n").length);
        HttpResponse<byte[]> gj = get(sb, "/api/2.0/funnels/list", SECRET, "Accept-Encoding", "gzip");
        assertEquals(3, M.readTree(gunzip(gj.body())).size());
    }

    static byte[] gunzip(byte[] b) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) { return in.readAllBytes(); }
    }

    @Test
    void exportFilters() throws Exception {
        List<JsonNode> all = lines(export(sb, ""));
        // event
        List<JsonNode> ev = lines(export(sb, "&event=" + enc("[\"Purchase\",\"Signed Up\"]")));
        long expected = all.stream().filter(e -> Set.of("Purchase", "Signed Up").contains(e.get("event").asText())).count();
        assertEquals(expected, ev.size());
        assertTrue(ev.size() > 0);
        // where on $time, two bounds
        long lo = all.get(1000).get("properties").get("time").asLong();
        long hi = all.get(2000).get("properties").get("time").asLong();
        List<JsonNode> w = lines(export(sb, "&where=" + enc("properties[\"$time\"]>=datetime(" + lo + ") and properties[\"$time\"]<datetime(" + hi + ")")));
        long exp = all.stream().mapToLong(e -> e.get("properties").get("time").asLong()).filter(t -> t >= lo && t < hi).count();
        assertEquals(exp, w.size());
        List<JsonNode> w1 = lines(export(sb, "&where=" + enc("properties[\"$time\"] > datetime(" + lo + ")")));
        assertEquals(all.stream().filter(e -> e.get("properties").get("time").asLong() > lo).count(), w1.size());
        // limit
        assertEquals(11, lines(export(sb, "&limit=11")).size());
        assertEquals(all.get(0), lines(export(sb, "&limit=11")).get(0));
        // time_in_ms
        List<JsonNode> ms = lines(export(sb, "&time_in_ms=true"));
        assertEquals(all.size(), ms.size());
        for (int i = 0; i < all.size(); i += 97) {
            long sec = all.get(i).get("properties").get("time").asLong();
            long milli = ms.get(i).get("properties").get("time").asLong();
            assertEquals(sec, Math.floorDiv(milli, 1000));
            assertEquals(all.get(i).get("properties").get("$insert_id"), ms.get(i).get("properties").get("$insert_id"));
        }
        // unsupported where, bad event, bad limit
        HttpResponse<byte[]> bad = export(sb, "&where=" + enc("properties[\"plan\"]==\"pro\""));
        assertEquals(400, bad.statusCode());
        assertTrue(json(bad).get("error").asText().contains("unsupported where"));
        assertEquals(400, export(sb, "&event=Purchase").statusCode());
        assertEquals(400, export(sb, "&limit=100001").statusCode());
        // a range outside the data is an empty 200
        HttpResponse<byte[]> empty = get(sb, "/api/2.0/export?from_date=2023-01-01&to_date=2023-01-02", SECRET);
        assertEquals(200, empty.statusCode());
        assertEquals(0, empty.body().length);
        // a sub-range only returns its days
        assertEquals(json(get(sb, "/sandbox/stats", null)).get("events_per_day").get("2024-01-25").asInt()
            + json(get(sb, "/sandbox/stats", null)).get("events_per_day").get("2024-01-26").asInt(),
            lines(get(sb, "/api/2.0/export?from_date=2024-01-25&to_date=2024-01-26", SECRET)).size());
    }

    @Test
    void dateValidation() throws Exception {
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        HttpResponse<byte[]> r = get(sb, "/api/2.0/export?from_date=2024-01-01&to_date=" + tomorrow, SECRET);
        assertEquals(400, r.statusCode());
        JsonNode e = json(r);
        assertEquals("to_date cannot be later than today", e.get("error").asText());
        assertTrue(e.get("request").asText().startsWith("/api/2.0/export?"));
        assertEquals(400, get(sb, "/api/2.0/export?from_date=2024-1-01&to_date=2024-01-02", SECRET).statusCode());
        assertEquals(400, get(sb, "/api/2.0/export?from_date=1999-12-31&to_date=2024-01-02", SECRET).statusCode());
        assertEquals(400, get(sb, "/api/2.0/export?from_date=2024-01-05&to_date=2024-01-02", SECRET).statusCode());
        assertEquals(400, get(sb, "/api/2.0/export?to_date=2024-01-02", SECRET).statusCode());
        assertEquals(400, get(sb, "/api/2.0/engage/revenue?from_date=2024-01-01&to_date=" + tomorrow, SECRET).statusCode());
        assertEquals(400, get(sb, "/api/query/funnels?funnel_id=7509&from_date=2024-01-01&to_date=" + tomorrow, SECRET).statusCode());
    }

    // ---- auth -------------------------------------------------------------------------------------------------

    @Test
    void authentication() throws Exception {
        String q = "/api/2.0/export?from_date=" + TO + "&to_date=" + TO;
        assertEquals(401, get(sb, q, null).statusCode());
        assertEquals(401, get(sb, q, basic("wrong")).statusCode());
        assertEquals(401, get(sb, q, basic("sandbox-user:nope") ).statusCode());
        assertEquals(401, get(sb, q, "Bearer xyz").statusCode());
        assertEquals(200, get(sb, q, SECRET).statusCode());
        assertEquals(200, get(sb, q, SECRET_COLON).statusCode());
        HttpResponse<byte[]> noPid = get(sb, q, SA);
        assertEquals(400, noPid.statusCode());
        assertTrue(json(noPid).get("error").asText().contains("project_id"));
        assertEquals(403, get(sb, q + "&project_id=999", SA).statusCode());
        assertEquals(200, get(sb, q + "&project_id=1234", SA).statusCode());
        assertEquals(403, get(sb, q + "&project_id=999", SECRET).statusCode());
        // query API
        assertEquals(200, get(sb, "/api/query/funnels/list?project_id=1234", SA).statusCode());
        assertEquals(400, get(sb, "/api/query/funnels/list", SA).statusCode());
        JsonNode err = json(get(sb, "/api/2.0/funnels/list", basic("bad")));
        assertTrue(err.has("request") && err.has("error"));
        // app API
        assertEquals(200, get(sb, "/api/app/me", SA).statusCode());
        assertEquals(401, get(sb, "/api/app/me", SECRET).statusCode());
        assertEquals(401, get(sb, "/api/app/projects/1234/schemas", SECRET).statusCode());
        assertEquals(401, get(sb, "/api/app/me", null).statusCode());
        HttpResponse<byte[]> wrong = get(sb, "/api/app/projects/999/schemas", SA);
        assertEquals(403, wrong.statusCode());
        assertEquals("error", json(wrong).get("status").asText());
        assertTrue(json(wrong).has("error"));
        assertEquals(200, get(sb, "/api/app/projects/1234/schemas", SA).statusCode());
        // stats needs none
        assertEquals(200, get(sb, "/sandbox/stats", null).statusCode());
        assertEquals(404, get(sb, "/api/2.0/nope", SECRET).statusCode());
    }

    // ---- query endpoints --------------------------------------------------------------------------------------

    List<JsonNode> allProfiles(String filters) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        String base = "/api/2.0/engage?page_size=25" + (filters.isEmpty() ? "" : "&" + filters);
        JsonNode first = json(get(sb, base, SECRET));
        assertEquals(0, first.get("page").asInt());
        int total = first.get("total").asInt();
        String sid = first.get("session_id").asText();
        first.get("results").forEach(out::add);
        int page = 0;
        JsonNode cur = first;
        while (cur.get("results").size() == 25) {
            page++;
            cur = json(get(sb, base + "&session_id=" + sid + "&page=" + page, SECRET));
            assertFalse(cur.has("total"), "total only on page 0");
            assertEquals(page, cur.get("page").asInt());
            cur.get("results").forEach(out::add);
        }
        assertEquals(total, out.size());
        Set<String> ids = new HashSet<>();
        for (JsonNode p : out) ids.add(p.get("$distinct_id").asText());
        assertEquals(out.size(), ids.size(), "no duplicates across pages");
        return out;
    }

    @Test
    void engage() throws Exception {
        List<JsonNode> all = allProfiles("");
        assertEquals(120, all.size());
        JsonNode p = all.get(0).get("$properties");
        for (String k : List.of("$created", "$last_seen", "$email", "$name", "$browser", "plan", "lifetime_value", "is_active", "tags", "preferences"))
            assertTrue(p.has(k), k);
        assertTrue(p.get("$last_seen").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"));
        // where on $last_seen
        String bound = "2024-01-27T00:00:00";
        long expected = all.stream().filter(x -> x.get("$properties").get("$last_seen").asText().compareTo(bound) >= 0).count();
        assertTrue(expected > 0 && expected < 120);
        assertEquals(expected, allProfiles("where=" + enc("properties[\"$last_seen\"] >= \"" + bound + "\"")).size());
        assertEquals(120 - expected, allProfiles("where=" + enc("properties[\"$last_seen\"] < \"" + bound + "\"")).size());
        // output_properties
        JsonNode some = json(get(sb, "/api/2.0/engage?output_properties=" + enc("[\"$email\",\"plan\"]"), SECRET));
        for (JsonNode r : some.get("results")) {
            Iterator<String> it = r.get("$properties").fieldNames();
            Set<String> keys = new HashSet<>();
            it.forEachRemaining(keys::add);
            assertEquals(Set.of("$email", "plan"), keys);
        }
        // POST form body, same answer as GET, on both paths
        String form = "page_size=25&where=" + enc("properties[\"$last_seen\"] >= \"" + bound + "\"");
        JsonNode viaPost = json(postForm(sb, "/api/query/engage", SECRET, form));
        JsonNode viaGet = json(get(sb, "/api/2.0/engage?" + form, SECRET));
        assertEquals(viaGet, viaPost);
        JsonNode sa = json(postForm(sb, "/api/2.0/engage", SA, form + "&project_id=1234"));
        assertEquals(viaGet, sa);
        // page > 0 needs session_id
        assertEquals(400, get(sb, "/api/2.0/engage?page=1", SECRET).statusCode());
        assertEquals(400, get(sb, "/api/2.0/engage?where=" + enc("properties[\"plan\"] == \"pro\""), SECRET).statusCode());
        assertEquals(400, get(sb, "/api/2.0/engage?filter_by_cohort=" + enc("{\"id\":1}"), SECRET).statusCode());
        // past the end: empty results
        JsonNode first = json(get(sb, "/api/2.0/engage", SECRET));
        JsonNode past = json(get(sb, "/api/2.0/engage?page=5&session_id=" + first.get("session_id").asText(), SECRET));
        assertEquals(0, past.get("results").size());
    }

    @Test
    void cohortListAnswersPostAsTheSpecSaysAndGetAsOlderClientsSend() throws Exception {
        HttpResponse<byte[]> viaPost = postForm(sb, "/api/2.0/cohorts/list", SECRET, "");
        assertEquals(200, viaPost.statusCode());
        assertEquals(json(get(sb, "/api/2.0/cohorts/list", SECRET)), json(viaPost));
        assertEquals(json(viaPost), json(postForm(sb, "/api/query/cohorts/list", SA, "project_id=1234")));
        assertEquals(4, json(viaPost).size());
    }

    @Test
    void aCohortListsItsMembersWithoutAProfileUnlessIncludeAllUsersIsFalse() throws Exception {
        JsonNode st = json(get(sb, "/sandbox/stats", null));
        assertTrue(st.get("cohort_members_without_profile").asInt() >= 4, "at least one per cohort: " + st);
        long withoutProfile = 0;
        for (JsonNode c : json(get(sb, "/api/2.0/cohorts/list", SECRET))) {
            String cohort = "filter_by_cohort=" + enc("{\"id\":" + c.get("id").asLong() + "}");
            List<JsonNode> all = allProfiles(cohort);
            assertEquals(all, allProfiles(cohort + "&include_all_users=true"), "true is the API's default");
            List<JsonNode> profiled = allProfiles(cohort + "&include_all_users=false");
            assertEquals(c.get("count").asInt(), all.size(), "count counts every member");
            assertTrue(profiled.size() < all.size(), "cohort " + c.get("id") + " has members without a profile");
            for (JsonNode p : all) {
                boolean bare = p.get("$properties").isEmpty();
                assertEquals(bare, !profiled.contains(p), p.toString());
                if (bare) {
                    assertTrue(p.get("$distinct_id").asText().startsWith("$device:"), p.toString());
                    withoutProfile++;
                }
            }
            // another listing, another session
            String sidAll = json(get(sb, "/api/2.0/engage?" + cohort, SECRET)).get("session_id").asText();
            String sidProfiled = json(get(sb, "/api/2.0/engage?" + cohort + "&include_all_users=false", SECRET)).get("session_id").asText();
            assertFalse(sidAll.equals(sidProfiled), sidAll);
        }
        assertEquals(st.get("cohort_members_without_profile").asLong(), withoutProfile);
        assertEquals(400, get(sb, "/api/2.0/engage?include_all_users=maybe", SECRET).statusCode());
        // they have no $last_seen: a where on it leaves them out
        String cohort = "filter_by_cohort=" + enc("{\"id\":1000}");
        String where = "&where=" + enc("properties[\"$last_seen\"] >= \"2000-01-01T00:00:00\"");
        assertEquals(allProfiles(cohort + "&include_all_users=false"), allProfiles(cohort + where));
    }

    @Test
    void engageFirstPageWithoutTotalServesAShortPage0WithoutTotalAndTheRestAfterIt() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(10).engageFirstPageWithoutTotal(7).build())) {
            JsonNode first = json(get(s, "/api/2.0/engage?page_size=25", SECRET));
            assertFalse(first.has("total"), first.toString());
            assertEquals(7, first.get("results").size());
            assertEquals(25, first.get("page_size").asInt());
            String sid = first.get("session_id").asText();
            List<String> ids = new ArrayList<>();
            first.get("results").forEach(p -> ids.add(p.get("$distinct_id").asText()));
            for (int page = 1; ; page++) {
                JsonNode cur = json(get(s, "/api/2.0/engage?page_size=25&session_id=" + sid + "&page=" + page, SECRET));
                assertFalse(cur.has("total"));
                if (cur.get("results").isEmpty()) break;
                assertTrue(cur.get("results").size() == 25 || ids.size() + cur.get("results").size() == 120, cur.toString());
                cur.get("results").forEach(p -> ids.add(p.get("$distinct_id").asText()));
            }
            List<String> whole = new ArrayList<>();
            try (Sandbox plain = Sandbox.start(small().events(10).build())) {
                json(get(plain, "/api/2.0/engage?page_size=1000", SECRET)).get("results")
                        .forEach(p -> whole.add(p.get("$distinct_id").asText()));
            }
            assertEquals(whole, ids, "the same profiles, in the same order, none twice");
        }
        assertEquals(3, SandboxOptions.parse("--engage-first-page-without-total", "3").engageFirstPageWithoutTotal);
    }

    @Test
    void propertiesAndNames() throws Exception {
        JsonNode props = json(get(sb, "/api/2.0/engage/properties?limit=2000", SECRET));
        assertEquals("ok", props.get("status").asText());
        JsonNode r = props.get("results");
        assertEquals("datetime", r.get("$last_seen").get("type").asText());
        assertEquals("string", r.get("$email").get("type").asText());
        assertEquals("number", r.get("lifetime_value").get("type").asText());
        assertEquals("boolean", r.get("is_active").get("type").asText());
        assertEquals("list", r.get("tags").get("type").asText());
        assertEquals("object", r.get("preferences").get("type").asText());
        assertEquals(120, r.get("$email").get("count").asInt());

        JsonNode top = json(get(sb, "/api/query/events/properties/top?limit=2000", SECRET));
        Set<String> seen = new HashSet<>();
        for (JsonNode e : lines(export(sb, ""))) e.get("properties").fieldNames().forEachRemaining(seen::add);
        Set<String> reported = new HashSet<>();
        top.fieldNames().forEachRemaining(reported::add);
        assertEquals(seen, reported);
        assertFalse(top.get("time").has("type"));
        assertEquals(3000, top.get("time").get("count").asInt());
        JsonNode purchaseTop = json(get(sb, "/api/2.0/events/properties/top?event=Purchase", SECRET));
        assertTrue(purchaseTop.has("order") && !purchaseTop.has("query"));

        JsonNode names = json(get(sb, "/api/2.0/events/names?type=general&limit=255", SECRET));
        assertEquals(8, names.size());
        assertEquals(3, json(get(sb, "/api/2.0/events/names?limit=3", SECRET)).size());

        JsonNode schemas = json(get(sb, "/api/app/projects/1234/schemas", SA));
        assertEquals("ok", schemas.get("status").asText());
        int events = 0, profiles = 0;
        Set<String> types = new HashSet<>();
        for (JsonNode s : schemas.get("results")) {
            if (s.get("entityType").asText().equals("event")) events++;
            else if (s.get("entityType").asText().equals("profile")) profiles++;
            s.get("schemaJson").get("properties").forEach(p -> {
                if (p.get("type").isArray()) p.get("type").forEach(t -> types.add(t.asText())); else types.add(p.get("type").asText());
            });
        }
        assertTrue(events > 0 && events < 8);
        assertEquals(1, profiles);
        assertTrue(types.containsAll(Set.of("array", "boolean", "integer", "null", "number", "object", "string")), types.toString());
        assertEquals(events, json(get(sb, "/api/app/projects/1234/schemas/event", SA)).get("results").size());
        JsonNode prof = json(get(sb, "/api/app/projects/1234/schemas/profile", SA)).get("results");
        assertEquals("$user", prof.get(0).get("name").asText());
        JsonNode me = json(get(sb, "/api/app/me", SA));
        assertEquals("UTC", me.get("results").get("projects").get("1234").get("timezone").asText());
    }

    @Test
    void theThirdFunnelEndsOnACustomEventWithItsIdAndEveryLaterStepHasTimeBuckets() throws Exception {
        JsonNode list = json(get(sb, "/api/2.0/funnels/list", SECRET));
        for (int i = 0; i < list.size(); i++) {
            JsonNode day = json(get(sb, "/api/2.0/funnels?funnel_id=" + list.get(i).get("funnel_id").asLong()
                    + "&unit=day&from_date=2024-01-25&to_date=2024-01-25", SECRET)).at("/data/2024-01-25");
            JsonNode steps = day.get("steps");
            for (int k = 0; k < steps.size(); k++) {
                JsonNode st = steps.get(k);
                boolean last = k == steps.size() - 1;
                if (i != 2) {
                    assertFalse(st.has("custom_event") || st.has("time_buckets_from_start"), st.toString());
                    continue;
                }
                assertEquals(last, st.get("custom_event").asBoolean(), st.toString());
                assertEquals(last, st.has("custom_event_id"), st.toString());
                if (last) assertTrue(st.get("custom_event_id").isIntegralNumber(), st.toString());
                assertEquals(k > 0, st.has("time_buckets_from_start") && st.has("time_buckets_from_prev"), st.toString());
                if (k > 0) {
                    long sum = 0;
                    for (JsonNode b : st.at("/time_buckets_from_prev/buckets")) sum += b.asLong();
                    assertEquals(st.get("count").asLong(), sum, "the buckets hold the step's count");
                    assertTrue(st.at("/time_buckets_from_start/higher").asLong() >= st.at("/time_buckets_from_start/lower").asLong());
                }
            }
        }
    }

    @Test
    void funnelsRevenueAnnotationsCohorts() throws Exception {
        for (String prefix : List.of("/api/2.0/", "/api/query/")) {
            JsonNode list = json(get(sb, prefix + "funnels/list", SECRET));
            assertEquals(3, list.size());
            for (JsonNode f : list) {
                JsonNode fu = json(get(sb, prefix + "funnels?funnel_id=" + f.get("funnel_id").asLong() + "&unit=day&from_date=2024-01-25&to_date=2024-02-15", SECRET));
                assertEquals(7, fu.get("meta").get("dates").size(), "only days inside the data range");
                JsonNode data = fu.get("data");
                assertTrue(data.has("$overall"));
                assertEquals(8, data.size());
                JsonNode day = data.get("2024-01-25");
                assertTrue(day.get("steps").size() >= 2);
                assertTrue(day.get("steps").get(0).get("avg_time").isNull());
                assertEquals(day.get("steps").size(), day.get("analysis").get("steps").asInt());
            }
            JsonNode rev = json(get(sb, prefix + "engage/revenue?unit=day&from_date=2024-01-01&to_date=2024-01-23", SECRET));
            assertEquals("ok", rev.get("status").asText());
            assertEquals(3, rev.get("results").size());
            assertTrue(rev.get("results").has("$overall") && rev.get("results").has("2024-01-22") && rev.get("results").has("2024-01-23"));
            JsonNode cohorts = json(get(sb, prefix + "cohorts/list", SECRET));
            assertEquals(4, cohorts.size());
            assertEquals(4, json(postForm(sb, prefix + "cohorts/list", SECRET, "")).size());
        }
        assertEquals(400, get(sb, "/api/2.0/funnels?funnel_id=1&from_date=2024-01-25&to_date=2024-01-26", SECRET).statusCode());
        // annotations: at least 3, two share a date, filtered by date in both APIs
        JsonNode all = json(get(sb, "/api/2.0/annotations?from_date=2024-01-01&to_date=2024-01-31", SECRET)).get("annotations");
        assertTrue(all.size() >= 3);
        Map<String, Integer> perDate = new HashMap<>();
        for (JsonNode a : all) perDate.merge(a.get("date").asText().substring(0, 10), 1, Integer::sum);
        assertTrue(perDate.values().stream().anyMatch(n -> n >= 2));
        JsonNode v2 = json(get(sb, "/api/app/projects/1234/annotations?fromDate=2024-01-01&toDate=2024-01-31", SA));
        assertEquals(all.size(), v2.get("results").size());
        assertTrue(v2.get("results").get(0).has("user"));
        String lastDate = all.get(all.size() - 1).get("date").asText().substring(0, 10);
        assertEquals(perDate.get(lastDate), json(get(sb, "/api/2.0/annotations?from_date=" + lastDate + "&to_date=" + lastDate, SECRET)).get("annotations").size());
        assertEquals(perDate.get(lastDate), json(get(sb, "/api/app/projects/1234/annotations?fromDate=" + lastDate + "&toDate=" + lastDate, SA)).get("results").size());
    }

    // ---- faults -----------------------------------------------------------------------------------------------

    @Test
    void fault429And500() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).fault429Every(2).retryAfter(7).fault500Every(3).build())) {
            String q = "/api/2.0/funnels/list";
            assertEquals(200, get(s, q, SECRET).statusCode());               // 1
            HttpResponse<byte[]> r = get(s, q, SECRET);                         // 2
            assertEquals(429, r.statusCode());
            assertEquals("7", r.headers().firstValue("Retry-After").orElse(""));
            assertTrue(json(r).get("error").asText().contains("rate limit"));
            assertEquals(500, get(s, q, SECRET).statusCode());                 // 3
            assertEquals(429, get(s, q, SECRET).statusCode());                 // 4
            assertEquals(200, get(s, q, SECRET).statusCode());                 // 5
            assertEquals(200, get(s, "/sandbox/stats", null).statusCode());   // not counted
            assertEquals(429, get(s, q, SECRET).statusCode());                 // 6
            assertEquals(200, get(s, q, SECRET).statusCode());                 // 7
        }
    }

    @Test
    void faultTerminatedEarlyAndReset() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(500).faultTerminatedEarlyEvery(2).faultResetEvery(3).build())) {
            byte[] whole = export(s, "").body();                               // 1
            HttpResponse<byte[]> te = export(s, "");                           // 2: terminated early
            assertEquals(200, te.statusCode());
            String body = text(te);
            assertTrue(body.endsWith("terminated early\n"));
            String[] lines = body.split("\n");
            assertEquals("terminated early", lines[lines.length - 1]);
            assertThrows(IOException.class, () -> M.readTree(lines[lines.length - 2]), "the record before is cut");
            assertTrue(te.body().length > whole.length / 3 && te.body().length < whole.length * 2 / 3);
            assertThrows(IOException.class, () -> export(s, ""));               // 3: reset mid-body
            assertTrue(text(export(s, "")).endsWith("terminated early\n"));    // 4: terminated early again
            HttpResponse<byte[]> gz = get(s, "/api/2.0/export?from_date=" + FROM + "&to_date=" + TO, SECRET, "Accept-Encoding", "gzip"); // 5
            assertArrayEquals(whole, gunzip(gz.body()));
            HttpResponse<byte[]> gte = get(s, "/api/2.0/export?from_date=" + FROM + "&to_date=" + TO, SECRET, "Accept-Encoding", "gzip"); // 6
            assertTrue(new String(gunzip(gte.body()), StandardCharsets.UTF_8).endsWith("terminated early\n"));
            assertArrayEquals(whole, export(s, "").body());                    // 7: a retry succeeds
            // empty responses are not counted and never faulted
            for (int i = 0; i < 4; i++) assertEquals(0, get(s, "/api/2.0/export?from_date=2023-01-01&to_date=2023-01-01", SECRET).body().length);
        }
    }

    @Test
    void delay() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(10).delayMs(300).build())) {
            long t0 = System.nanoTime();
            assertEquals(200, get(s, "/api/2.0/funnels/list", SECRET).statusCode());
            assertTrue((System.nanoTime() - t0) / 1_000_000 >= 290);
        }
    }

    // ---- determinism, legacy time, options ------------------------------------------------------------------

    @Test
    void sameSeedSameBytes() throws Exception {
        try (Sandbox a = Sandbox.start(small().events(800).seed(7).build());
             Sandbox b = Sandbox.start(small().events(800).seed(7).build());
             Sandbox c = Sandbox.start(small().events(800).seed(8).build())) {
            for (String q : List.of("/api/2.0/export?from_date=" + FROM + "&to_date=" + TO, "/api/2.0/engage", "/api/2.0/cohorts/list",
                "/api/2.0/funnels?funnel_id=7509&from_date=" + FROM + "&to_date=" + TO, "/sandbox/stats",
                "/api/2.0/engage/revenue?from_date=" + FROM + "&to_date=" + TO, "/api/2.0/annotations", "/api/2.0/engage/properties")) {
                assertArrayEquals(get(a, q, SECRET).body(), get(b, q, SECRET).body(), q);
            }
            assertArrayEquals(get(a, "/api/app/projects/1234/schemas", SA).body(), get(b, "/api/app/projects/1234/schemas", SA).body());
            assertFalse(java.util.Arrays.equals(export(a, "").body(), export(c, "").body()));
        }
    }

    @Test
    void legacyLocalTime() throws Exception {
        ZoneId ny = ZoneId.of("America/New_York");
        SandboxOptions.Builder o = small().events(600).timezone(ny).endDate("2024-03-12").days(4); // spans the DST change of 2024-03-10
        try (Sandbox utc = Sandbox.start(o.build()); Sandbox legacy = Sandbox.start(o.legacyLocalTime(true).build())) {
            String q = "/api/2.0/export?from_date=2024-03-09&to_date=2024-03-12";
            // the UTC project's export days are UTC days: New York's last day ends on 2024-03-13 in UTC
            List<JsonNode> a = lines(get(utc, "/api/2.0/export?from_date=2024-03-09&to_date=2024-03-13", SECRET));
            List<JsonNode> b = lines(get(legacy, q, SECRET));
            assertEquals(600, a.size());
            assertEquals(a.size(), b.size());
            JsonNode stats = json(get(legacy, "/sandbox/stats", null));
            for (int i = 0; i < a.size(); i++) {
                long trueSec = a.get(i).get("properties").get("time").asLong();
                long legacySec = b.get(i).get("properties").get("time").asLong();
                LocalDateTime wall = LocalDateTime.ofInstant(Instant.ofEpochSecond(trueSec), ny);
                assertEquals(wall.toEpochSecond(ZoneOffset.UTC), legacySec);
                long proc = b.get(i).get("properties").get("mp_processing_time_ms").asLong();
                assertTrue(proc >= trueSec * 1000 && proc <= trueSec * 1000 + 61_000);
                // days are days of the sandbox timezone
                assertTrue(stats.get("events_per_day").has(wall.toLocalDate().toString()));
            }
            List<JsonNode> ms = lines(get(legacy, q + "&time_in_ms=true", SECRET));
            assertEquals(b.get(5).get("properties").get("time").asLong(), Math.floorDiv(ms.get(5).get("properties").get("time").asLong(), 1000));
            // per-day counts of the zone's days
            String day = "2024-03-10";
            List<JsonNode> one = lines(get(legacy, "/api/2.0/export?from_date=" + day + "&to_date=" + day, SECRET));
            assertEquals(stats.get("events_per_day").get(day).asInt(), one.size());
            for (JsonNode e : one)
                assertEquals(day, LocalDateTime.ofEpochSecond(e.get("properties").get("time").asLong(), 0, ZoneOffset.UTC).toLocalDate().toString());
        }
    }

    @Test
    void commandLineOptions() {
        SandboxOptions d = SandboxOptions.parse();
        assertEquals(8765, d.port);
        assertEquals(42, d.seed);
        assertEquals(10_000, d.events);
        assertEquals(30, d.days);
        assertEquals(500, d.profiles);
        assertEquals(3, d.funnels);
        assertEquals(4, d.cohorts);
        assertEquals("sandbox-api-secret", d.apiSecret);
        assertEquals("sandbox-user", d.serviceAccountUser);
        assertEquals("sandbox-password", d.serviceAccountSecret);
        assertEquals(1234, d.projectId);
        assertEquals("UTC", d.timezone.getId());
        assertEquals(1, d.retryAfter);
        SandboxOptions o = SandboxOptions.parse("--port", "0", "--seed", "9", "--events", "5", "--days", "2", "--end-date", "2024-01-02",
            "--profiles", "3", "--funnels", "1", "--cohorts", "2", "--api-secret", "s", "--service-account", "u:p:q", "--project-id", "7",
            "--timezone", "US/Pacific", "--legacy-local-time", "--fault-429-every", "2", "--retry-after", "3", "--fault-500-every", "4",
            "--fault-terminated-early-every", "5", "--fault-reset-every", "6", "--delay-ms", "7");
        assertEquals("u", o.serviceAccountUser);
        assertEquals("p:q", o.serviceAccountSecret);
        assertTrue(o.legacyLocalTime);
        assertEquals(6, o.faultResetEvery);
        assertEquals(LocalDate.parse("2024-01-02"), o.endDate);
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--events", "x"));
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--bogus"));
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--port"));
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--timezone", "Mars/Base"));
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--service-account", "nocolon"));
        assertThrows(SandboxOptions.HelpRequested.class, () -> SandboxOptions.parse("--help"));
    }
}
