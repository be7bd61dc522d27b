package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.singer.ReplicationMethod;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.ExportCutShortException;
import io.tapmixpanel.mixpanel.ExportQuery;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * export: raw events, append-only (README "Streams" and "State"). Date windows of date_window_size days, UTC days
 * (or project-timezone days when export_time_in_project_timezone), from {@code min(bookmark, end - attribution_window)};
 * on re-read days, an event an earlier run wrote is skipped by the processing-time watermark ({@link ExportWatermark},
 * README "Export across runs"), every other one is emitted. Up to max_concurrent_requests windows are fetched and rendered at once, each into its own spool; spools
 * are appended in window order and STATE follows each appended window, so STATE is never ahead of the records on
 * stdout. A window of several days cut short three times in a row is fetched as two halves instead (recursively,
 * down to single days); the halves are parts of their window's task, so they keep its place in the order.
 */
final class ExportStream implements TapStream {

    @Override
    public String id() { return "export"; }

    @Override
    public List<String> keyProperties() { return List.of(); }

    @Override
    public List<String> validReplicationKeys() { return List.of("time"); }

    @Override
    public Optional<ReplicationMethod> forcedReplicationMethod() { return Optional.of(ReplicationMethod.INCREMENTAL); }

    @Override
    public ObjectNode schema(Discovering d) { return ExportSchema.of(d.client(), d.rawProperties()); }

    /** One event of one day ({@code limit=1}). */
    @Override
    public Probe probe(Probe.Context c) {
        return Probe.of("export", () -> c.client().exportSample(new ExportQuery(c.day(), c.day(),
                c.config().export().events(), c.config().export().where(), c.config().export().gzip())));
    }
    /** A fetched (sub-)window, and its rendered spool. */
    private record Piece(DateWindow window, ExportRenderer.Rendered rendered) {}

    /** What one window's task gives back: its pieces in order, and the failure that stopped it after them, if any. */
    private record Fetched(List<Piece> pieces, Optional<RuntimeException> failure) {}

    @Override
    public CallPlan plan(StreamContext ctx) {
        int n = windows(ctx).size();
        return new CallPlan(n, 0, true, List.of("export " + n + " window" + (n == 1 ? "" : "s")), java.util.Set.of());
    }

    private static List<DateWindow> windows(StreamContext ctx) {
        ZoneId days = ctx.exportZone();
        Optional<LocalDate> bookmarkDay = Days.resumeDay(ctx.state().bookmark(ctx.stream()), days, ctx.zone());
        return DateWindow.plan(ctx.startDay(days), bookmarkDay, ctx.endDay(days),
                ctx.config().windows().attributionWindow(), ctx.config().windows().dateWindowSize());
    }

    @Override
    public void sync(StreamContext ctx) {
        Optional<String> bookmark = ctx.state().bookmark(ctx.stream());
        Optional<Instant> bookmarkTime = bookmark.flatMap(b -> Bookmarks.instant(b, ctx.zone()));
        ZoneId days = ctx.exportZone();
        List<DateWindow> windows = windows(ctx);
        Optional<ZoneId> legacy = ctx.config().export().timeInProjectTimezone() ? Optional.of(ctx.zone()) : Optional.empty();
        Path spoolDir = Path.of(System.getProperty("java.io.tmpdir"));
        int ahead = ctx.config().http().maxConcurrentRequests();

        // A new window is fetched as soon as a fetch ends (not once the head window is appended), so the cores stay
        // busy while finished windows wait for their turn; at most max_concurrent_requests + 1 windows are unappended.
        OrderedPipeline<Fetched> fetches = new OrderedPipeline<>(ctx.pool(), ahead, ahead + 1);
        long[] latest = {bookmarkTime.map(Instant::toEpochMilli).orElse(Long.MIN_VALUE)};
        Watermarks marks = new Watermarks(ctx, windows);
        if (!windows.isEmpty()) ctx.position().accept(position(windows, 0));
        try {
            fetches.run(windows.size(), i -> {
                List<Piece> pieces = new ArrayList<>();
                try {
                    fetch(ctx, windows.get(i), legacy, spoolDir, marks.skip, pieces);
                    return new Fetched(pieces, Optional.empty());
                } catch (RuntimeException e) {
                    if (pieces.isEmpty()) throw e;
                    return new Fetched(pieces, Optional.of(e)); // the halves before it still count (README "State")
                }
            }, (i, fetched) -> {
                int done = 0;
                try {
                    for (Piece piece : fetched.pieces()) {
                        ExportRenderer.Rendered r = piece.rendered();
                        if (r.spool() == null) {
                            // written in place: the BATCH message names the files, which stay (README "BATCH messages")
                            ctx.emitter().announceBatch(r.batchFiles(), r.records());
                        } else {
                            try {
                                ctx.emitter().appendSpool(r.spool().channel(), r.records());
                            } finally {
                                deleteSpool(r);
                            }
                        }
                        done++;
                        advance(ctx, days, piece, latest, marks);
                    }
                } finally {
                    // the pieces not appended when an append failed
                    discard(new Fetched(fetched.pieces().subList(done, fetched.pieces().size()), Optional.empty()));
                }
                if (fetched.failure().isPresent()) throw fetched.failure().get();
                if (i + 1 < windows.size()) ctx.position().accept(position(windows, i + 1));
            }, ExportStream::discard);
            marks.report();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading export windows", e);
        }
    }

    /**
     * The run's side of the watermark: the previous run's filter (if usable), and the watermark this run sets as its
     * windows are appended. The new one replaces the old only once this run has read past the old one's last day:
     * until then the STATE keeps the old one, so a kill before that point costs re-sent events, never lost ones.
     */
    private static final class Watermarks {
        final StreamContext ctx;
        final boolean on;
        final Optional<ExportWatermark> previous;
        final ExportWatermark.Filter skip;
        final long runStart;
        final LocalDate firstDay;
        long maxProcessing = Long.MIN_VALUE;
        long skipped;

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

        /** After a piece (ending on {@code through}) was appended and its bookmark set. */
        void appended(LocalDate through, ExportRenderer.Rendered r) {
            skipped += r.skipped();
            if (!on) {
                ctx.state().setWatermark(ctx.stream(), null);
                return;
            }
            if (r.maxProcessingMillis() > maxProcessing) maxProcessing = r.maxProcessingMillis();
            if (maxProcessing == Long.MIN_VALUE) return; // nothing seen yet to set one from: the old one stays
            if (previous.isPresent() && through.isBefore(previous.get().through())) return;
            ExportWatermark next = new ExportWatermark(Math.min(maxProcessing, runStart), firstDay, through,
                    ExportWatermark.fingerprint(ctx.config().export()));
            ctx.state().setWatermark(ctx.stream(), next.toJson());
        }

        void report() {
            if (skipped > 0) {
                Log.info("export: %d events of re-read days skipped: an earlier run wrote them (processed before %s, "
                        + "the watermark minus export_watermark_margin_minutes)", skipped,
                        new Rfc3339().toString(skip.cutoffMillis()));
            }
        }
    }

    /** Moves the bookmark past an appended piece and writes STATE. */
    private static void advance(StreamContext ctx, ZoneId days, Piece piece, long[] latest, Watermarks marks) {
        DateWindow w = piece.window();
        ExportRenderer.Rendered r = piece.rendered();
        long windowEnd = w.to().plusDays(1).atStartOfDay(days).toInstant().toEpochMilli() - 1000;
        long reached = r.records() > 0 ? Math.min(r.maxTimeMillis(), windowEnd)
                : w.to().atStartOfDay(days).toInstant().toEpochMilli();
        if (reached > latest[0]) latest[0] = reached;
        if (latest[0] != Long.MIN_VALUE) {
            ctx.state().setBookmark(ctx.stream(), "time", new Rfc3339().toString(latest[0]));
            marks.appended(w.to(), r);
        }
        ctx.checkpoint();
    }

    /**
     * Fetches {@code w} into {@code pieces}: whole, or, when it keeps being cut short, as its two halves, each the
     * same way. A piece is added only once fully rendered, so {@code pieces} holds finished windows in day order.
     */
    private static void fetch(StreamContext ctx, DateWindow w, Optional<ZoneId> legacy, Path spoolDir,
                              ExportWatermark.Filter skip, List<Piece> pieces) {
        ExportQuery q = new ExportQuery(w.from(), w.to(), ctx.config().export().events(),
                ctx.config().export().where(), ctx.config().export().gzip(), w.days() > 1);
        try {
            pieces.add(new Piece(w, render(ctx, q, legacy, spoolDir, skip)));
        } catch (ExportCutShortException e) {
            LocalDate lastOfFirst = w.from().plusDays(w.days() / 2 - 1);
            DateWindow first = new DateWindow(w.from(), lastOfFirst);
            DateWindow second = new DateWindow(lastOfFirst.plusDays(1), w.to());
            Log.warning("export %s: the response was cut short %d times in a row; fetching %s and %s separately",
                    w, ExportQuery.CUTS_BEFORE_SPLIT, first, second);
            fetch(ctx, first, legacy, spoolDir, skip, pieces);
            fetch(ctx, second, legacy, spoolDir, skip, pieces);
        }
    }

    private static String position(List<DateWindow> windows, int i) {
        return "window " + (i + 1) + "/" + windows.size() + " (" + windows.get(i) + ")";
    }

    private static void discard(Fetched fetched) {
        for (Piece p : fetched.pieces()) {
            deleteSpool(p.rendered());
            for (Path f : p.rendered().batchFiles()) ExportSpool.deleteQuietly(f); // never announced: no target reads it
        }
    }

    private static void deleteSpool(ExportRenderer.Rendered r) {
        if (r.spool() != null) r.spool().release();
    }

    private static ExportRenderer.Rendered render(StreamContext ctx, ExportQuery q, Optional<ZoneId> legacy, Path spoolDir,
                                                  ExportWatermark.Filter skip) {
        ExportRenderer renderer = new ExportRenderer(ctx.emitter().guard(), ctx.emitter().deselected(), legacy, spoolDir,
                ctx.emitter()::produced, ctx.config().export().watermark(), skip, ctx.config().export().rawProperties(),
                ctx.config().batch());
        try {
            ctx.client().export(q, renderer);
            return renderer.finish();
        } catch (RuntimeException e) {
            renderer.abandon();
            throw e;
        }
    }

    @Override
    public List<String> bookmarkProperties(boolean incremental) { return List.of("time"); }
}
