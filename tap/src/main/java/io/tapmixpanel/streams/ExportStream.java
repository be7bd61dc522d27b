package io.tapmixpanel.streams;

import io.tapmixpanel.mixpanel.ExportQuery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * export: raw events, append-only (README "Streams" and "State"). Date windows of date_window_size days of the project's
 * timezone, from {@code min(bookmark, end - attribution_window)}; every event of re-read days is emitted again
 * (duplicates across runs are expected: README shows the dedupe query). Up to max_concurrent_requests windows
 * are fetched and rendered at once, each into its own spool; spools are appended in window order and STATE
 * follows each appended window, so STATE is never ahead of the records on stdout.
 */
final class ExportStream implements StreamSync {
    @Override
    public void sync(StreamContext ctx) {
        Optional<String> bookmark = ctx.state().bookmark(ctx.stream());
        Optional<Instant> bookmarkTime = bookmark.flatMap(b -> Bookmarks.instant(b, ctx.zone()));
        Optional<LocalDate> bookmarkDay = bookmarkTime.map(t -> t.atZone(ctx.zone()).toLocalDate());
        List<DateWindow> windows = DateWindow.plan(ctx.startDay(), bookmarkDay, ctx.endDay(),
                ctx.config().windows().attributionWindow(), ctx.config().windows().dateWindowSize());
        Optional<java.time.ZoneId> legacy = ctx.config().export().timeInProjectTimezone() ? Optional.of(ctx.zone()) : Optional.empty();
        Path spoolDir = Path.of(System.getProperty("java.io.tmpdir"));
        int ahead = ctx.config().http().maxConcurrentRequests();

        // A new window is fetched as soon as a fetch ends (not once the head window is appended), so the cores stay
        // busy while finished windows wait for their turn; at most max_concurrent_requests + 1 windows are unappended.
        OrderedPipeline<ExportRenderer.Rendered> fetches = new OrderedPipeline<>(ctx.pool(), ahead, ahead + 1);
        long[] latest = {bookmarkTime.map(Instant::toEpochMilli).orElse(Long.MIN_VALUE)};
        if (!windows.isEmpty()) ctx.position().accept(position(windows, 0));
        try {
            fetches.run(windows.size(), i -> {
                DateWindow w = windows.get(i);
                ExportQuery q = new ExportQuery(w.from(), w.to(), ctx.config().export().events(),
                        ctx.config().export().where(), ctx.config().export().gzip());
                return render(ctx, q, legacy, spoolDir);
            }, (i, r) -> {
                DateWindow w = windows.get(i);
                try {
                    ctx.emitter().appendSpool(r.spool(), r.records());
                } finally {
                    deleteSpool(r);
                }
                long windowEnd = w.to().plusDays(1).atStartOfDay(ctx.zone()).toInstant().toEpochMilli() - 1000;
                long reached = r.records() > 0 ? Math.min(r.maxTimeMillis(), windowEnd)
                        : w.to().atStartOfDay(ctx.zone()).toInstant().toEpochMilli();
                if (reached > latest[0]) latest[0] = reached;
                if (latest[0] != Long.MIN_VALUE) {
                    ctx.state().setBookmark(ctx.stream(), "time", new Rfc3339().toString(latest[0]));
                }
                ctx.checkpoint();
                if (i + 1 < windows.size()) ctx.position().accept(position(windows, i + 1));
            }, ExportStream::deleteSpool);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading export windows", e);
        }
    }

    private static String position(List<DateWindow> windows, int i) {
        return "window " + (i + 1) + "/" + windows.size() + " (" + windows.get(i) + ")";
    }

    private static void deleteSpool(ExportRenderer.Rendered r) {
        try {
            Files.deleteIfExists(r.spool());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ExportRenderer.Rendered render(StreamContext ctx, ExportQuery q, Optional<java.time.ZoneId> legacy, Path spoolDir) {
        ExportRenderer renderer = new ExportRenderer(ctx.emitter().guard(), ctx.emitter().deselected(), legacy, spoolDir,
                ctx.emitter()::produced);
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
