package io.tapmixpanel.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/state.md "Export across runs": a run re-reading days an earlier run read whole writes only the events processed
 * after that run's watermark minus the margin; a state without a usable watermark, or the filter turned off, writes
 * every event of its windows; the watermark never passes the run's start and is not replaced before the run has
 * read past the days it covers.
 */
class ExportWatermarkTest {
    /** After every event of the sandbox's days was processed (their processing time is at most a minute late). */
    private static final Clock LATER = Clock.fixed(Instant.parse("2024-01-12T06:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static Sandbox sandbox() throws Exception {
        return Sandbox.start(SandboxOptions.builder().port(0).events(600).days(5).endDate("2024-01-11").timezone("UTC").build());
    }

    private TapHarness.Messages sync(Sandbox s, Map<String, Object> settings, Optional<ObjectNode> state, Clock clock) {
        Map<String, Object> all = new HashMap<>(Map.of("date_window_size", 1));
        all.putAll(settings);
        Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, all));
        Path catalog = TapHarness.write(dir, "catalog.json", TapHarness.select(TapHarness.discover(config), "export"));
        Optional<Path> stateFile = state.map(v -> TapHarness.write(dir, "state.json", v));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Tap(ConfigLoader.load(List.of(config)), TapHarness.FAST, clock).sync(Optional.of(catalog), stateFile, out);
        return TapHarness.Messages.parse(out.toString(StandardCharsets.UTF_8), false).assertSingerValid();
    }

    private static JsonNode watermark(TapHarness.Messages m) {
        return m.lastState().get("bookmarks").get("export").get("processing_watermark");
    }

    private static long maxProcessing(List<ObjectNode> events) {
        return events.stream().mapToLong(e -> e.get("properties").get("mp_processing_time_ms").asLong()).max().orElseThrow();
    }

    private static String key(JsonNode record) {
        return record.get("mp_reserved_insert_id") + "|" + record.get("event").asText() + "|" + record.get("time").asText()
                + "|" + record.get("distinct_id");
    }

    @Test
    void aSecondRunWritesOnlyTheEventsProcessedWithinTheMarginOfTheFirstRunsWatermark() throws Exception {
        try (Sandbox s = sandbox()) {
            List<ObjectNode> raw = TapHarness.rawExport(s);
            TapHarness.Messages first = sync(s, Map.of(), Optional.empty(), LATER);
            assertEquals(raw.size(), first.records("export").size());
            JsonNode wm = watermark(first);
            long w = maxProcessing(raw);
            assertEquals(w, wm.get("processing_time_ms").asLong(), "the latest processing time seen, before the run's start");
            assertEquals(TapHarness.exportStart(s).toString(), wm.get("from").asText());
            assertEquals(TapHarness.exportEnd(s).toString(), wm.get("through").asText());

            TapHarness.Messages second = sync(s, Map.of("export_watermark_margin_minutes", 30), Optional.of(first.lastState()), LATER);
            long cutoff = w - 30 * 60_000L;
            long expected = raw.stream().filter(e -> e.get("properties").get("mp_processing_time_ms").asLong() >= cutoff).count();
            assertTrue(expected > 0 && expected < raw.size() / 2, "the margin holds a few of the events: " + expected);
            assertEquals(expected, second.records("export").size(), "only events processed within the margin are written again");
            assertEquals(wm, watermark(second), "nothing new was processed: the watermark stays");
        }
    }

    @Test
    void withTheFilterOffOrWithoutAWatermarkEveryEventOfTheReReadDaysIsWrittenAgain() throws Exception {
        try (Sandbox s = sandbox()) {
            int all = TapHarness.rawExport(s).size();
            TapHarness.Messages first = sync(s, Map.of("export_watermark", false), Optional.empty(), LATER);
            assertEquals(all, first.records("export").size());
            assertTrue(watermark(first) == null, "no watermark is kept when the filter is off");
            TapHarness.Messages second = sync(s, Map.of(), Optional.of(first.lastState()), LATER);
            assertEquals(all, second.records("export").size(), "a state without a watermark writes every event once more");
            TapHarness.Messages third = sync(s, Map.of("export_watermark", false), Optional.of(second.lastState()), LATER);
            assertEquals(all, third.records("export").size());
        }
    }

    @Test
    void aChangedExportSelectionDoesNotUseTheWatermarkOfTheOldOne() throws Exception {
        try (Sandbox s = sandbox()) {
            TapHarness.Messages first = sync(s, Map.of(), Optional.empty(), LATER);
            TapHarness.Messages second = sync(s, Map.of("export_events", List.of("Signed Up", "Logged In")),
                    Optional.of(first.lastState()), LATER);
            long selected = first.records("export").stream()
                    .filter(r -> List.of("Signed Up", "Logged In").contains(r.get("event").asText())).count();
            assertTrue(selected > 0);
            assertEquals(selected, second.records("export").size(), "every selected event, though an earlier run wrote them");
        }
    }

    @Test
    void theWatermarkNeverPassesTheRunsStart() throws Exception {
        try (Sandbox s = sandbox()) {
            Clock midDay = Clock.fixed(Instant.parse("2024-01-11T12:00:00Z"), ZoneOffset.UTC);
            TapHarness.Messages first = sync(s, Map.of(), Optional.empty(), midDay);
            assertEquals(midDay.millis(), watermark(first).get("processing_time_ms").asLong());
        }
    }

    @Test
    void untilTheRunHasReadPastTheOldWatermarksLastDayItsStatesKeepTheOldWatermark() throws Exception {
        try (Sandbox s = sandbox()) {
            TapHarness.Messages first = sync(s, Map.of(), Optional.empty(), LATER);
            JsonNode old = watermark(first);
            // The next run starts later, so it would set a later watermark: states before it reads the old "through"
            // day keep the old one, so that a kill there cannot skip events the old run never wrote.
            Clock next = Clock.fixed(Instant.parse("2024-01-12T07:00:00Z"), ZoneOffset.UTC);
            TapHarness.Messages second = sync(s, Map.of("export_watermark_margin_minutes", 0), Optional.of(first.lastState()), next);
            List<JsonNode> marks = second.states().stream()
                    .map(st -> st.get("bookmarks").path("export").get("processing_watermark")).toList();
            assertFalse(marks.isEmpty());
            for (JsonNode m : marks.subList(0, marks.size() - 1)) assertEquals(old, m);
            assertEquals(old.get("processing_time_ms"), marks.get(marks.size() - 1).get("processing_time_ms"),
                    "nothing new was processed, so the latest processing time is still the watermark");
            Map<String, Long> keys = second.records("export").stream().collect(Collectors.groupingBy(ExportWatermarkTest::key, Collectors.counting()));
            assertTrue(keys.values().stream().allMatch(n -> n == 1));
        }
    }
}
