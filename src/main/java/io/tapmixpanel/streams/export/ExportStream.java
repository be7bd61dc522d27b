package io.tapmixpanel.streams.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.ExportQuery;
import io.tapmixpanel.mixpanel.export.ExportCutShortException;
import io.tapmixpanel.singer.ReplicationMethod;
import io.tapmixpanel.streams.Bookmarks;
import io.tapmixpanel.streams.CallPlan;
import io.tapmixpanel.streams.DateWindow;
import io.tapmixpanel.streams.Days;
import io.tapmixpanel.streams.Discovering;
import io.tapmixpanel.streams.Probe;
import io.tapmixpanel.streams.StreamContext;
import io.tapmixpanel.streams.TapStream;
import io.tapmixpanel.streams.WindowLoop;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * export: raw events, append-only (docs/streams.md "Streams" and docs/state.md "State"). Date windows of date_window_size days, UTC days
 * (or project-timezone days when export_time_in_project_timezone), from {@code min(bookmark, end - attribution_window)};
 * on re-read days, an event an earlier run wrote is skipped by the processing-time watermark ({@link ExportWatermark},
 * docs/state.md "Export across runs"), every other one is emitted. Up to max_concurrent_requests windows are fetched and rendered at once, each into its own spool; spools
 * are appended in window order and STATE follows each appended window, so STATE is never ahead of the records on
 * stdout. A window of several days cut short three times in a row is fetched as two halves instead (recursively,
 * down to single days); the halves are parts of their window's task, so they keep its place in the order.
 */
public final class ExportStream implements TapStream {
    private final Function<Discovering, ObjectNode> schema;

    /**
     * {@code schema} makes the stream's discovered schema; the registry passes it because the export schema's
     * builder still lives in {@code streams}.
     */
    public ExportStream(Function<Discovering, ObjectNode> schema) { this.schema = schema; }

    @Override
    public String id() { return "export"; }

    @Override
    public List<String> keyProperties() { return List.of(); }

    @Override
    public List<String> validReplicationKeys() { return List.of("time"); }

    @Override
    public Optional<ReplicationMethod> forcedReplicationMethod() { return Optional.of(ReplicationMethod.INCREMENTAL); }

    @Override
    public ObjectNode schema(Discovering d) { return schema.apply(d); }

    /** One event of one day ({@code limit=1}). */
    @Override
    public Probe probe(Probe.Context c) {
        return Probe.of("export", () -> c.client().exportSample(new ExportQuery(c.day(), c.day(),
                c.config().export().events(), c.config().export().where(), c.config().export().gzip())));
    }

    /** A fetched (sub-)window, and its rendered spool. */
    record Piece(DateWindow window, ExportRenderer.Rendered rendered) {}

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
        Optional<Instant> bookmarkTime = ctx.state().bookmark(ctx.stream()).flatMap(b -> Bookmarks.instant(b, ctx.zone()));
        ZoneId days = ctx.exportZone();
        List<DateWindow> windows = windows(ctx);
        Optional<ZoneId> legacy = ctx.config().export().timeInProjectTimezone() ? Optional.of(ctx.zone()) : Optional.empty();
        Path spoolDir = Path.of(System.getProperty("java.io.tmpdir"));
        ExportCursor.Watermarks marks = new ExportCursor.Watermarks(ctx, windows);
        WindowLoop.Reader<Piece, ExportCursor> reader = new WindowLoop.Reader<>() {
            @Override
            public WindowLoop.Fetched<Piece> fetch(DateWindow w) {
                List<Piece> pieces = new ArrayList<>();
                try {
                    ExportStream.fetch(ctx, w, legacy, spoolDir, marks.skip(), pieces);
                    return new WindowLoop.Fetched<>(pieces, Optional.empty());
                } catch (RuntimeException e) {
                    if (pieces.isEmpty()) throw e;
                    return new WindowLoop.Fetched<>(pieces, Optional.of(e)); // the halves before it still count (docs/state.md "State")
                }
            }

            @Override
            public WindowLoop.Step<ExportCursor> write(ExportCursor cursor, Piece piece) {
                ExportRenderer.Rendered r = piece.rendered();
                if (r.spool() == null) {
                    // written in place: the BATCH message names the files, which stay (docs/batch.md "BATCH messages")
                    ctx.emitter().announceBatch(r.batchFiles(), r.records());
                } else {
                    try {
                        ctx.emitter().appendSpool(r.spool().channel(), r.records());
                    } finally {
                        deleteSpool(r);
                    }
                }
                return cursor.after(piece, days, marks);
            }

            @Override
            public void discard(Piece piece) { ExportStream.discard(piece); }
        };
        try {
            ExportCursor end = WindowLoop.ahead(ctx.pool(), ctx.config().http().maxConcurrentRequests(), windows,
                    ExportCursor.start(bookmarkTime), reader, i -> position(windows, i), ctx.position(), ctx.committer());
            marks.report(end.skipped());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading export windows", e);
        }
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

    private static void discard(Piece p) {
        deleteSpool(p.rendered());
        for (Path f : p.rendered().batchFiles()) ExportSpool.deleteQuietly(f); // never announced: no target reads it
    }

    private static void deleteSpool(ExportRenderer.Rendered r) {
        if (r.spool() != null) r.spool().release();
    }

    private static ExportRenderer.Rendered render(StreamContext ctx, ExportQuery q, Optional<ZoneId> legacy, Path spoolDir,
                                                  ExportWatermark.Filter skip) {
        ExportRenderer renderer = new ExportRenderer(ExportRenderer.Options.of(ctx.emitter(), spoolDir).withLegacyZone(legacy)
                .withWatermark(ctx.config().export().watermark(), Optional.ofNullable(skip))
                .withRawProperties(ctx.config().export().rawProperties()));
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
