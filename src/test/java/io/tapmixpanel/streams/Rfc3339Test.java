package io.tapmixpanel.streams;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Rfc3339Test {
    @Test
    void formatsWholeSecondsAndMilliseconds() {
        Rfc3339 f = new Rfc3339();
        assertEquals("2024-01-09T23:59:52Z", f.toString(Instant.parse("2024-01-09T23:59:52Z").toEpochMilli()));
        assertEquals("2024-02-29T00:00:00.007Z", f.toString(Instant.parse("2024-02-29T00:00:00.007Z").toEpochMilli()));
        assertEquals("1969-12-31T23:59:59.500Z", f.toString(-500));
    }

    @Test
    void agreesWithJavaTimeOnRandomInstants() {
        Rfc3339 f = new Rfc3339();
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            long ms = r.nextLong(0, 253402300799000L);
            if (r.nextBoolean()) ms -= ms % 1000;
            Instant t = Instant.ofEpochMilli(ms);
            String expected = ms % 1000 == 0 ? DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(java.time.ZoneOffset.UTC).format(t)
                    : DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC).format(t);
            assertEquals(expected, f.toString(ms), "at " + ms);
        }
    }
}
