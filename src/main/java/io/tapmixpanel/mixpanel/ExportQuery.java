package io.tapmixpanel.mixpanel;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One raw-export window: {@code from} and {@code to} are inclusive days (UTC days, or the project's timezone for
 * old projects). An empty {@code events} list means every event.
 *
 * @param splittable the caller can split the window in two: after {@link #CUTS_BEFORE_SPLIT} bodies cut short the
 *                   client stops retrying and throws {@link ExportCutShortException} instead (docs/streams.md "Streams")
 */
public record ExportQuery(LocalDate from, LocalDate to, List<String> events, Optional<String> where, boolean gzip,
                          boolean splittable) {
    /** Bodies cut short in a row after which a splittable window is given back to be split. */
    public static final int CUTS_BEFORE_SPLIT = 3;

    public ExportQuery {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        events = List.copyOf(events);
        Objects.requireNonNull(where, "where");
        if (to.isBefore(from)) throw new IllegalArgumentException("export window ends before it starts: " + from + ".." + to);
    }

    /** A window that is retried as a whole until the retries run out. */
    public ExportQuery(LocalDate from, LocalDate to, List<String> events, Optional<String> where, boolean gzip) {
        this(from, to, events, where, gzip, false);
    }

    /** Every event of the window, gzip on. */
    public static ExportQuery of(LocalDate from, LocalDate to) {
        return new ExportQuery(from, to, List.of(), Optional.empty(), true);
    }

    /** The same window, splittable or not. */
    public ExportQuery withSplittable(boolean value) {
        return new ExportQuery(from, to, events, where, gzip, value);
    }

    /** {@code 2024-01-01..2024-01-30}, for logs and messages. */
    public String window() { return from + ".." + to; }
}
