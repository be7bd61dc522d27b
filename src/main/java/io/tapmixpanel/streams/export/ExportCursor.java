package io.tapmixpanel.streams.export;

import io.tapmixpanel.log.Log;
import io.tapmixpanel.streams.Checkpoint;
import io.tapmixpanel.streams.DateWindow;
import io.tapmixpanel.streams.Rfc3339;
import io.tapmixpanel.streams.StreamContext;
import io.tapmixpanel.streams.WindowLoop;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * Where export's read stands after the pieces written so far (docs/state.md "State" and "Export across runs"): the latest
 * time its bookmark has reached, the highest processing time seen (for the watermark) and the events of re-read days
 * skipped. Immutable: writing a piece gives the next cursor and the piece's {@link Checkpoint}.
 *
 * @param latestMillis        the bookmark's time, {@code Long.MIN_VALUE} before any
 * @param maxProcessingMillis the highest {@code mp_processing_time_ms} seen, {@code Long.MIN_VALUE} before any
 */
record ExportCursor(long latestMillis, long maxProcessingMillis, long skipped) {
    /** Before the first window: the bookmark the run starts from, if it has one. */
    static ExportCursor start(Optional<Instant> bookmark) {
        return new ExportCursor(bookmark.map(Instant::toEpochMilli).orElse(Long.MIN_VALUE), Long.MIN_VALUE, 0);
    }

    /**
     * After {@code piece} was written: the bookmark moves to the latest event time it holds (never past its window's
     * last second), or to its first day when it held none, and never back; the watermark follows when it may.
     */
    WindowLoop.Step<ExportCursor> after(ExportStream.Piece piece, ZoneId days, Watermarks marks) {
        DateWindow w = piece.window();
        ExportRenderer.Rendered r = piece.rendered();
        long windowEnd = w.to().plusDays(1).atStartOfDay(days).toInstant().toEpochMilli() - 1000;
        long reached = r.records() > 0 ? Math.min(r.maxTimeMillis(), windowEnd)
                : w.to().atStartOfDay(days).toInstant().toEpochMilli();
        long latest = Math.max(latestMillis, reached);
        if (latest == Long.MIN_VALUE) {
            return new WindowLoop.Step<>(new ExportCursor(latest, maxProcessingMillis, skipped), Checkpoint.of(r.records()));
        }
        long maxProcessing = marks.on() ? Math.max(maxProcessingMillis, r.maxProcessingMillis()) : maxProcessingMillis;
        Checkpoint.Watermark watermark = marks.next(maxProcessing, w.to());
        ExportCursor next = new ExportCursor(latest, maxProcessing, skipped + r.skipped());
        return new WindowLoop.Step<>(next, new Checkpoint(r.records(),
                Optional.of(new Checkpoint.Bookmark.Stream("time", new Rfc3339().toString(latest))), watermark));
    }

    /**
     * The run's side of the watermark: the previous run's filter (if usable), and the rule for the watermark this run
     * sets as its windows are written. The new one replaces the old only once this run has read past the old one's
     * last day: until then the STATE keeps the old one, so a kill before that point costs re-sent events, never lost
     * ones.
     */
    static final class Watermarks {
        private final StreamContext ctx;
        private final boolean on;
        private final Optional<ExportWatermark> previous;
        private final ExportWatermark.Filter skip;
        private final long runStart;
        private final LocalDate firstDay;

        Watermarks(StreamContext ctx, List<DateWindow> windows) {
            this.ctx = ctx;
            this.on = ctx.config().export().watermark();
            this.runStart = ctx.clock().millis();
            this.firstDay = windows.isEmpty() ? null : windows.get(0).from();
            this.previous = on ? ExportWatermark.usable(ctx.state().watermark(ctx.stream()), ctx.config().export())
                    : Optional.empty();
            this.skip = previous.map(w -> w.filter(ctx.exportZone(), ctx.config().export().watermarkMargin())).orElse(null);
            if (on && previous.isEmpty() && ctx.state().watermark(ctx.stream()).isPresent()) {
                Log.info("export: the export selection (export_events, export_where or the time mode) changed since the "
                        + "watermark was set: every event of the re-read days is written once more");
            }
        }

        boolean on() { return on; }

        /** The previous run's filter of re-read days' events; null when there is none to apply. */
        ExportWatermark.Filter skip() { return skip; }

        /** What happens to the watermark once the pieces through {@code through} are written. */
        Checkpoint.Watermark next(long maxProcessing, LocalDate through) {
            if (!on) return new Checkpoint.Watermark.Clear();
            if (maxProcessing == Long.MIN_VALUE) return Checkpoint.Watermark.KEEP; // nothing seen to set one from
            if (previous.isPresent() && through.isBefore(previous.get().through())) return Checkpoint.Watermark.KEEP;
            ExportWatermark next = new ExportWatermark(Math.min(maxProcessing, runStart), firstDay, through,
                    ExportWatermark.fingerprint(ctx.config().export()));
            return new Checkpoint.Watermark.Set(next.toJson());
        }

        void report(long skipped) {
            if (skipped > 0) {
                Log.info("export: %d events of re-read days skipped: an earlier run wrote them (processed before %s, "
                        + "the watermark minus export_watermark_margin_minutes)", skipped,
                        new Rfc3339().toString(skip.cutoffMillis()));
            }
        }
    }
}
