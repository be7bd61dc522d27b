package io.tapmixpanel.mixpanel;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One raw-export window: {@code from} and {@code to} are inclusive days (in the project's timezone for old
 * projects). An empty {@code events} list means every event.
 */
public record ExportQuery(LocalDate from, LocalDate to, List<String> events, Optional<String> where, boolean gzip) {
    public ExportQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        events = List.copyOf(events);
        Objects.requireNonNull(where, "where");
        if (to.isBefore(from)) throw new IllegalArgumentException("export window ends before it starts: " + from + ".." + to);
    }

    /** Every event of the window, gzip on. */
    public static ExportQuery of(LocalDate from, LocalDate to) {
        return new ExportQuery(from, to, List.of(), Optional.empty(), true);
    }

    /** {@code 2024-01-01..2024-01-30}, for logs and messages. */
    public String window() { return from + ".." + to; }
}
