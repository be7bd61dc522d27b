package io.tapmixpanel.log;

import java.time.Duration;

/** Durations as log lines show them to people: {@code 14 min 3 s}, {@code 2 h 5 min}, {@code 42 s}, {@code 800 ms}. */
public final class Durations {
    private Durations() {}

    /** Whole seconds rounded up; minutes rounded up once past an hour. */
    public static String human(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) return Math.max(0, d.toMillis()) + " ms";
        long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        if (s < 60) return s + " s";
        if (s <= 3600) return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
        long min = (s % 3600 + 59) / 60;
        long h = s / 3600;
        if (min == 60) { h++; min = 0; }
        return h + " h" + (min == 0 ? "" : " " + min + " min");
    }
}
