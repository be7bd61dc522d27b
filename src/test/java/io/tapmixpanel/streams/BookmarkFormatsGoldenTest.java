package io.tapmixpanel.streams;

import io.tapmixpanel.testing.Golden;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * How a bookmark text is read (docs/state.md "State"): which instant and which day it stands for, in UTC and in a project
 * timezone on each side of UTC, and where a run resumes from it; and the RFC 3339 {@code datetime} funnels and
 * revenue write for a day. Pinned by golden files under {@code golden/bookmarks/}: singer-io's microseconds, plain
 * days, zone-less date-times (read as UTC) and offsets must keep meaning what they mean today.
 */
class BookmarkFormatsGoldenTest {
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    private static final ZoneId LOS_ANGELES = ZoneId.of("America/Los_Angeles");

    @Test
    void everyBookmarkTextMeansWhatTheGoldenFileSays() {
        StringBuilder out = new StringBuilder();
        for (String value : Golden.read("bookmarks/values.in.txt").split("\n", -1)) {
            out.append('\'').append(value).append("'\n");
            Optional<java.time.Instant> utc = Bookmarks.instant(value, ZoneOffset.UTC);
            if (utc.isEmpty()) {
                out.append("  not a date\n");
                continue;
            }
            out.append("  instant UTC: ").append(utc.get()).append('\n');
            out.append("  instant Asia/Tokyo: ").append(Bookmarks.instant(value, TOKYO).orElseThrow()).append('\n');
            out.append("  instant America/Los_Angeles: ").append(Bookmarks.instant(value, LOS_ANGELES).orElseThrow()).append('\n');
            out.append("  day UTC: ").append(Bookmarks.day(value, ZoneOffset.UTC).orElseThrow()).append('\n');
            out.append("  day Asia/Tokyo: ").append(Bookmarks.day(value, TOKYO).orElseThrow()).append('\n');
            out.append("  day America/Los_Angeles: ").append(Bookmarks.day(value, LOS_ANGELES).orElseThrow()).append('\n');
            out.append("  resumes on (UTC windows, project in Tokyo): ")
                    .append(Days.resumeDay(Optional.of(value), ZoneOffset.UTC, TOKYO).orElseThrow()).append('\n');
            out.append("  resumes on (UTC windows, project in Los Angeles): ")
                    .append(Days.resumeDay(Optional.of(value), ZoneOffset.UTC, LOS_ANGELES).orElseThrow()).append('\n');
        }
        Golden.assertMatches("bookmarks/values.out.txt", out.toString());
    }

    @Test
    void theDatetimeOfAFunnelOrRevenueDayIsRfc3339WithZAsTheGoldenFileSays() {
        StringBuilder out = new StringBuilder();
        for (String day : new String[]{"2024-01-01", "2024-03-10", "2024-11-03", "1999-12-31", "9999-12-31"}) {
            for (ZoneId zone : new ZoneId[]{ZoneOffset.UTC, TOKYO, LOS_ANGELES, ZoneId.of("Asia/Kolkata")}) {
                out.append(day).append(' ').append(zone).append(" -> ")
                        .append(Days.datetime(LocalDate.parse(day), zone)).append('\n');
            }
        }
        Golden.assertMatches("bookmarks/datetime.out.txt", out.toString());
    }
}
