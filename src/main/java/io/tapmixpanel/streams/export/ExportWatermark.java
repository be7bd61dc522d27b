package io.tapmixpanel.streams.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tapmixpanel.config.ExportOptions;
import io.tapmixpanel.singer.ProcessingWatermark;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The export stream's processing-time watermark (docs/state.md "Export across runs"). A run that read the days
 * {@code from..through} whole, starting at instant S, has written every event of those days that Mixpanel had
 * processed (and made visible to export) by S. Its watermark is {@code min(S, the latest mp_processing_time_ms it
 * saw)}: the second term keeps it safe when this machine's clock runs ahead of Mixpanel's. The next run, re-reading
 * any of those days, skips an event whose processing time is before the watermark minus the margin (Mixpanel's
 * delay between processing an event and serving it in export): an earlier run wrote it. Every other event is
 * written: one without a processing time, one on a day outside {@code from..through}, and every event when the
 * export selection changed (the fingerprint of {@code export_events}, {@code export_where} and the time mode).
 *
 * @param processingMillis the watermark, Unix milliseconds
 * @param from             first day (export days) read by the run that set it
 * @param through          last day read whole by that run
 * @param fingerprint      what was asked for: {@link #fingerprint(ExportOptions)}
 */
public record ExportWatermark(long processingMillis, LocalDate from, LocalDate through, String fingerprint) {

    /** Processing times before 2000 are not Mixpanel's: such an event is written, as one without a time. */
    static final long PLAUSIBLE_FROM = 946_684_800_000L;

    /**
     * Which re-read events to skip: those of days {@code fromMillis <= time < untilMillis} processed before
     * {@code cutoffMillis}.
     */
    record Filter(long fromMillis, long untilMillis, long cutoffMillis) {
        boolean skips(long timeMillis, long processingMillis) {
            return processingMillis >= PLAUSIBLE_FROM && processingMillis < cutoffMillis
                    && timeMillis >= fromMillis && timeMillis < untilMillis;
        }
    }

    /** The filter for a run that reads export days of {@code days}, with the given margin. */
    Filter filter(ZoneId days, Duration margin) {
        return new Filter(from.atStartOfDay(days).toInstant().toEpochMilli(),
                through.plusDays(1).atStartOfDay(days).toInstant().toEpochMilli(),
                processingMillis - margin.toMillis());
    }

    /** As the state keeps it (its JSON shape is {@link ProcessingWatermark}'s). */
    ProcessingWatermark toState() {
        return new ProcessingWatermark(processingMillis, from, through, fingerprint);
    }

    static ExportWatermark of(ProcessingWatermark w) {
        return new ExportWatermark(w.processingTimeMs(), w.from(), w.through(), w.fingerprint());
    }

    /** The object written under the state's {@code processing_watermark}. */
    public ObjectNode toJson() {
        return toState().toJson();
    }

    /** A watermark as {@link io.tapmixpanel.singer.State} validated it. */
    static ExportWatermark fromJson(ObjectNode o) {
        return of(ProcessingWatermark.fromJson(o));
    }

    /** The watermark of a state, when it was set for the same export selection. */
    static Optional<ExportWatermark> usable(Optional<ObjectNode> stored, ExportOptions options) {
        String fp = fingerprint(options);
        return stored.map(ExportWatermark::fromJson).filter(w -> w.fingerprint.equals(fp));
    }

    /**
     * What the export asks for, hashed: the event names (as a set), the {@code where} expression and the time mode.
     * A change of any of them may bring events an earlier run never asked for, so a watermark of another selection
     * is not used.
     */
    static String fingerprint(ExportOptions options) {
        List<String> events = new ArrayList<>(options.events());
        events.sort(null);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        events.forEach(o.putArray("events")::add);
        o.put("where", options.where().orElse(null));
        o.put("time_in_project_timezone", options.timeInProjectTimezone());
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(o.toString().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
