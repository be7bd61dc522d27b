package io.tapmixpanel.streams;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/** Day-windowed reading shared by funnels and revenue: which windows to read given a bookmark. */
final class Days {
    private Days() {}

    static List<DateWindow> windows(StreamContext ctx, Optional<String> bookmark) {
        Optional<LocalDate> day = bookmark.flatMap(b -> Bookmarks.day(b, ctx.zone()));
        return DateWindow.plan(ctx.startDay(), day, ctx.endDay(), ctx.config().windows().attributionWindow(),
                ctx.config().windows().dateWindowSize());
    }

    /** The start of a project day as an RFC 3339 UTC instant: the {@code datetime} of funnels and revenue. */
    static String datetime(LocalDate day, ZoneId zone) {
        return new Rfc3339().toString(day.atStartOfDay(zone).toInstant().toEpochMilli());
    }
}
