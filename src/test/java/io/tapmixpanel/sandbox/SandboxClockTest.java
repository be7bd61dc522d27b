package io.tapmixpanel.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.tapmixpanel.sandbox.SandboxTest.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The sandbox's clock and late events (docs/sandbox.md "Time"), driven over plain HTTP like {@link SandboxTest}.
 */
class SandboxClockTest {
    static final String ALL_DAYS = "/api/2.0/export?from_date=2024-01-22&to_date=2024-01-31";
    static final long HOUR_MS = 3_600_000L;

    static SandboxOptions.Builder late() {
        return small().events(3000).lateFraction(0.2).lateMaxDays(4).now("2024-02-10T00:00:00Z");
    }

    static HttpResponse<byte[]> post(Sandbox s, String pathAndQuery, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.baseUrl() + pathAndQuery)).timeout(Duration.ofSeconds(20));
        if (form != null) b.header("Content-Type", "application/x-www-form-urlencoded");
        return HTTP.send(b.POST(HttpRequest.BodyPublishers.ofString(form == null ? "" : form)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> moveClock(Sandbox s, String now) throws Exception {
        HttpResponse<byte[]> r = post(s, "/sandbox/clock?now=" + enc(now), null);
        assertEquals(200, r.statusCode(), () -> text(r));
        return r;
    }

    static JsonNode stats(Sandbox s) throws Exception { return json(get(s, "/sandbox/stats", null)); }

    static long processedMs(JsonNode ev) { return ev.get("properties").get("mp_processing_time_ms").asLong(); }

    static long delayMs(JsonNode ev) { return processedMs(ev) - ev.get("properties").get("time").asLong() * 1000; }

    static List<String> rawLines(HttpResponse<byte[]> r) {
        List<String> out = new ArrayList<>();
        for (String l : text(r).split("\n")) if (!l.isEmpty()) out.add(l);
        return out;
    }

    static String sha256(byte[] b) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (byte x : MessageDigest.getInstance("SHA-256").digest(b)) sb.append(String.format("%02x", x));
        return sb.toString();
    }

    // ---- the default is what it always was ----------------------------------------------------------------------

    @Test
    void withoutTheNewFlagsTheClockIsRealAndTheExportBytesAreThoseOfEarlierVersions() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(5000).days(10).endDate("2024-01-31").build())) {
            // the SHA-256 prefix of this body as the sandbox served it before it had a clock: tests and
            // benchmarks compare against these bytes
            HttpResponse<byte[]> r = get(s, "/api/2.0/export?from_date=2024-01-20&to_date=2024-01-31", SECRET);
            assertEquals(2_314_461, r.body().length);
            assertTrue(sha256(r.body()).startsWith("8d89368fea286669"), sha256(r.body()));
            JsonNode clock = json(get(s, "/sandbox/clock", null));
            assertFalse(clock.get("simulated").asBoolean());
            assertFalse(s.clockSimulated());
            Instant now = Instant.parse(clock.get("now").asText());
            assertTrue(Math.abs(now.toEpochMilli() - System.currentTimeMillis()) < 86_400_000L, now::toString);
            JsonNode st = stats(s);
            assertTrue(st.get("now").isNull());
            assertEquals(0, st.get("late_events").asLong());
            assertEquals(5000, st.get("visible_events").asLong());
            assertEquals(0, st.get("visible_late_events").asLong());
            assertEquals(st.get("events_per_day"), st.get("visible_events_per_day"));
        }
    }

    @Test
    void onTheRealClockEveryGeneratedEventIsServedEvenLaterTodayAndLateOnes() throws Exception {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        try (Sandbox s = Sandbox.start(small().events(600).days(3).endDate(today).lateFraction(0.5).build())) {
            List<JsonNode> all = lines(get(s, "/api/2.0/export?from_date=" + LocalDate.parse(today).minusDays(2) + "&to_date=" + today, SECRET));
            assertEquals(600, all.size());
            JsonNode st = stats(s);
            assertEquals(600, st.get("visible_events").asLong());
            assertEquals(st.get("late_events"), st.get("visible_late_events"));
        }
    }

    // ---- moving the clock -----------------------------------------------------------------------------------------

    @Test
    void theClockStandsAtNowAndMovesForwardAndBackOnPost() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).now("2024-01-31T12:00:00Z").build())) {
            JsonNode c = json(get(s, "/sandbox/clock", null));
            assertEquals("2024-01-31T12:00:00Z", c.get("now").asText());
            assertTrue(c.get("simulated").asBoolean());
            JsonNode moved = json(moveClock(s, "2024-02-05T08:30:00Z"));
            assertEquals("2024-02-05T08:30:00Z", moved.get("now").asText());
            assertTrue(moved.get("simulated").asBoolean());
            assertEquals("2024-02-05T08:30:00Z", json(get(s, "/sandbox/clock", null)).get("now").asText());
            assertEquals("2024-01-20T00:00:00Z", json(moveClock(s, "2024-01-20T00:00:00Z")).get("now").asText(), "backwards too");
            assertEquals("2024-01-25T00:00:00.250Z", json(post(s, "/sandbox/clock", "now=2024-01-25T00%3A00%3A00.250Z")).get("now").asText(), "form body");
            assertEquals(Instant.parse("2024-01-25T00:00:00.250Z"), s.now());
            s.setNow(Instant.parse("2024-01-26T00:00:00Z"));
            assertEquals("2024-01-26T00:00:00Z", stats(s).get("now").asText());
            // the clock routes are not API requests
            assertEquals("[]", text(get(s, "/sandbox/requests", null)));
        }
    }

    @Test
    void aPostOnTheRealClockStartsSimulatedTime() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).build())) {
            moveClock(s, "2024-01-31T00:00:00Z");
            assertTrue(s.clockSimulated());
            assertEquals("2024-01-31T00:00:00Z", stats(s).get("now").asText());
        }
    }

    @Test
    void aBadInstantIs400WithAMessageNamingItAndLeavesTheClockAlone() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).now("2024-01-31T12:00:00Z").build())) {
            for (String bad : List.of("yesterday", "2024-01-31", "2024-01-31T12:00:00", "1999-12-31T23:59:59Z")) {
                HttpResponse<byte[]> r = post(s, "/sandbox/clock?now=" + enc(bad), null);
                assertEquals(400, r.statusCode(), bad);
                String error = json(r).get("error").asText();
                assertTrue(error.startsWith("now: ") && error.contains(bad), error);
            }
            assertTrue(json(post(s, "/sandbox/clock?now=yesterday", null)).get("error").asText().contains("ISO-8601 instant"));
            HttpResponse<byte[]> missing = post(s, "/sandbox/clock", null);
            assertEquals(400, missing.statusCode());
            assertTrue(json(missing).get("error").asText().contains("now is a required parameter"));
            HttpRequest put = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/sandbox/clock?now=2024-02-01T00:00:00Z"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build();
            assertEquals(405, HTTP.send(put, HttpResponse.BodyHandlers.ofByteArray()).statusCode());
            assertEquals("2024-01-31T12:00:00Z", json(get(s, "/sandbox/clock", null)).get("now").asText());
        }
    }

    @Test
    void todayFollowsTheClockForExportAndTheReports() throws Exception {
        try (Sandbox s = Sandbox.start(small().events(100).now("2024-01-31T23:00:00Z").timezone("Etc/GMT-14").build())) {
            // export: UTC days; the reports: the project's days (UTC+14 is already 2024-02-01 13:00)
            assertEquals(200, get(s, "/api/2.0/export?from_date=2024-01-31&to_date=2024-01-31", SECRET).statusCode());
            MixpanelLimitsTest.assertTooLate(get(s, "/api/2.0/export?from_date=2024-01-31&to_date=2024-02-01", SECRET));
            assertEquals(200, get(s, "/api/2.0/engage/revenue?from_date=2024-01-31&to_date=2024-02-01", SECRET).statusCode());
            MixpanelLimitsTest.assertTooLate(get(s, "/api/2.0/funnels?funnel_id=7509&from_date=2024-01-31&to_date=2024-02-02", SECRET));
            moveClock(s, "2024-02-01T00:00:00Z");
            assertEquals(200, get(s, "/api/2.0/export?from_date=2024-01-31&to_date=2024-02-01", SECRET).statusCode());
            moveClock(s, "2024-01-30T12:00:00Z");
            MixpanelLimitsTest.assertTooLate(get(s, "/api/2.0/export?from_date=2024-01-31&to_date=2024-01-31", SECRET));
        }
        // a legacy project's export days, and so its today, are the project's
        try (Sandbox s = Sandbox.start(small().events(100).now("2024-01-31T23:00:00Z").timezone("Etc/GMT-14").legacyLocalTime(true).build())) {
            assertEquals(200, get(s, "/api/2.0/export?from_date=2024-01-31&to_date=2024-02-01", SECRET).statusCode());
        }
    }

    @Test
    void withoutAnEndDateTheDataEndsOnTheDayOfNow() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(100).days(3).now("2026-11-30T12:00:00Z").build())) {
            assertEquals(LocalDate.parse("2026-11-30"), s.endDate());
        }
    }

    // ---- late events and what export serves ----------------------------------------------------------------------

    @Test
    void lateEventsAreProcessedHoursToDaysAfterTheirTimeTheOthersWithinAMinute() throws Exception {
        try (Sandbox s = Sandbox.start(late().build())) {
            List<JsonNode> all = lines(get(s, ALL_DAYS, SECRET));
            assertEquals(3000, all.size(), "at 2024-02-10 every event is processed");
            int lateCount = 0;
            long minLate = Long.MAX_VALUE, maxLate = 0;
            for (JsonNode e : all) {
                long d = delayMs(e);
                assertTrue(d >= 0, e::toString);
                if (d < 61_000) continue;   // processed within a minute (time is in whole seconds)
                assertTrue(d >= HOUR_MS && d <= 4 * 24 * HOUR_MS, e::toString);
                lateCount++;
                minLate = Math.min(minLate, d);
                maxLate = Math.max(maxLate, d);
            }
            assertEquals(stats(s).get("late_events").asInt(), lateCount);
            assertTrue(lateCount > 450 && lateCount < 750, "about 20 % of 3000: " + lateCount);
            assertTrue(minLate < 12 * HOUR_MS && maxLate > 3 * 24 * HOUR_MS, "hours to days: " + minLate + ".." + maxLate);
        }
    }

    @Test
    void exportServesExactlyTheEventsProcessedByNowAsTheClockMoves() throws Exception {
        try (Sandbox s = Sandbox.start(late().build())) {
            List<String> everything = rawLines(get(s, ALL_DAYS, SECRET));
            assertEquals(3000, everything.size());
            Map<String, Long> processed = new HashMap<>();
            for (String l : everything) processed.put(l, processedMs(M.readTree(l)));
            // forward, back, and again: the same instant serves the same bytes
            for (String now : List.of("2024-01-25T06:00:00Z", "2024-01-31T12:00:00Z", "2024-02-02T00:00:00Z",
                    "2024-01-29T00:00:00Z", "2024-02-02T00:00:00Z")) {
                moveClock(s, now);
                long nowMs = Instant.parse(now).toEpochMilli();
                LocalDate today = LocalDate.ofInstant(Instant.parse(now), ZoneOffset.UTC);
                String upToToday = "/api/2.0/export?from_date=2024-01-22&to_date=" + (today.isBefore(END) ? today : END);
                HttpResponse<byte[]> r = get(s, upToToday, SECRET);
                assertEquals(200, r.statusCode(), now);
                List<String> expected = new ArrayList<>();
                for (String l : everything) if (processed.get(l) <= nowMs) expected.add(l);
                List<String> served = rawLines(r);
                assertTrue(expected.equals(served), () -> "at " + now + ": " + expected.size() + " processed, " + served.size() + " served");
                assertTrue(expected.size() < 3000, now);
                // the gzip form of the partly visible days is the same body
                assertArrayEquals(r.body(), gunzip(get(s, upToToday, SECRET, "Accept-Encoding", "gzip").body()), now);
                // the filtered path hides the same events
                List<JsonNode> inMs = lines(get(s, upToToday + "&time_in_ms=true&event=" + enc("[\"Viewed Page\"]"), SECRET));
                long viewed = expected.stream().filter(l -> l.startsWith("{\"event\":\"Viewed Page\"")).count();
                assertEquals(viewed, inMs.size(), now);
                for (JsonNode e : inMs) assertTrue(processedMs(e) <= nowMs);
            }
        }
    }

    @Test
    void aLateEventAppearsOnlyOnceNowPassesItsProcessingTime() throws Exception {
        try (Sandbox s = Sandbox.start(late().build())) {
            JsonNode lateOne = null;
            for (JsonNode e : lines(get(s, ALL_DAYS, SECRET))) if (delayMs(e) > 24 * HOUR_MS) { lateOne = e; break; }
            assertNotNull(lateOne);
            long processed = processedMs(lateOne);
            String day = Instant.ofEpochSecond(lateOne.get("properties").get("time").asLong()).atZone(ZoneOffset.UTC).toLocalDate().toString();
            String q = "/api/2.0/export?from_date=" + day + "&to_date=" + day;
            String line = M.writeValueAsString(lateOne);
            s.setNow(Instant.ofEpochMilli(processed - 1));
            assertFalse(lines(get(s, q, SECRET)).contains(lateOne), "a millisecond before its processing time");
            s.setNow(Instant.ofEpochMilli(processed));
            assertTrue(lines(get(s, q, SECRET)).contains(lateOne), "at its processing time: " + line);
        }
    }

    @Test
    void statsCountWhatIsVisibleAtNowPerDayAndTheLateOnes() throws Exception {
        try (Sandbox s = Sandbox.start(late().build())) {
            moveClock(s, "2024-01-30T18:00:00Z");
            JsonNode st = stats(s);
            assertEquals("2024-01-30T18:00:00Z", st.get("now").asText());
            assertEquals(3000, st.get("events").asLong(), "what was generated does not move");
            JsonNode perDay = st.get("visible_events_per_day");
            assertEquals(10, perDay.size());
            MixpanelLimitsTest.assertTooLate(get(s, "/api/2.0/export?from_date=2024-01-31&to_date=2024-01-31", SECRET));
            long sum = 0, lateServed = 0;
            // 2024-01-31 is after today: export refuses it, and nothing of it is visible
            for (LocalDate d = LocalDate.parse("2024-01-22"); d.isBefore(END); d = d.plusDays(1)) {
                List<JsonNode> served = lines(get(s, "/api/2.0/export?from_date=" + d + "&to_date=" + d, SECRET));
                assertEquals(perDay.get(d.toString()).asInt(), served.size(), d.toString());
                for (JsonNode e : served) if (delayMs(e) >= HOUR_MS) lateServed++;
                sum += served.size();
            }
            assertEquals(0, perDay.get("2024-01-31").asInt(), "nothing of tomorrow");
            assertTrue(perDay.get("2024-01-30").asInt() < st.get("events_per_day").get("2024-01-30").asInt());
            assertEquals(st.get("events_per_day").get("2024-01-22"), perDay.get("2024-01-22"), "a day long past");
            assertEquals(sum, st.get("visible_events").asLong());
            assertEquals(lateServed, st.get("visible_late_events").asLong());
            assertTrue(lateServed > 0 && lateServed < st.get("late_events").asLong());
            assertEquals(st, M.readTree(s.statsJson()), "the in-process view is the same body");
        }
    }

    // ---- determinism ---------------------------------------------------------------------------------------------

    @Test
    void theSameSeedAndFlagsServeTheSameBytesAtTheSameNow() throws Exception {
        try (Sandbox a = Sandbox.start(late().seed(7).build()); Sandbox b = Sandbox.start(late().seed(7).build());
             Sandbox c = Sandbox.start(late().seed(8).build())) {
            for (String now : List.of("2024-01-30T00:00:00Z", "2024-02-01T12:00:00Z")) {
                for (Sandbox x : List.of(a, b, c)) moveClock(x, now);
                for (String q : List.of(ALL_DAYS, ALL_DAYS + "&time_in_ms=true", "/sandbox/stats"))
                    assertArrayEquals(get(a, q, SECRET).body(), get(b, q, SECRET).body(), q + " at " + now);
                assertNotEquals(stats(a).get("visible_events_per_day"), stats(c).get("visible_events_per_day"));
            }
        }
    }

    @Test
    void lateEventsChangeTheirProcessingTimeAndNothingElse() throws Exception {
        try (Sandbox plain = Sandbox.start(small().events(3000).seed(5).build());
             Sandbox withLate = Sandbox.start(small().events(3000).seed(5).lateFraction(0.2).now("2024-02-10T00:00:00Z").build())) {
            List<JsonNode> p = lines(get(plain, ALL_DAYS, SECRET)), l = lines(get(withLate, ALL_DAYS, SECRET));
            assertEquals(p.size(), l.size());
            int changed = 0;
            for (int i = 0; i < p.size(); i++) {
                if (p.get(i).equals(l.get(i))) continue;
                changed++;
                assertTrue(delayMs(l.get(i)) >= HOUR_MS, l.get(i)::toString);
                ((ObjectNode) p.get(i).get("properties")).remove("mp_processing_time_ms");
                ((ObjectNode) l.get(i).get("properties")).remove("mp_processing_time_ms");
                assertEquals(p.get(i), l.get(i));
            }
            assertEquals(stats(withLate).get("late_events").asInt(), changed);
        }
    }

    @Test
    void aSimulatedClockWithoutLateEventsServesEverythingOnceTheDataIsProcessed() throws Exception {
        try (Sandbox real = Sandbox.start(small().events(3000).build());
             Sandbox s = Sandbox.start(small().events(3000).now("2024-02-01T00:01:00Z").build())) {
            assertArrayEquals(export(real, "").body(), export(s, "").body(), "the same bytes as on the real clock");
            JsonNode st = stats(s);
            assertEquals(3000, st.get("visible_events").asLong());
            assertEquals(0, st.get("late_events").asLong());
        }
    }

    // ---- command line ----------------------------------------------------------------------------------------------

    @Test
    void theClockFlagsParseAndBadValuesAreOneLineUsageErrors() {
        SandboxOptions d = SandboxOptions.parse();
        assertNull(d.now);
        assertEquals(0.0, d.lateFraction);
        assertEquals(4, d.lateMaxDays);
        SandboxOptions o = SandboxOptions.parse("--now", "2026-11-30T12:00:00Z", "--late-fraction", "0.05", "--late-max-days=6");
        assertEquals(Instant.parse("2026-11-30T12:00:00Z"), o.now);
        assertEquals(0.05, o.lateFraction);
        assertEquals(6, o.lateMaxDays);
        assertEquals(LocalDate.parse("2026-11-30"), o.effectiveEndDate());
        Map<String[], String> bad = new TreeMap<>((x, y) -> String.join(" ", x).compareTo(String.join(" ", y)));
        bad.put(new String[] {"--now", "tomorrow"}, "--now: not an ISO-8601 instant such as 2026-11-30T12:00:00Z: 'tomorrow'");
        bad.put(new String[] {"--now", "1990-01-01T00:00:00Z"}, "--now: must be between 2000-01-01T00:00:00Z");
        bad.put(new String[] {"--late-fraction", "1.5"}, "--late-fraction: must be between 0 and 1: 1.5");
        bad.put(new String[] {"--late-fraction", "NaN"}, "--late-fraction: must be between 0 and 1: NaN");
        bad.put(new String[] {"--late-fraction", "some"}, "--late-fraction: not a number: some");
        bad.put(new String[] {"--late-max-days", "0"}, "--late-max-days: must be between 1 and 20: 0");
        bad.put(new String[] {"--late-max-days", "21"}, "--late-max-days: must be between 1 and 20: 21");
        bad.put(new String[] {"--now"}, "--now needs a value");
        for (Map.Entry<String[], String> e : bad.entrySet()) {
            SandboxOptions.UsageException x = assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.parse(e.getKey()));
            assertTrue(x.getMessage().startsWith(e.getValue()), x.getMessage());
        }
        assertThrows(SandboxOptions.UsageException.class, () -> SandboxOptions.builder().lateFraction(-0.1).build());
        assertTrue(SandboxOptions.USAGE.contains("--late-fraction F"));
    }
}
