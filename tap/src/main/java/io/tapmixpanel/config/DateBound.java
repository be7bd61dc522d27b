package io.tapmixpanel.config;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * A start or end date as users write it: either a plain day ({@code 2024-01-31}, a day of the project's
 * timezone) or an RFC 3339 instant ({@code 2024-01-31T00:00:00Z}). Which day an instant falls on depends on the
 * project's timezone, so the conversion takes the zone.
 */
public record DateBound(String raw, Optional<LocalDate> day, Optional<Instant> instant) {

    public static DateBound parse(String raw) {
        String s = raw.trim();
        if (s.length() == 10) {
            try {
                return new DateBound(raw, Optional.of(LocalDate.parse(s)), Optional.empty());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("not a valid date");
            }
        }
        try {
            return new DateBound(raw, Optional.empty(), Optional.of(OffsetDateTime.parse(s).toInstant()));
        } catch (DateTimeException e) {
            // singer-io configs often carry "2020-01-01T00:00:00Z" style values, but also zone-less ones.
            try {
                return new DateBound(raw, Optional.empty(),
                        Optional.of(java.time.LocalDateTime.parse(s, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                                .toInstant(java.time.ZoneOffset.UTC)));
            } catch (DateTimeException e2) {
                throw new IllegalArgumentException("not an RFC 3339 date-time or yyyy-mm-dd date");
            }
        }
    }

    /** The day of the project's timezone this bound falls on. */
    public LocalDate localDate(ZoneId zone) {
        return day.orElseGet(() -> instant.orElseThrow().atZone(zone).toLocalDate());
    }

    /** The instant this bound stands for; a plain day is its start in the project's timezone. */
    public Instant toInstant(ZoneId zone) {
        return instant.orElseGet(() -> day.orElseThrow().atStartOfDay(zone).toInstant());
    }

    @Override
    public String toString() { return raw; }
}
