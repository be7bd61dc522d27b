package io.tapmixpanel.streams.export;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LegacyTimeConverterTest {
    private static final ZoneId NY = ZoneId.of("America/New_York");
    private static final long UNKNOWN = Long.MIN_VALUE;

    /** What Mixpanel stored for a pre-2023 project: the wall clock of the zone, written as epoch seconds. */
    private static long local(String wallClock) {
        return LocalDateTime.parse(wallClock).toEpochSecond(ZoneOffset.UTC) * 1000;
    }

    private static long utc(String instant) { return Instant.parse(instant).toEpochMilli(); }

    @Test
    void ordinaryTimesShiftByTheZoneOffsetInWinterAndSummer() {
        LegacyTimeConverter c = new LegacyTimeConverter(NY);
        assertEquals(utc("2024-01-15T17:00:00Z"), c.toUtcMillis(local("2024-01-15T12:00:00"), UNKNOWN));
        assertEquals(utc("2024-07-15T16:00:00Z"), c.toUtcMillis(local("2024-07-15T12:00:00"), UNKNOWN));
        assertEquals(utc("2024-01-15T17:00:00.250Z"), c.toUtcMillis(local("2024-01-15T12:00:00") + 250, UNKNOWN));
    }

    @Test
    void timesRightBeforeAndAfterSpringForward() {
        LegacyTimeConverter c = new LegacyTimeConverter(NY);
        assertEquals(utc("2024-03-10T06:59:59Z"), c.toUtcMillis(local("2024-03-10T01:59:59"), UNKNOWN));
        assertEquals(utc("2024-03-10T07:00:00Z"), c.toUtcMillis(local("2024-03-10T03:00:00"), UNKNOWN));
    }

    @Test
    void aWallClockTimeInTheSpringGapIsReadWithTheOffsetBeforeIt() {
        LegacyTimeConverter c = new LegacyTimeConverter(NY);
        // 02:30 never happened in New York on 2024-03-10; EST (-5) reading gives 07:30Z = 03:30 EDT.
        assertEquals(utc("2024-03-10T07:30:00Z"), c.toUtcMillis(local("2024-03-10T02:30:00"), UNKNOWN));
    }

    @Test
    void anAmbiguousFallBackTimeIsResolvedByTheProcessingTime() {
        LegacyTimeConverter c = new LegacyTimeConverter(NY);
        long wall = local("2024-11-03T01:30:00");
        // First 01:30 (EDT, 05:30Z) processed 20 s later: the later candidate (06:30Z) would be after processing.
        assertEquals(utc("2024-11-03T05:30:00Z"), c.toUtcMillis(wall, utc("2024-11-03T05:30:20Z")));
        // Second 01:30 (EST, 06:30Z) processed 20 s later.
        assertEquals(utc("2024-11-03T06:30:00Z"), c.toUtcMillis(wall, utc("2024-11-03T06:30:20Z")));
        // No processing time: the earlier instant.
        assertEquals(utc("2024-11-03T05:30:00Z"), c.toUtcMillis(wall, UNKNOWN));
    }

    @Test
    void cachedIntervalsDoNotLeakAcrossATransition() {
        LegacyTimeConverter c = new LegacyTimeConverter(NY);
        assertEquals(utc("2024-03-09T17:00:00Z"), c.toUtcMillis(local("2024-03-09T12:00:00"), UNKNOWN));
        assertEquals(utc("2024-03-10T16:00:00Z"), c.toUtcMillis(local("2024-03-10T12:00:00"), UNKNOWN));
        assertEquals(utc("2024-03-09T17:00:00Z"), c.toUtcMillis(local("2024-03-09T12:00:00"), UNKNOWN));
    }

    @Test
    void utcProjectsAreUnchanged() {
        LegacyTimeConverter c = new LegacyTimeConverter(ZoneId.of("UTC"));
        assertEquals(utc("2024-03-10T02:30:00Z"), c.toUtcMillis(local("2024-03-10T02:30:00"), UNKNOWN));
    }
}
