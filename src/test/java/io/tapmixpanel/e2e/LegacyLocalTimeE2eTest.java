package io.tapmixpanel.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pre-2023 project (export {@code time} is New York wall-clock seconds) over the 2024-03-10 DST change, with
 * {@code export_time_in_project_timezone}: every {@code time} must be the true UTC instant.
 */
class LegacyLocalTimeE2eTest {
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final LocalDate END = LocalDate.of(2024, 3, 15);

    @TempDir
    Path dir;

    @Test
    void legacyLocalTimesAreConvertedToTrueUtcAcrossADstChange() throws Exception {
        SandboxOptions legacyOptions = SandboxOptions.builder().port(0).events(1500).days(14).endDate(END)
                .timezone(NEW_YORK).legacyLocalTime(true).build();
        List<ObjectNode> legacy;
        List<ObjectNode> modern;
        Map<LocalDate, Integer> expectedPerDay;
        try (Sandbox s = Sandbox.start(legacyOptions)) {
            assertTrue(s.startDate().isBefore(LocalDate.of(2024, 3, 10)), "the range must span the DST change");
            legacy = run(s, true);
            expectedPerDay = TapHarness.eventsPerDay(s);
        }
        try (Sandbox s = Sandbox.start(legacyOptions.toBuilder().legacyLocalTime(false).build())) {
            modern = run(s, false);
        }
        assertEquals(1500, legacy.size());
        int shifted = 0;
        Map<LocalDate, Integer> perDay = new TreeMap<>();
        expectedPerDay.keySet().forEach(d -> perDay.put(d, 0));
        for (ObjectNode r : legacy) {
            Instant time = Instant.parse(r.get("time").asText());
            long processing = r.get("mp_processing_time_ms").asLong();
            assertFalse(time.toEpochMilli() > processing, "time " + time + " after its processing time " + Instant.ofEpochMilli(processing));
            assertTrue(processing < time.toEpochMilli() + 61_000, "time " + time + " more than 60 s before processing "
                    + Instant.ofEpochMilli(processing) + " (not converted from New York local time?)");
            if (time.atZone(NEW_YORK).toLocalDate().isAfter(LocalDate.of(2024, 3, 10))) shifted++;
            perDay.merge(time.atZone(NEW_YORK).toLocalDate(), 1, Integer::sum);
        }
        assertTrue(shifted > 0, "no event after the DST change");
        assertEquals(expectedPerDay, perDay, "events per New York day");

        // Same seed, a modern project: the same events at the same instants.
        Map<String, Integer> legacyTimes = new HashMap<>();
        Map<String, Integer> modernTimes = new HashMap<>();
        for (ObjectNode r : legacy) legacyTimes.merge(key(r), 1, Integer::sum);
        for (ObjectNode r : modern) modernTimes.merge(key(r), 1, Integer::sum);
        assertEquals(modernTimes, legacyTimes);
    }

    private static String key(ObjectNode r) {
        return r.path("event").asText() + "|" + r.path("distinct_id").asText() + "|" + r.path("mp_reserved_insert_id").asText("-")
                + "|" + Instant.parse(r.get("time").asText());
    }

    private List<ObjectNode> run(Sandbox s, boolean legacy) {
        Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of(
                "export_time_in_project_timezone", legacy, "date_window_size", 5,
                // every event: a modern project's export days are UTC days, so its last New York evening is on the
                // UTC day after the sandbox's last day
                "end_date", TapHarness.exportEnd(s).toString())));
        Path catalog = TapHarness.write(dir, "catalog.json", TapHarness.select(TapHarness.discover(config), "export"));
        return TapHarness.tap("--config", config.toString(), "--catalog", catalog.toString()).assertSingerValid().records("export");
    }
}
