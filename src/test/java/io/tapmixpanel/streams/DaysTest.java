package io.tapmixpanel.streams;

import io.tapmixpanel.config.DateBound;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/state.md "State": which days a run reads, and that its last day is never after today in the zone of those days. */
class DaysTest {
    static final ZoneId PLUS_14 = ZoneId.of("Etc/GMT-14");
    static final ZoneId MINUS_12 = ZoneId.of("Etc/GMT+12");

    static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    @Test
    void exportDaysAreUtcDaysUnlessTimesAreInTheProjectTimezone() {
        assertEquals(ZoneOffset.UTC, Days.exportZone(false, PLUS_14));
        assertEquals(PLUS_14, Days.exportZone(true, PLUS_14));
    }

    @Test
    void withoutEndDateTheLastDayIsTodayInTheZoneOfTheDaysAtAnyHour() {
        // 11:00 UTC: already tomorrow at UTC+14, still today at UTC-12
        Clock late = at("2024-03-10T11:00:00Z");
        assertEquals(LocalDate.of(2024, 3, 10), Days.lastDay(Optional.empty(), ZoneOffset.UTC, late));
        assertEquals(LocalDate.of(2024, 3, 11), Days.lastDay(Optional.empty(), PLUS_14, late));
        assertEquals(LocalDate.of(2024, 3, 9), Days.lastDay(Optional.empty(), MINUS_12, late));
        // 00:30 UTC: UTC-12 is still the day before, UTC+14 the same day
        Clock early = at("2024-03-10T00:30:00Z");
        assertEquals(LocalDate.of(2024, 3, 10), Days.lastDay(Optional.empty(), ZoneOffset.UTC, early));
        assertEquals(LocalDate.of(2024, 3, 10), Days.lastDay(Optional.empty(), PLUS_14, early));
        assertEquals(LocalDate.of(2024, 3, 9), Days.lastDay(Optional.empty(), MINUS_12, early));
        // 10:30 UTC: UTC+14 is at 00:30 of the next day
        Clock turn = at("2024-03-10T10:30:00Z");
        assertEquals(LocalDate.of(2024, 3, 11), Days.lastDay(Optional.empty(), PLUS_14, turn));
        assertEquals(LocalDate.of(2024, 3, 9), Days.lastDay(Optional.empty(), MINUS_12, turn));
    }

    @Test
    void aFutureEndDateIsClampedToTodayInEachZone() {
        Optional<DateBound> future = DateBound.parse("2030-01-01");
        Clock now = at("2024-03-10T11:00:00Z");
        assertEquals(LocalDate.of(2024, 3, 10), Days.lastDay(future, ZoneOffset.UTC, now));
        assertEquals(LocalDate.of(2024, 3, 11), Days.lastDay(future, PLUS_14, now));
        assertEquals(LocalDate.of(2024, 3, 9), Days.lastDay(future, MINUS_12, now));
    }

    @Test
    void aPastEndDateIsKeptAndAnInstantEndDateFallsOnItsDayInTheZone() {
        Clock now = at("2024-03-10T11:00:00Z");
        assertEquals(LocalDate.of(2024, 1, 31), Days.lastDay(DateBound.parse("2024-01-31"), MINUS_12, now));
        Optional<DateBound> instant = DateBound.parse("2024-01-31T20:00:00Z");
        assertEquals(LocalDate.of(2024, 1, 31), Days.lastDay(instant, ZoneOffset.UTC, now));
        assertEquals(LocalDate.of(2024, 2, 1), Days.lastDay(instant, PLUS_14, now));
    }

    @Test
    void aBookmarkResumesFromTheEarlierOfItsUtcDayAndItsProjectDay() {
        // the latest event at 2024-01-09T23:00-08:00 is 2024-01-10 in UTC: resume on the project's day, the 9th
        Optional<String> west = Optional.of("2024-01-10T07:00:00Z");
        assertEquals(Optional.of(LocalDate.of(2024, 1, 9)), Days.resumeDay(west, ZoneOffset.UTC, ZoneId.of("America/Los_Angeles")));
        // at UTC+14 the project's day is the 10th but the UTC day the 9th: resume on the 9th
        Optional<String> east = Optional.of("2024-01-09T11:00:00Z");
        assertEquals(Optional.of(LocalDate.of(2024, 1, 9)), Days.resumeDay(east, ZoneOffset.UTC, PLUS_14));
        // a plain day is that day in both readings
        assertEquals(Optional.of(LocalDate.of(2024, 1, 9)), Days.resumeDay(Optional.of("2024-01-09"), ZoneOffset.UTC, PLUS_14));
        assertEquals(Optional.empty(), Days.resumeDay(Optional.empty(), ZoneOffset.UTC, PLUS_14));
    }

    @Test
    void resumingWithTheEarlierDayLeavesNoGapAfterTheAttributionWindow() {
        // docs/state.md "State": from max(start, min(bookmark day, end - attribution_window)) to end
        Optional<LocalDate> day = Days.resumeDay(Optional.of("2024-01-10T07:00:00Z"), ZoneOffset.UTC, ZoneId.of("America/Los_Angeles"));
        var windows = DateWindow.plan(LocalDate.of(2024, 1, 1), day, LocalDate.of(2024, 1, 12), 0, 30);
        assertEquals(LocalDate.of(2024, 1, 9), windows.get(0).from());
    }
}
