package io.tapmixpanel.streams;

import io.tapmixpanel.config.DateBound;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Reads bookmark values as both this tap and singer-io/tap-mixpanel wrote them (docs/state.md "State"): a day
 * ({@code 2024-01-09}), an RFC 3339 instant ({@code 2024-01-09T23:59:52Z}, {@code 2020-03-01T18:27:19.000000Z})
 * or a zone-less date-time (engage's {@code $last_seen}, UTC). The parsing is config's {@link DateBound}, so a
 * bookmark and a start_date mean the same thing.
 */
public final class Bookmarks {
    private Bookmarks() {}

    /** The instant a bookmark stands for; a plain day is its start in the project's timezone. */
    public static Optional<Instant> instant(String value, ZoneId zone) {
        return DateBound.parse(value).map(b -> b.toInstant(zone));
    }

    /** The day of the project's timezone a bookmark falls on. */
    public static Optional<LocalDate> day(String value, ZoneId zone) {
        return DateBound.parse(value).map(b -> b.localDate(zone));
    }
}
