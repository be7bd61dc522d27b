package io.tapmixpanel.streams;

import io.tapmixpanel.mixpanel.ExportQuery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;

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
        long latest = bookmarkTime.map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);

        // A new window is fetched as soon as a fetch ends (not once the head window is appended), so the cores stay
        // busy while finished windows wait for their turn; at most max_concurrent_requests + 1 windows are unappended.
        ExecutorCompletionService<ExportRenderer.Rendered> fetches = new ExecutorCompletionService<>(ctx.pool());
        ArrayDeque<Future<ExportRenderer.Rendered>> inFlight = new ArrayDeque<>();
        int running = 0;
        int next = 0;
        int done = 0;
        try {
            while (done < windows.size()) {
                while (fetches.poll() != null) running--;
                while (next < windows.size() && running < ahead && next - done <= ahead) {
                    DateWindow w = windows.get(next++);
                    ExportQuery q = new ExportQuery(w.from(), w.to(), ctx.config().export().events(),
                            ctx.config().export().where(), ctx.config().export().gzip());
                    inFlight.add(fetches.submit(() -> render(ctx, q, legacy, spoolDir)));
                    running++;
                }
                DateWindow w = windows.get(done);
                ctx.position().accept("window " + (done + 1) + "/" + windows.size() + " (" + w + ")");
                if (!inFlight.peek().isDone()) {
                    fetches.take(); // some fetch ended: maybe the head, maybe room for the next window
                    running--;
                    continue;
                }
                ExportRenderer.Rendered r = inFlight.peek().get();
                inFlight.poll();
                try {
                    ctx.emitter().appendSpool(r.spool(), r.records());
                } finally {
                    Files.deleteIfExists(r.spool());
                }
                long windowEnd = w.to().plusDays(1).atStartOfDay(ctx.zone()).toInstant().toEpochMilli() - 1000;
                long reached = r.records() > 0 ? Math.min(r.maxTimeMillis(), windowEnd)
                        : w.to().atStartOfDay(ctx.zone()).toInstant().toEpochMilli();
                if (reached > latest) latest = reached;
                if (latest != Long.MIN_VALUE) {
                    ctx.state().setBookmark(ctx.stream(), "time", new Rfc3339().toString(latest));
                }
                ctx.checkpoint();
                done++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading export windows", e);
        } catch (ExecutionException e) {
            throw Futures.unwrap(e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            for (Future<ExportRenderer.Rendered> f : inFlight) {
                f.cancel(true);
                try {
                    if (f.isDone() && !f.isCancelled()) Files.deleteIfExists(f.get().spool());
                } catch (Exception ignored) {
                    // the failure being reported matters more than a leftover temp file
                }
            }
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
