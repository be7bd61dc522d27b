package io.tapmixpanel.config;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Which days a run reads and in what steps (docs/state.md "State"): start and end dates, the project's timezone (whose
 * days they are), the attribution window re-read on every run and the days per request.
 */
public record Windows(DateBound startDate, Optional<DateBound> endDate, Optional<ZoneId> projectTimezone,
                      int attributionWindow, int dateWindowSize) {

    /** A copy with the project timezone resolved (from /api/app/me or the UTC fallback). */
    public Windows withProjectTimezone(ZoneId zone) {
        return new Windows(startDate, endDate, Optional.of(zone), attributionWindow, dateWindowSize);
    }

    static Windows read(RawConfig c) {
        DateBound start = c.date(Setting.START_DATE).orElseThrow(() -> new ConfigException(c.source(), "start_date",
                "required (an RFC 3339 date-time like 2024-01-01T00:00:00Z, or 2024-01-01)"));
        Optional<DateBound> end = c.date(Setting.END_DATE);
        if (end.isPresent()) {
            ZoneId z = ZoneId.of("UTC");
            if (end.get().toInstant(z).isBefore(start.toInstant(z)) && end.get().localDate(z).isBefore(start.localDate(z))) {
                throw new ConfigException(c.fileOf(Setting.END_DATE), "end_date",
                        "'" + end.get().raw() + "' is before start_date '" + start.raw() + "'");
            }
        }
        Optional<ZoneId> zone = c.string(Setting.PROJECT_TIMEZONE).map(z -> {
            try {
                return ZoneId.of(z);
            } catch (DateTimeException e) {
                throw new ConfigException(c.fileOf(Setting.PROJECT_TIMEZONE), "project_timezone",
                        "'" + z + "' is not an IANA time zone (e.g. UTC, US/Pacific, Europe/Paris)");
            }
        });
        return new Windows(start, end, zone, c.integer(Setting.ATTRIBUTION_WINDOW, 0, 3650),
                c.integer(Setting.DATE_WINDOW_SIZE, 1, 3650));
    }
}
