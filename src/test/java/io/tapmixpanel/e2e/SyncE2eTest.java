package io.tapmixpanel.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static io.tapmixpanel.testing.TapHarness.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tap's real code, run through its command line against one in-process sandbox (a week of a Los Angeles
 * project: days of the project's timezone are not UTC days), checked as a user would check its output.
 */
class SyncE2eTest {
    static final ZoneId ZONE = ZoneId.of("America/Los_Angeles");
    static final LocalDate END = LocalDate.of(2024, 1, 10);

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static JsonNode stats;
    static ObjectNode catalog;
    /** The reference run: every stream, 2-day windows. */
    static TapHarness.Messages full;

    @BeforeAll
    static void syncEverything() throws Exception {
        sandbox = Sandbox.start(SandboxOptions.builder().port(0).events(2000).days(7).endDate(END).profiles(300)
                .timezone(ZONE).build());
        stats = TapHarness.stats(sandbox);
        catalog = TapHarness.discover(config(Map.of()));
        full = sync(Map.of("date_window_size", 2), TapHarness.select(catalog, TapHarness.STREAMS.toArray(String[]::new)), null);
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) sandbox.close();
    }

    static Path config(Map<String, Object> extra) {
        return TapHarness.write(dir, "config.json", TapHarness.config(sandbox, extra));
    }

    static TapHarness.Messages sync(Map<String, Object> extra, JsonNode catalog, JsonNode state) {
        List<String> args = new ArrayList<>(List.of("--config", config(extra).toString()));
        if (catalog != null) args.addAll(List.of("--catalog", TapHarness.write(dir, "catalog.json", catalog).toString()));
        if (state != null) args.addAll(List.of("--state", TapHarness.write(dir, "state.json", state).toString()));
        return TapHarness.tap(args.toArray(String[]::new)).assertSingerValid();
    }

    // ---- counts ----

    @Test
    void everyStreamHasTheSandboxsRecordCount() {
        Map<String, Integer> expected = new TreeMap<>(Map.of(
                "export", exportTruth(),
                "engage", stats.get("profiles").asInt(),
                "funnels", stats.get("funnel_days").asInt(),
                "revenue", stats.get("revenue_days").asInt(),
                "annotations", stats.get("annotations").asInt(),
                "cohorts", stats.get("cohorts").asInt(),
                "cohort_members", stats.get("cohort_members").asInt()));
        assertEquals(expected, full.recordCounts());
    }

    /**
     * A modern project's export days are UTC days (docs/streams.md "Streams"), whatever its timezone: end_date 2024-01-10 in
     * Los Angeles stops export at 2024-01-10 23:59:59 UTC, while funnels and revenue read Los Angeles days.
     */
    static int exportTruth() {
        return TapHarness.eventsOnExportDays(sandbox, TapHarness.exportStart(sandbox), END);
    }

    @Test
    void exportEventsPerUtcDayMatchTheSandbox() {
        Map<LocalDate, Integer> expected = new TreeMap<>(TapHarness.eventsPerExportDay(sandbox));
        expected.keySet().removeIf(d -> d.isAfter(END));
        assertTrue(TapHarness.eventsPerExportDay(sandbox).keySet().stream().anyMatch(d -> d.isAfter(END)),
                "the sandbox has events on the UTC day after its last Los Angeles day");
        Map<LocalDate, Integer> perDay = new TreeMap<>();
        expected.keySet().forEach(d -> perDay.put(d, 0));
        for (ObjectNode r : full.records("export")) perDay.merge(TapHarness.day(r, ZoneOffset.UTC), 1, Integer::sum);
        assertEquals(expected, perDay);
    }

    @Test
    void aSyncWithoutCatalogSyncsEveryStream() {
        TapHarness.Messages run = TapHarness.tap("--config", config(Map.of()).toString()).assertSingerValid();
        assertEquals(full.recordCounts(), run.recordCounts());
    }

    // ---- messages ----

    @Test
    void everyStreamGetsOneSchemaBeforeItsRecordsWithKeysAndBookmarkProperties() {
        Map<String, List<String>> keys = Map.of("export", List.of(), "engage", List.of("distinct_id"),
                "funnels", List.of("funnel_id", "date"), "revenue", List.of("date"), "annotations", List.of("id"),
                "cohorts", List.of("id"), "cohort_members", List.of("cohort_id", "distinct_id"));
        for (String s : TapHarness.STREAMS) {
            ObjectNode schema = full.schema(s);
            List<String> k = new ArrayList<>();
            schema.get("key_properties").forEach(n -> k.add(n.asText()));
            assertEquals(keys.get(s), k, s + " key_properties");
        }
        assertEquals("[\"time\"]", full.schema("export").get("bookmark_properties").toString());
        assertEquals("[\"date\"]", full.schema("revenue").get("bookmark_properties").toString());
        assertEquals("[\"date\"]", full.schema("funnels").get("bookmark_properties").toString());
    }

    @Test
    void theValidatorReallyAssertsDateTimeFormatsAndTypes() {
        JsonSchema export = TapHarness.schema(full.schema("export").get("schema"));
        ObjectNode good = full.records("export").get(0).deepCopy();
        assertTrue(export.validate(good).isEmpty());
        ObjectNode badTime = good.deepCopy().put("time", "2024-01-04 00:11:45");
        assertFalse(export.validate(badTime).isEmpty(), "a time without T/zone must be rejected: format is not asserted");
        ObjectNode badTime2 = good.deepCopy().put("time", "yesterday");
        assertFalse(export.validate(badTime2).isEmpty());
        ObjectNode badType = good.deepCopy();
        badType.set("mp_reserved_insert_id", JSON.createObjectNode().put("x", 1));
        assertFalse(export.validate(badType).isEmpty(), "an object in a string column must be rejected");
        JsonSchema revenue = TapHarness.schema(full.schema("revenue").get("schema"));
        ObjectNode badDatetime = full.records("revenue").get(0).deepCopy().put("datetime", "2024-01-04T00:00:00");
        assertFalse(revenue.validate(badDatetime).isEmpty(), "a date-time without offset must be rejected");
    }

    // ---- record shapes (docs/streams.md "Streams") ----

    static final Pattern RFC3339_UTC = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");

    @Test
    void exportRecordsHaveTheShapeOfSpec4() {
        for (ObjectNode r : full.records("export")) {
            assertTrue(r.hasNonNull("event"), "no event: " + r);
            assertTrue(RFC3339_UTC.matcher(r.path("time").asText()).matches(), "time: " + r.get("time"));
            assertNoDollarNames(r, "export");
        }
    }

    private static void assertNoDollarNames(JsonNode n, String where) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertFalse(e.getKey().startsWith("$"), where + ": property name " + e.getKey());
                assertNoDollarNames(e.getValue(), where);
            }
        } else if (n.isArray()) {
            n.forEach(c -> assertNoDollarNames(c, where));
        }
    }

    /**
     * Every raw event (read from the sandbox directly) against its record: properties renamed, values kept,
     * non-string values in string columns written as JSON text, time converted, $insert_id carried over.
     */
    @Test
    void exportRecordsCarryEveryRawPropertyRenamedWithJsonTextInStringColumns() {
        List<ObjectNode> raw = TapHarness.rawExport(sandbox, TapHarness.exportStart(sandbox), END);
        assertEquals(exportTruth(), raw.size());
        Map<String, ObjectNode> byInsertId = new HashMap<>();
        int withoutInsertId = 0;
        for (ObjectNode r : full.records("export")) {
            JsonNode id = r.get("mp_reserved_insert_id");
            if (id == null || id.isNull()) withoutInsertId++;
            else byInsertId.put(id.asText(), r);
        }
        int rawWithout = 0;
        int jsonTextSeen = 0;
        Set<String> stringColumns = stringColumns(full.schema("export").get("schema"));
        for (ObjectNode e : raw) {
            JsonNode props = e.get("properties");
            JsonNode insertId = props.get("$insert_id");
            if (insertId == null) {
                rawWithout++;
                continue;
            }
            ObjectNode r = byInsertId.get(insertId.asText());
            assertNotNull(r, "no record for $insert_id " + insertId);
            assertEquals(e.get("event"), r.get("event"));
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                String name = p.getKey().startsWith("$") ? "mp_reserved_" + p.getKey().substring(1) : p.getKey();
                JsonNode got = r.get(name);
                if (name.equals("time")) {
                    assertEquals(Instant.ofEpochSecond(p.getValue().asLong()), Instant.parse(got.asText()), "time of " + insertId);
                    continue;
                }
                assertNotNull(got, "record " + insertId + " lost " + p.getKey());
                JsonNode v = p.getValue();
                if (stringColumns.contains(name) && !v.isTextual() && !v.isNull()) {
                    jsonTextSeen++;
                    assertTrue(got.isTextual(), name + " should be JSON text: " + got);
                    String text = got.asText();
                    assertFalse(text.matches("(?s).*(\\bTrue\\b|\\bFalse\\b|\\bNone\\b|\\['|\\{').*"), name + " is a Python repr: " + text);
                    assertEquals(v, readJson(text), name + " of " + insertId + ": '" + text + "' is not the JSON of " + v);
                } else if (v.isNumber() && got.isNumber()) {
                    assertEquals(0, v.decimalValue().compareTo(got.decimalValue()), name + " of " + insertId);
                } else {
                    assertEquals(v, got, name + " of " + insertId);
                }
            }
        }
        assertTrue(rawWithout > 0, "the sandbox should have events without $insert_id");
        assertEquals(rawWithout, withoutInsertId, "records without mp_reserved_insert_id");
        assertTrue(jsonTextSeen > 0, "no non-string value in a string column: the JSON-text rule went untested");
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return JSON.getNodeFactory().textNode("<not JSON: " + text + ">");
        }
    }

    private static Set<String> stringColumns(JsonNode schema) {
        Set<String> s = new HashSet<>();
        schema.get("properties").fields().forEachRemaining(e -> {
            JsonNode t = e.getValue().get("type");
            boolean onlyString = t != null && (t.isTextual() ? t.asText().equals("string")
                    : java.util.stream.StreamSupport.stream(t.spliterator(), false).allMatch(x -> x.asText().equals("string") || x.asText().equals("null")));
            if (onlyString) s.add(e.getKey());
        });
        return s;
    }

    @Test
    void engageRecordsAreRenamedWithUtcDatetimes() {
        JsonNode schema = full.schema("engage").get("schema").get("properties");
        Set<String> distinct = new HashSet<>();
        int datetimes = 0;
        for (ObjectNode r : full.records("engage")) {
            assertNoDollarNames(r, "engage");
            distinct.add(r.get("distinct_id").asText());
            assertTrue(RFC3339_UTC.matcher(r.path("mp_reserved_last_seen").asText()).matches(), "last_seen: " + r);
            for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode p = schema.get(e.getKey());
                if (p != null && "date-time".equals(p.path("format").asText()) && e.getValue().isTextual()) {
                    datetimes++;
                    assertTrue(e.getValue().asText().endsWith("Z"), e.getKey() + " = " + e.getValue());
                }
            }
        }
        assertEquals(stats.get("profiles").asInt(), distinct.size());
        assertTrue(datetimes >= 2 * distinct.size(), "engage datetimes (created, last_seen) not typed date-time");
    }

    @Test
    void funnelsAndRevenueRecordsHaveTheShapeOfSpec4() {
        Set<LocalDate> days = TapHarness.eventsPerDay(sandbox).keySet();
        for (ObjectNode r : full.records("funnels")) {
            for (String f : List.of("funnel_id", "name", "date", "datetime", "steps", "analysis")) assertTrue(r.hasNonNull(f), f + ": " + r);
            assertTrue(days.contains(LocalDate.parse(r.get("date").asText())), "funnel date " + r.get("date"));
            assertTrue(RFC3339_UTC.matcher(r.get("datetime").asText()).matches() || r.get("datetime").asText().matches(".*[+-]\\d\\d:\\d\\d"));
            assertTrue(r.get("steps").isArray() && r.get("steps").size() > 0);
            assertTrue(r.get("analysis").isObject());
        }
        Set<LocalDate> revenueDays = new HashSet<>();
        for (ObjectNode r : full.records("revenue")) {
            for (String f : List.of("date", "datetime", "amount", "count", "paid_count")) assertTrue(r.hasNonNull(f), f + ": " + r);
            assertTrue(r.get("amount").isNumber() && r.get("count").isIntegralNumber() && r.get("paid_count").isIntegralNumber(), r.toString());
            revenueDays.add(LocalDate.parse(r.get("date").asText()));
        }
        assertEquals(days, revenueDays, "revenue: one record per day, $overall skipped");
        for (ObjectNode r : full.records("cohort_members")) {
            assertTrue(r.get("cohort_id").isIntegralNumber() && r.get("distinct_id").isTextual(), r.toString());
        }
    }

    // ---- state ----

    @Test
    void stateIsNeverAheadOfTheRecordsWrittenBeforeIt() {
        Instant maxTime = null;
        Map<String, LocalDate> maxDate = new HashMap<>();
        int exportStates = 0;
        for (ObjectNode m : full.messages()) {
            switch (m.get("type").asText()) {
                case "RECORD" -> {
                    JsonNode r = m.get("record");
                    String s = m.get("stream").asText();
                    if (s.equals("export")) {
                        Instant t = Instant.parse(r.get("time").asText());
                        if (maxTime == null || t.isAfter(maxTime)) maxTime = t;
                    } else if (s.equals("revenue")) {
                        maxDate.merge("revenue", LocalDate.parse(r.get("date").asText()), (a, b) -> a.isAfter(b) ? a : b);
                    } else if (s.equals("funnels")) {
                        maxDate.merge("funnel " + r.get("funnel_id").asText(), LocalDate.parse(r.get("date").asText()),
                                (a, b) -> a.isAfter(b) ? a : b);
                    }
                }
                case "STATE" -> {
                    JsonNode b = m.get("value").path("bookmarks");
                    if (b.has("export")) {
                        exportStates++;
                        Instant bm = Instant.parse(b.get("export").get("replication_key_value").asText());
                        assertNotNull(maxTime, "export bookmark before any export record: " + m);
                        assertFalse(bm.isAfter(maxTime), "export bookmark " + bm + " ahead of the records written (max " + maxTime + ")");
                    }
                    if (b.has("revenue")) {
                        LocalDate d = LocalDate.parse(b.get("revenue").get("replication_key_value").asText());
                        assertTrue(maxDate.containsKey("revenue") && !d.isAfter(maxDate.get("revenue")), "revenue bookmark ahead: " + m);
                    }
                    for (JsonNode p : b.path("funnels").path("partitions")) {
                        String key = "funnel " + p.get("context").get("funnel_id").asText();
                        LocalDate d = LocalDate.parse(p.get("replication_key_value").asText());
                        assertTrue(maxDate.containsKey(key) && !d.isAfter(maxDate.get(key)), "funnel bookmark ahead: " + m);
                    }
                }
                default -> { }
            }
        }
        assertTrue(exportStates >= 4, "expected a STATE after each of the 4 export windows, got " + exportStates);
        ObjectNode last = full.lastState();
        assertTrue(last.has("currently_syncing") && last.get("currently_syncing").isNull(), "last STATE: " + last);
        assertEquals(END.toString(), last.get("bookmarks").get("revenue").get("replication_key_value").asText());
        assertEquals(stats.get("funnels").asInt(), last.get("bookmarks").get("funnels").get("partitions").size());
    }

    @Test
    void aSecondRunWithTheFinalStateReReadsOnlyTheAttributionWindow() {
        int window = 2;
        // the watermark off: every event of the re-read days comes again (ExportWatermarkTest covers it on)
        TapHarness.Messages second = sync(Map.of("attribution_window", window, "export_watermark", false),
                TapHarness.select(catalog, "export", "funnels", "revenue"), full.lastState());
        LocalDate from = END.minusDays(window);
        // export reads UTC days (a modern project), up to the last UTC day with events, and re-reads its window
        LocalDate exportEnd = END;
        LocalDate exportFrom = exportEnd.minusDays(window);
        List<ObjectNode> export = second.records("export");
        for (ObjectNode r : export) assertFalse(TapHarness.day(r, ZoneOffset.UTC).isBefore(exportFrom), "re-read before the window: " + r.get("time"));
        assertEquals(TapHarness.eventsOnExportDays(sandbox, exportFrom, exportEnd), export.size(), "every event of the re-read days, again");
        for (ObjectNode r : second.records("revenue")) assertFalse(LocalDate.parse(r.get("date").asText()).isBefore(from), r.toString());
        assertEquals(window + 1, second.records("revenue").size());
        for (ObjectNode r : second.records("funnels")) assertFalse(LocalDate.parse(r.get("date").asText()).isBefore(from), r.toString());
        assertEquals((window + 1) * stats.get("funnels").asInt(), second.records("funnels").size());
        assertTrue(second.lastState().get("currently_syncing").isNull());
    }

    @Test
    void aRunWithEndDateStopsThere() {
        LocalDate end = END.minusDays(3);
        TapHarness.Messages run = sync(Map.of("end_date", end.toString()), TapHarness.select(catalog, "export", "funnels", "revenue"), null);
        // end_date is a UTC day for export (a modern project), a project-timezone day for funnels and revenue
        for (ObjectNode r : run.records("export")) assertFalse(TapHarness.day(r, ZoneOffset.UTC).isAfter(end), r.get("time").asText());
        assertEquals(TapHarness.eventsOnExportDays(sandbox, TapHarness.exportStart(sandbox), end), run.records("export").size());
        for (ObjectNode r : run.records("revenue")) assertFalse(LocalDate.parse(r.get("date").asText()).isAfter(end));
        assertEquals(4, run.records("revenue").size());
        assertEquals(4 * stats.get("funnels").asInt(), run.records("funnels").size());
        Instant bm = Instant.parse(run.lastState().get("bookmarks").get("export").get("replication_key_value").asText());
        assertFalse(bm.atZone(ZoneOffset.UTC).toLocalDate().isAfter(end), "bookmark after end_date: " + bm);
    }

    @Test
    void aSingerIoStateFileIsAcceptedAndTheRunRestartsFromIt() throws Exception {
        JsonNode legacy = JSON.readTree("{\"bookmarks\": {\"export\": \"2024-01-09T00:00:00.000000Z\", \"revenue\": \"2024-01-09\"}}");
        TapHarness.Messages run = sync(Map.of("attribution_window", 0), TapHarness.select(catalog, "export", "revenue"), legacy);
        // The bookmark is an instant. A state of an earlier version read its day in the project's timezone, so export
        // restarts at the earlier of its UTC day and its project day (2024-01-08 in Los Angeles): no gap.
        LocalDate from = Instant.parse("2024-01-09T00:00:00Z").atZone(ZONE).toLocalDate();
        List<ObjectNode> export = run.records("export");
        for (ObjectNode r : export) assertFalse(TapHarness.day(r, ZoneOffset.UTC).isBefore(from), r.get("time").asText());
        assertEquals(TapHarness.eventsOnExportDays(sandbox, from, END), export.size());
        List<String> revenueDates = run.records("revenue").stream().map(r -> r.get("date").asText()).toList();
        assertEquals(List.of("2024-01-09", "2024-01-10"), revenueDates);
        JsonNode b = run.lastState().get("bookmarks");
        assertEquals("time", b.get("export").get("replication_key").asText(), "state is rewritten in the new format");
        assertEquals("2024-01-10", b.get("revenue").get("replication_key_value").asText());
    }

    // ---- selection ----

    @Test
    void aDeselectedPropertyIsRemovedFromRecords() {
        assertTrue(full.records("export").stream().anyMatch(r -> r.has("mp_reserved_browser")));
        assertTrue(full.records("engage").stream().anyMatch(r -> r.has("plan")));
        ObjectNode c = TapHarness.select(catalog, "export", "engage");
        TapHarness.propertyMetadata(TapHarness.entry(c, "export"), "mp_reserved_browser").put("selected", false);
        TapHarness.propertyMetadata(TapHarness.entry(c, "engage"), "plan").put("selected", false);
        // An automatic property stays even when deselected.
        TapHarness.propertyMetadata(TapHarness.entry(c, "engage"), "distinct_id").put("selected", false);
        TapHarness.Messages run = sync(Map.of(), c, null);
        assertEquals(exportTruth(), run.records("export").size());
        assertTrue(run.records("export").stream().noneMatch(r -> r.has("mp_reserved_browser")));
        assertTrue(run.records("engage").stream().noneMatch(r -> r.has("plan")));
        assertTrue(run.records("engage").stream().allMatch(r -> r.hasNonNull("distinct_id")));
        assertFalse(run.schema("export").get("schema").get("properties").has("mp_reserved_browser"), "SCHEMA still has the deselected property");
    }

    @Test
    void withSelectPropertiesByDefaultFalsePropertiesNotInTheCatalogAreDropped() {
        ObjectNode c = TapHarness.discover(config(Map.of("select_properties_by_default", false)));
        c = TapHarness.select(c, "export", "engage");
        ObjectNode exportSchema = (ObjectNode) TapHarness.entry(c, "export").get("schema");
        assertTrue(exportSchema.get("properties").has("referrer"));
        ((ObjectNode) exportSchema.get("properties")).remove("referrer");
        ObjectNode engageSchema = (ObjectNode) TapHarness.entry(c, "engage").get("schema");
        ((ObjectNode) engageSchema.get("properties")).remove("plan");
        assertTrue(full.records("export").stream().anyMatch(r -> r.has("referrer")));
        TapHarness.Messages run = sync(Map.of("select_properties_by_default", false), c, null);
        assertEquals(exportTruth(), run.records("export").size());
        Set<String> allowed = new HashSet<>();
        exportSchema.get("properties").fieldNames().forEachRemaining(allowed::add);
        for (ObjectNode r : run.records("export")) {
            r.fieldNames().forEachRemaining(f -> assertTrue(allowed.contains(f), "property not in the catalog: " + f));
        }
        assertTrue(run.records("engage").stream().noneMatch(r -> r.has("plan")));
        assertEquals(stats.get("profiles").asInt(), run.records("engage").size());
    }

    @Test
    void cohortMembersAloneStillWorks() {
        TapHarness.Messages run = sync(Map.of(), TapHarness.select(catalog, "cohort_members"), null);
        assertEquals(Map.of("cohort_members", stats.get("cohort_members").asInt()), run.recordCounts());
        assertTrue(run.messages().stream().filter(m -> m.get("type").asText().equals("SCHEMA"))
                .allMatch(m -> m.get("stream").asText().equals("cohort_members")), "SCHEMA of an unselected stream");
        assertEquals(TapHarness.multiset(full.records("cohort_members")), TapHarness.multiset(run.records("cohort_members")));
    }

    @Test
    void engageIncrementalWithABookmarkReadsOnlyProfilesSeenSince() {
        List<String> seen = new ArrayList<>(full.records("engage").stream().map(r -> r.get("mp_reserved_last_seen").asText()).sorted().toList());
        String bookmark = seen.get(seen.size() / 2);
        long expected = seen.stream().filter(s -> Instant.parse(s).compareTo(Instant.parse(bookmark)) >= 0).count();
        ObjectNode c = TapHarness.select(catalog, "engage");
        TapHarness.streamMetadata(TapHarness.entry(c, "engage")).put("replication-method", "INCREMENTAL");
        ObjectNode state = JSON.createObjectNode();
        state.putObject("bookmarks").putObject("engage").put("replication_key", "mp_reserved_last_seen").put("replication_key_value", bookmark);
        TapHarness.Messages run = sync(Map.of(), c, state);
        List<ObjectNode> profiles = run.records("engage");
        assertTrue(profiles.size() < seen.size(), "incremental engage read every profile");
        for (ObjectNode p : profiles) {
            assertFalse(Instant.parse(p.get("mp_reserved_last_seen").asText()).isBefore(Instant.parse(bookmark)), p.toString());
        }
        assertEquals(expected, profiles.size());
        assertEquals("[\"mp_reserved_last_seen\"]", run.schema("engage").get("bookmark_properties").toString());
        String newBookmark = run.lastState().get("bookmarks").get("engage").get("replication_key_value").asText();
        assertEquals(Instant.parse(seen.get(seen.size() - 1)), Instant.parse(newBookmark));
    }

    static String utc(Instant t) { return t.atOffset(ZoneOffset.UTC).toString(); }
}
