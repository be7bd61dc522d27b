package io.tapmixpanel.streams.export;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;

/**
 * Turns the export {@code time} of a project created before 2023 (local wall-clock time of the project's
 * timezone, written as if it were Unix seconds) into the true UTC instant.
 *
 * <p>Around daylight-saving changes a wall-clock time is not always one instant:
 * <ul>
 *   <li><b>gap</b> (spring forward, e.g. 02:30 that never happened): read with the offset in force before the
 *   gap, so the event lands just after the change, as {@code java.time} does;</li>
 *   <li><b>overlap</b> (fall back, 01:30 happens twice): the two candidates are an hour apart. An event is never
 *   processed by Mixpanel before it happened, so the candidate that is not after {@code mp_processing_time_ms}
 *   (true UTC) and closest to it wins; without a processing time, or when both are after it, the earlier one.</li>
 * </ul>
 * Outside transitions the offset is cached per interval, so the common case is one subtraction.
 */
public final class LegacyTimeConverter {
    private final ZoneRules rules;
    // Local epoch-second interval [lo, hi) in which every wall-clock time maps to exactly one instant with offset.
    private long lo = Long.MAX_VALUE;
    private long hi = Long.MIN_VALUE;
    private int offsetSeconds;

    public LegacyTimeConverter(ZoneId zone) {
        this.rules = zone.getRules();
    }

    /** @param processingMillis true UTC processing time in ms, or {@link Long#MIN_VALUE} when unknown */
    public long toUtcMillis(long localMillis, long processingMillis) {
        long localSeconds = Math.floorDiv(localMillis, 1000);
        if (localSeconds >= lo && localSeconds < hi) return localMillis - offsetSeconds * 1000L;
        LocalDateTime ldt = LocalDateTime.ofEpochSecond(localSeconds, 0, ZoneOffset.UTC);
        List<ZoneOffset> valid = rules.getValidOffsets(ldt);
        if (valid.size() == 1) {
            cacheInterval(ldt.toInstant(valid.get(0)), valid.get(0));
            return localMillis - valid.get(0).getTotalSeconds() * 1000L;
        }
        ZoneOffsetTransition t = rules.getTransition(ldt);
        if (valid.isEmpty()) return localMillis - t.getOffsetBefore().getTotalSeconds() * 1000L;
        long earlier = localMillis - t.getOffsetBefore().getTotalSeconds() * 1000L;
        long later = localMillis - t.getOffsetAfter().getTotalSeconds() * 1000L;
        if (processingMillis != Long.MIN_VALUE && later <= processingMillis) return later;
        return earlier;
    }

    private void cacheInterval(Instant instant, ZoneOffset offset) {
        ZoneOffsetTransition prev = rules.previousTransition(instant.plusSeconds(1));
        ZoneOffsetTransition next = rules.nextTransition(instant);
        lo = prev == null ? Long.MIN_VALUE : Math.max(localSeconds(prev.getDateTimeBefore()), localSeconds(prev.getDateTimeAfter()));
        hi = next == null ? Long.MAX_VALUE : Math.min(localSeconds(next.getDateTimeBefore()), localSeconds(next.getDateTimeAfter()));
        offsetSeconds = offset.getTotalSeconds();
    }

    private static long localSeconds(LocalDateTime t) {
        return t.toEpochSecond(ZoneOffset.UTC);
    }
}
