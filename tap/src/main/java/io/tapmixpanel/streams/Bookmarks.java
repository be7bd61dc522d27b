package io.tapmixpanel.streams;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Reads bookmark values as both this tap and singer-io/tap-mixpanel wrote them: a day ({@code 2024-01-09}),
 * an RFC 3339 instant ({@code 2024-01-09T23:59:52Z}, {@code 2020-03-01T18:27:19.000000Z}) or a zone-less
 * date-time (engage's {@code $last_seen}, UTC).
 */
public final class Bookmarks {
    private Bookmarks() {}

    /** The instant a bookmark stands for; a plain day is its start in the project's timezone. */
    public static Optional<Instant> instant(String value, ZoneId zone) {
        String s = value.trim();
        try {
            if (s.length() == 10) return Optional.of(LocalDate.parse(s).atStartOfDay(zone).toInstant());
            try {
                return Optional.of(OffsetDateTime.parse(s).toInstant());
            } catch (DateTimeException e) {
                return Optional.of(LocalDateTime.parse(s).toInstant(ZoneOffset.UTC));
            }
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** The day of the project's timezone a bookmark falls on. */
    public static Optional<LocalDate> day(String value, ZoneId zone) {
        String s = value.trim();
        if (s.length() == 10) {
            try {
                return Optional.of(LocalDate.parse(s));
            } catch (DateTimeException e) {
                return Optional.empty();
            }
        }
        return instant(s, zone).map(i -> i.atZone(zone).toLocalDate());
    }
}
