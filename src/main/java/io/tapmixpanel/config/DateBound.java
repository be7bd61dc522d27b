package io.tapmixpanel.config;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * A date as users and states write it: either a plain day ({@code 2024-01-31}, a day of the project's timezone)
 * or an instant ({@code 2024-01-31T00:00:00Z}, singer-io's {@code 2020-03-01T18:27:19.000000Z}, or a zone-less
 * date-time read as UTC, like engage's {@code $last_seen}). Which day an instant falls on depends on the
 * project's timezone, so the conversions take the zone. The one parser of such dates: config's start/end dates
 * (README "Configuration") and the streams' bookmarks (docs/state.md "State") both read through {@link #parse}.
 */
public sealed interface DateBound permits DateBound.Day, DateBound.At {

    /** A plain day of the project's timezone. */
    record Day(String raw, LocalDate day) implements DateBound {
        @Override
        public LocalDate localDate(ZoneId zone) { return day; }

        @Override
        public Instant toInstant(ZoneId zone) { return day.atStartOfDay(zone).toInstant(); }

        @Override
        public String toString() { return raw; }
    }

    /** A point in time. */
    record At(String raw, Instant instant) implements DateBound {
        @Override
        public LocalDate localDate(ZoneId zone) { return instant.atZone(zone).toLocalDate(); }

        @Override
        public Instant toInstant(ZoneId zone) { return instant; }

        @Override
        public String toString() { return raw; }
    }

    /** The text as it was written, for messages. */
    String raw();

    /** Parses a day or an instant; empty when the text is neither. */
    static Optional<DateBound> parse(String raw) {
        String s = raw.trim();
        try {
            if (s.length() == 10) return Optional.of(new Day(raw, LocalDate.parse(s)));
            try {
                return Optional.of(new At(raw, OffsetDateTime.parse(s).toInstant()));
            } catch (DateTimeException e) {
                return Optional.of(new At(raw, LocalDateTime.parse(s).toInstant(ZoneOffset.UTC)));
            }
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** The day of the project's timezone this bound falls on. */
    LocalDate localDate(ZoneId zone);

    /** The instant this bound stands for; a plain day is its start in the project's timezone. */
    Instant toInstant(ZoneId zone);
}
