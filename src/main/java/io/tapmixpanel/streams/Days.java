package io.tapmixpanel.streams;

import io.tapmixpanel.config.DateBound;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Which days a stream reads (docs/state.md "State"): export in UTC days, or project-timezone days for projects whose
 * {@code time} is local (export_time_in_project_timezone); funnels and revenue always in project-timezone days.
 * Mixpanel refuses a {@code to_date} after today in the zone of the days asked for, so the last day is never after
 * today there.
 */
public final class Days {
    private Days() {}

    /** The zone whose days export windows are made of. */
    public static ZoneId exportZone(boolean timeInProjectTimezone, ZoneId projectZone) {
        return timeInProjectTimezone ? projectZone : ZoneOffset.UTC;
    }

    /** Today in {@code zone}, by {@code clock}. */
    public static LocalDate today(Clock clock, ZoneId zone) {
        return LocalDate.ofInstant(clock.instant(), zone);
    }

    /** The last day to read in {@code zone}: end_date there, else today, and never after today. */
    static LocalDate lastDay(Optional<DateBound> endDate, ZoneId zone, Clock clock) {
        LocalDate today = today(clock, zone);
        if (endDate.isEmpty()) return today;
        LocalDate end = endDate.get().localDate(zone);
        return end.isAfter(today) ? today : end;
    }

    /**
     * The day a bookmark resumes from: the earlier of its day in the zone of the windows and in the project's
     * timezone. Earlier versions read export bookmarks in project-timezone days; taking the earlier reading
     * leaves no gap whichever days wrote it (re-read days only cause duplicates, docs/state.md "State").
     */
    public static Optional<LocalDate> resumeDay(Optional<String> bookmark, ZoneId windowZone, ZoneId projectZone) {
        return bookmark.flatMap(DateBound::parse).map(b -> {
            LocalDate a = b.localDate(windowZone);
            LocalDate p = b.localDate(projectZone);
            return p.isBefore(a) ? p : a;
        });
    }

    /** The windows of funnels and revenue, in project-timezone days, given a bookmark. */
    static java.util.List<DateWindow> windows(StreamContext ctx, Optional<String> bookmark) {
        Optional<LocalDate> day = bookmark.flatMap(b -> Bookmarks.day(b, ctx.zone()));
        return DateWindow.plan(ctx.startDay(), day, ctx.endDay(), ctx.config().windows().attributionWindow(),
                ctx.config().windows().dateWindowSize());
    }

    /** The start of a project day as an RFC 3339 UTC instant: the {@code datetime} of funnels and revenue. */
    static String datetime(LocalDate day, ZoneId zone) {
        return new Rfc3339().toString(day.atStartOfDay(zone).toInstant().toEpochMilli());
    }
}
