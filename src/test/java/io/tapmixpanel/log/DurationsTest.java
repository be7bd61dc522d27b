package io.tapmixpanel.log;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Durations in log lines (budget waits, the plan line) are written as a person reads them. */
class DurationsTest {
    @Test
    void waitsAreWrittenAsAPersonReadsThem() {
        assertEquals("14 min 3 s", Durations.human(Duration.ofSeconds(843)));
        assertEquals("60 min", Durations.human(Duration.ofHours(1)));
        assertEquals("2 h 5 min", Durations.human(Duration.ofSeconds(2 * 3600 + 5 * 60)));
        assertEquals("42 s", Durations.human(Duration.ofMillis(41_200)));
        assertEquals("800 ms", Durations.human(Duration.ofMillis(800)));
    }
}
