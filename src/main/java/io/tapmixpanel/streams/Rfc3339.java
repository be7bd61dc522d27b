package io.tapmixpanel.streams;

/**
 * Formats epoch milliseconds as RFC 3339 UTC ({@code 2024-01-09T23:59:52Z}, or {@code .123Z} when there are
 * milliseconds) into a reusable char buffer: the export hot path formats one per event, and
 * {@code DateTimeFormatter} allocates several objects per call. Not thread-safe: one per worker.
 */
public final class Rfc3339 {
    private final char[] buf = new char[24];
    private long cachedDay = Long.MIN_VALUE;

    /** Writes the formatted time into the internal buffer and returns its length; read it with {@link #chars()}. */
    public int format(long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000);
        int millis = Math.floorMod(epochMillis, 1000);
        long day = Math.floorDiv(seconds, 86400);
        int secOfDay = Math.floorMod(seconds, 86400);
        if (day != cachedDay) {
            writeDate(day);
            cachedDay = day;
        }
        buf[10] = 'T';
        two(11, secOfDay / 3600);
        buf[13] = ':';
        two(14, secOfDay / 60 % 60);
        buf[16] = ':';
        two(17, secOfDay % 60);
        if (millis == 0) {
            buf[19] = 'Z';
            return 20;
        }
        buf[19] = '.';
        buf[20] = (char) ('0' + millis / 100);
        buf[21] = (char) ('0' + millis / 10 % 10);
        buf[22] = (char) ('0' + millis % 10);
        buf[23] = 'Z';
        return 24;
    }

    public char[] chars() { return buf; }

    public String toString(long epochMillis) {
        int n = format(epochMillis);
        return new String(buf, 0, n);
    }

    private void writeDate(long epochDay) {
        // Howard Hinnant's days-to-civil algorithm (proleptic Gregorian, as java.time).
        long z = epochDay + 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int d = (int) (doy - (153 * mp + 2) / 5 + 1);
        int m = (int) (mp < 10 ? mp + 3 : mp - 9);
        if (m <= 2) y++;
        if (y < 0 || y > 9999) throw new IllegalArgumentException("year out of range: " + y);
        int year = (int) y;
        buf[0] = (char) ('0' + year / 1000);
        buf[1] = (char) ('0' + year / 100 % 10);
        buf[2] = (char) ('0' + year / 10 % 10);
        buf[3] = (char) ('0' + year % 10);
        buf[4] = '-';
        two(5, m);
        buf[7] = '-';
        two(8, d);
    }

    private void two(int at, int v) {
        buf[at] = (char) ('0' + v / 10);
        buf[at + 1] = (char) ('0' + v % 10);
    }
}
