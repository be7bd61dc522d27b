package io.tapmixpanel.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.tapmixpanel.sandbox.SandboxTest.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The limits and failures of real Mixpanel the sandbox reproduces (docs/sandbox.md "Hourly budgets", "Endpoints",
 * "Flags", "Request log"), driven over plain HTTP like {@link SandboxTest}.
 */
class MixpanelLimitsTest {
    static final String FUNNEL_LIST = "/api/2.0/funnels/list";

    // ---- hourly budgets ---------------------------------------------------------------------------------------

    @Test
    void aQueryCallPastTheHourlyBudgetGets429WithMixpanelsTextAndIsNotCounted() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).hourlyLimitQuery(3).quotaWindowS(600).build())) {
            assertEquals(200, get(s, FUNNEL_LIST, SECRET).statusCode());
            assertEquals(200, get(s, "/api/2.0/cohorts/list", SECRET).statusCode());
            assertEquals(200, get(s, "/api/query/events/names", SECRET).statusCode());
            HttpResponse<byte[]> r = get(s, FUNNEL_LIST + "?x=1", SECRET);
            assertEquals(429, r.statusCode());
            JsonNode e = json(r);
            assertEquals("/api/2.0/funnels/list?x=1", e.get("request").asText());
            assertEquals("Query rate limit exceeded for project_id: 1234. 1/5 queries running concurrently and 4/3 queries "
                + "running in the last hour. Please retry later.", e.get("error").asText());
            int retryAfter = Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 600, "Retry-After " + retryAfter);
            // the 429 itself did not count: the next one reads 4/3 again
            assertTrue(json(get(s, "/api/2.0/engage", SECRET)).get("error").asText().contains(" 4/3 queries running in the last hour"));
            // export and the app API have budgets of their own (none here)
            assertEquals(200, export(s, "").statusCode());
            assertEquals(200, get(s, "/api/app/me", SA).statusCode());
        }
    }

    @Test
    void engagePagesWithASessionIdAreNotCounted() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).profiles(100).hourlyLimitQuery(2).build())) {
            JsonNode first = json(get(s, "/api/2.0/engage?page_size=10", SECRET));                         // 1
            String sid = first.get("session_id").asText();
            for (int page = 1; page <= 5; page++)
                assertEquals(200, get(s, "/api/2.0/engage?page_size=10&session_id=" + sid + "&page=" + page, SECRET).statusCode());
            assertEquals(200, postForm(s, "/api/2.0/engage", SECRET, "page_size=10&session_id=" + sid + "&page=6").statusCode());
            assertEquals(200, get(s, FUNNEL_LIST, SECRET).statusCode());                                    // 2
            assertEquals(429, get(s, FUNNEL_LIST, SECRET).statusCode());
        }
    }

    @Test
    void theExportBudgetIsItsOwnAndRetryAfterSaysWhenTheOldestCallAgesOut() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).hourlyLimitExport(1).quotaWindowS(2).build())) {
            assertEquals(200, export(s, "").statusCode());
            HttpResponse<byte[]> r = export(s, "");
            assertEquals(429, r.statusCode());
            assertTrue(json(r).get("error").asText().contains(" 2/1 queries running in the last hour"));
            int retryAfter = Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
            assertEquals(200, get(s, FUNNEL_LIST, SECRET).statusCode());
            Thread.sleep(retryAfter * 1000L);
            assertEquals(200, export(s, "").statusCode());
        }
    }

    @Test
    void noRetryAfterLeavesTheHeaderOut() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).hourlyLimitQuery(1).noRetryAfter(true).build())) {
            assertEquals(200, get(s, FUNNEL_LIST, SECRET).statusCode());
            HttpResponse<byte[]> r = get(s, FUNNEL_LIST, SECRET);
            assertEquals(429, r.statusCode());
            assertTrue(r.headers().firstValue("Retry-After").isEmpty());
        }
        try (Sandbox s = Sandbox.start(small().events(100).fault429Every(1).noRetryAfter(true).build())) {
            HttpResponse<byte[]> r = get(s, FUNNEL_LIST, SECRET);
            assertEquals(429, r.statusCode());
            assertTrue(r.headers().firstValue("Retry-After").isEmpty(), "the 429 fault too");
        }
    }

    @Test
    void withoutHourlyLimitsNothingIsRefused() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).build())) {
            for (int i = 0; i < 70; i++) assertEquals(200, get(s, FUNNEL_LIST, SECRET).statusCode());
        }
    }

    // ---- export days ------------------------------------------------------------------------------------------

    static LocalDate utcDay(JsonNode ev) {
        return Instant.ofEpochSecond(ev.get("properties").get("time").asLong()).atZone(ZoneOffset.UTC).toLocalDate();
    }

    @Test
    void exportDaysAreUtcDaysForAProjectWhoseTimeIsUtc() throws Exception {
        // UTC+14: each project day straddles two UTC days
        try (Sandbox s = Sandbox.start(small().events(900).days(4).timezone("Etc/GMT-14").endDate("2024-01-31").build())) {
            List<JsonNode> all = lines(get(s, "/api/2.0/export?from_date=2024-01-27&to_date=2024-01-31", SECRET));
            assertEquals(900, all.size());
            Map<LocalDate, Integer> perUtcDay = new TreeMap<>();
            for (JsonNode e : all) perUtcDay.merge(utcDay(e), 1, Integer::sum);
            for (LocalDate d = LocalDate.parse("2024-01-27"); !d.isAfter(LocalDate.parse("2024-01-31")); d = d.plusDays(1)) {
                String q = "/api/2.0/export?from_date=" + d + "&to_date=" + d;
                HttpResponse<byte[]> r = get(s, q, SECRET);
                List<JsonNode> one = lines(r);
                assertEquals(perUtcDay.getOrDefault(d, 0), one.size(), "events of UTC day " + d);
                for (JsonNode e : one) assertEquals(d, utcDay(e));
                // the gzip form of a cut day is the same body
                HttpResponse<byte[]> g = get(s, q, SECRET, "Accept-Encoding", "gzip");
                if (r.body().length > 0) assertArrayEquals(r.body(), gunzip(g.body()), "gzip of " + d);
            }
            // the filtered path cuts at UTC midnights too
            assertEquals(perUtcDay.get(LocalDate.parse("2024-01-28")),
                lines(get(s, "/api/2.0/export?from_date=2024-01-28&to_date=2024-01-28&time_in_ms=true", SECRET)).size());
        }
    }

    @Test
    void legacyLocalTimeExportDaysAreDaysOfTheProjectTimezone() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(900).days(4).timezone("Etc/GMT-14").endDate("2024-01-31").legacyLocalTime(true).build())) {
            JsonNode perDay = json(get(s, "/sandbox/stats", null)).get("events_per_day");
            for (String d : List.of("2024-01-28", "2024-01-31"))
                assertEquals(perDay.get(d).asInt(), lines(get(s, "/api/2.0/export?from_date=" + d + "&to_date=" + d, SECRET)).size());
        }
    }

    static void assertTooLate(HttpResponse<byte[]> r) throws Exception {
        assertEquals(400, r.statusCode(), () -> text(r));
        assertEquals("to_date cannot be later than today", json(r).get("error").asText());
    }

    @Test
    void exportToDateIsCheckedAgainstTodayInUtcUnlessLegacyLocalTime() throws Exception {
        ZoneId plus14 = ZoneId.of("Etc/GMT-14"), minus12 = ZoneId.of("Etc/GMT+12");
        String todayUtc = LocalDate.now(ZoneOffset.UTC).toString(), tomorrowUtc = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        try (Sandbox s = Sandbox.start(small().events(100).timezone(plus14).endDate(todayUtc).build())) {
            assertEquals(200, get(s, "/api/2.0/export?from_date=" + todayUtc + "&to_date=" + todayUtc, SECRET).statusCode());
            assertTooLate(get(s, "/api/2.0/export?from_date=" + todayUtc + "&to_date=" + tomorrowUtc, SECRET));
            // the query API keeps the project's days: today in UTC+14 is never too late for funnels and revenue
            String today14 = LocalDate.now(plus14).toString(), tomorrow14 = LocalDate.now(plus14).plusDays(1).toString();
            assertEquals(200, get(s, "/api/2.0/funnels?funnel_id=7509&from_date=" + todayUtc + "&to_date=" + today14, SECRET).statusCode());
            assertEquals(200, get(s, "/api/2.0/engage/revenue?from_date=" + todayUtc + "&to_date=" + today14, SECRET).statusCode());
            assertTooLate(get(s, "/api/2.0/funnels?funnel_id=7509&from_date=" + todayUtc + "&to_date=" + tomorrow14, SECRET));
        }
        for (ZoneId z : List.of(plus14, minus12)) {
            String today = LocalDate.now(z).toString(), tomorrow = LocalDate.now(z).plusDays(1).toString();
            try (Sandbox s = Sandbox.start(small().events(100).timezone(z).legacyLocalTime(true).endDate(today).build())) {
                assertEquals(200, get(s, "/api/2.0/export?from_date=" + today + "&to_date=" + today, SECRET).statusCode(), z.getId());
                assertTooLate(get(s, "/api/2.0/export?from_date=" + today + "&to_date=" + tomorrow, SECRET));
            }
        }
    }

    @Test
    void todayIsTheRealClocksDateNotTheLastDayOfData() throws Exception {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        try (Sandbox s = Sandbox.start(small().events(100).endDate("2024-01-31").build())) {
            assertEquals(200, get(s, "/api/2.0/export?from_date=2024-01-30&to_date=" + today, SECRET).statusCode());
            assertTooLate(get(s, "/api/2.0/export?from_date=2024-01-30&to_date=" + LocalDate.parse(today).plusDays(1), SECRET));
        }
    }

    // ---- endpoint failures ------------------------------------------------------------------------------------

    @Test
    void aMissingEndpointIs404WithTheFamilysErrorBody() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).missingEndpoint("/api/2.0/engage/revenue")
                .missingEndpoint("/api/app/projects/1234/annotations").build())) {
            HttpResponse<byte[]> r = get(s, "/api/2.0/engage/revenue?from_date=2024-01-30&to_date=2024-01-31", SECRET);
            assertEquals(404, r.statusCode());
            assertEquals("/api/2.0/engage/revenue?from_date=2024-01-30&to_date=2024-01-31", json(r).get("request").asText());
            assertTrue(json(r).has("error"));
            HttpResponse<byte[]> app = get(s, "/api/app/projects/1234/annotations", SA);
            assertEquals(404, app.statusCode());
            assertEquals("error", json(app).get("status").asText());
            assertEquals(200, get(s, "/api/2.0/engage", SECRET).statusCode());
            assertEquals(200, get(s, "/api/app/projects/1234/schemas", SA).statusCode());
        }
    }

    @Test
    void aFailingEndpointAnswers500EveryTime() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).failEndpoint("/api/2.0/cohorts/list").build())) {
            for (int i = 0; i < 3; i++) assertEquals(500, get(s, "/api/2.0/cohorts/list", SECRET).statusCode());
            assertEquals(200, get(s, FUNNEL_LIST, SECRET).statusCode());
        }
    }

    @Test
    void revenueTimeoutAnswers400TimeoutErrorAsMixpanelEuDoes() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).revenueTimeout(true).build())) {
            HttpResponse<byte[]> r = get(s, "/api/2.0/engage/revenue?from_date=2024-01-30&to_date=2024-01-31", SECRET);
            assertEquals(400, r.statusCode());
            assertEquals("Timeout Error", json(r).get("error").asText());
            assertEquals(200, get(s, "/api/2.0/funnels?funnel_id=7509&from_date=2024-01-30&to_date=2024-01-31", SECRET).statusCode());
        }
    }

    @Test
    void exportsSpanningMoreThanTheDaysEndTerminatedEarlyEveryTime() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(1000).terminateWindowsLongerThan(3).build())) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> r = get(s, "/api/2.0/export?from_date=2024-01-25&to_date=2024-01-28", SECRET);
                assertEquals(200, r.statusCode());
                String body = text(r);
                assertTrue(body.endsWith("\nterminated early\n"));
                String[] ls = body.split("\n");
                assertThrows(Exception.class, () -> M.readTree(ls[ls.length - 2]), "the last record is cut");
                String gz = new String(gunzip(get(s, "/api/2.0/export?from_date=2024-01-25&to_date=2024-01-28", SECRET,
                    "Accept-Encoding", "gzip").body()), StandardCharsets.UTF_8);
                assertTrue(gz.endsWith("\nterminated early\n"));
            }
            HttpResponse<byte[]> whole = get(s, "/api/2.0/export?from_date=2024-01-26&to_date=2024-01-28", SECRET);
            assertFalse(text(whole).contains("terminated early"));
            assertTrue(lines(whole).size() > 0);
        }
    }

    // ---- request log ------------------------------------------------------------------------------------------

    @Test
    void theRequestLogListsEveryApiRequestInOrderWithItsParametersAndStatus() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).hourlyLimitQuery(2).build())) {
            get(s, "/api/2.0/export?from_date=2024-01-30&to_date=2024-01-31", SECRET);
            postForm(s, "/api/2.0/engage", SECRET, "page_size=5&output_properties=" + enc("[\"$email\"]"));
            get(s, "/sandbox/stats", null);
            get(s, FUNNEL_LIST, SECRET);
            get(s, FUNNEL_LIST, SECRET);
            get(s, "/api/2.0/nope?a=b", SECRET);
            JsonNode log = json(get(s, "/sandbox/requests", null));
            assertEquals(5, log.size(), log::toString);
            JsonNode ex = log.get(0);
            assertEquals("GET", ex.get("method").asText());
            assertEquals("/api/2.0/export", ex.get("path").asText());
            assertEquals("2024-01-30", ex.get("params").get("from_date").asText());
            assertEquals("2024-01-31", ex.get("params").get("to_date").asText());
            assertEquals(200, ex.get("status").asInt());
            assertEquals("POST", log.get(1).get("method").asText());
            assertEquals("[\"$email\"]", log.get(1).get("params").get("output_properties").asText());
            assertEquals(200, log.get(2).get("status").asInt());
            assertEquals(429, log.get(3).get("status").asInt());
            assertEquals("/api/2.0/nope", log.get(4).get("path").asText());
            assertEquals("b", log.get(4).get("params").get("a").asText());
            assertEquals(404, log.get(4).get("status").asInt());
            // reading the log is not logged
            assertEquals(5, json(get(s, "/sandbox/requests", null)).size());
        }
    }

    // ---- options ----------------------------------------------------------------------------------------------

    @Test
    void theNewFlagsParse() {
        SandboxOptions d = SandboxOptions.parse();
        assertEquals(0, d.hourlyLimitExport);
        assertEquals(0, d.hourlyLimitQuery);
        assertEquals(3600, d.quotaWindowS);
        assertFalse(d.noRetryAfter);
        assertFalse(d.revenueTimeout);
        assertEquals(0, d.terminateWindowsLongerThan);
        assertEquals(List.of(), d.missingEndpoints);
        SandboxOptions o = SandboxOptions.parse("--hourly-limit-export", "5", "--hourly-limit-query=8", "--quota-window-s", "15",
            "--no-retry-after", "--missing-endpoint", "/api/2.0/engage/revenue", "--missing-endpoint", "/api/2.0/annotations",
            "--fail-endpoint", "/api/2.0/cohorts/list", "--revenue-timeout", "--terminate-windows-longer-than", "7");
        assertEquals(5, o.hourlyLimitExport);
        assertEquals(8, o.hourlyLimitQuery);
        assertEquals(15, o.quotaWindowS);
        assertTrue(o.noRetryAfter);
        assertEquals(List.of("/api/2.0/engage/revenue", "/api/2.0/annotations"), o.missingEndpoints);
        assertEquals(List.of("/api/2.0/cohorts/list"), o.failEndpoints);
        assertTrue(o.revenueTimeout);
        assertEquals(7, o.terminateWindowsLongerThan);
        assertEquals(o.missingEndpoints, o.toBuilder().build().missingEndpoints);
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--quota-window-s", "0"));
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--missing-endpoint", "engage/revenue"));
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--no-retry-after=1"));
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse("--hourly-limit-query"));
    }
}
