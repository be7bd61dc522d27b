package io.tapmixpanel.singer;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * RFC 3339 UTC timestamps with microseconds and a {@code Z} ({@code 2024-01-01T00:00:00.123456Z}), the shape
 * singer-python writes for {@code time_extracted}. Formatting is cached for the last instant seen, so stamping
 * millions of records with the same extraction moment costs a comparison each.
 */
public final class TimeExtracted {
    private record Cached(long epochMicros, String text) {}

    private static volatile Cached last = new Cached(Long.MIN_VALUE, "");

    private TimeExtracted() {}

    public static String format(Instant t) {
        long micros = Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
        Cached c = last;
        if (c.epochMicros == micros) return c.text;
        String text = render(t);
        last = new Cached(micros, text);
        return text;
    }

    /** The current time, formatted. */
    public static String now() {
        return format(Instant.now());
    }

    private static String render(Instant t) {
        LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(27);
        int y = d.getYear();
        if (y < 0 || y > 9999) throw new IllegalArgumentException("year out of RFC 3339 range: " + t);
        pad(sb, y, 4).append('-');
        pad(sb, d.getMonthValue(), 2).append('-');
        pad(sb, d.getDayOfMonth(), 2).append('T');
        pad(sb, d.getHour(), 2).append(':');
        pad(sb, d.getMinute(), 2).append(':');
        pad(sb, d.getSecond(), 2).append('.');
        pad(sb, t.getNano() / 1_000, 6).append('Z');
        return sb.toString();
    }

    private static StringBuilder pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) sb.append('0');
        return sb.append(s);
    }
}
