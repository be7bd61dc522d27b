package io.tapmixpanel.streams;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** An inclusive range of days of the project's timezone: what one export, funnels or revenue request covers. */
public record DateWindow(LocalDate from, LocalDate to) {
    public DateWindow {
        if (to.isBefore(from)) throw new IllegalArgumentException("window ends before it starts: " + from + ".." + to);
    }

    public long days() { return ChronoUnit.DAYS.between(from, to) + 1; }

    @Override
    public String toString() { return from + ".." + to; }

    /**
     * The windows of one run (docs/state.md "State"): from {@code max(start, min(bookmark, end - attributionWindow))} to
     * {@code end}, {@code size} days each. Without a bookmark the run starts at {@code start}. Empty when the
     * start is after the end (a start_date in the future).
     */
    public static List<DateWindow> plan(LocalDate start, java.util.Optional<LocalDate> bookmark, LocalDate end,
                                        int attributionWindow, int size) {
        LocalDate from = start;
        if (bookmark.isPresent()) {
            LocalDate reread = end.minusDays(attributionWindow);
            LocalDate b = bookmark.get().isBefore(reread) ? bookmark.get() : reread;
            if (b.isAfter(from)) from = b;
        }
        List<DateWindow> windows = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(end); d = d.plusDays(size)) {
            LocalDate last = d.plusDays(size - 1L);
            windows.add(new DateWindow(d, last.isAfter(end) ? end : last));
        }
        return windows;
    }
}
