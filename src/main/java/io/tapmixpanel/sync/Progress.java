package io.tapmixpanel.sync;

import io.tapmixpanel.log.Log;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of the stream being synced, logged every 10 s from a daemon thread so that a long window still shows
 * signs of life (docs/observability.md "Observability"): {@code progress export: window 3/12, 1500000 records read, 312000 records/s, 0 retries};
 * while a request waits for an hourly budget, the line begins {@code waiting for the query budget (12 min left)}.
 */
public final class Progress implements AutoCloseable {
    public static final long INTERVAL_SECONDS = 10;

    private final ScheduledExecutorService ticker;
    private final RunMetrics metrics;
    private volatile String stream;
    private volatile String position = "";
    /** Records read so far in the current stream, counted where they are produced (possibly several threads). */
    private final AtomicLong produced = new AtomicLong();
    private volatile long startNanos;

    public Progress(RunMetrics metrics, long intervalSeconds) {
        this.metrics = metrics;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tap-mixpanel-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::log, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    public void start(String stream) {
        this.stream = stream;
        this.position = "";
        this.produced.set(0);
        this.startNanos = System.nanoTime();
    }

    public void stop() { this.stream = null; }

    /** Where the stream is, e.g. "window 3/12" or "page 4/9". */
    public void position(String where) { this.position = where; }

    public void produced(long n) { produced.addAndGet(n); }

    /** One progress line now; the ticker calls it every interval. */
    void log() {
        String s = stream;
        if (s == null) return;
        long n = produced.get();
        double secs = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        // A wait for an hourly budget can last an hour: the line says so rather than look stuck (docs/rate-limits.md "Rate limits").
        String where = metrics.budgetWait().map(w -> position.isEmpty() ? w : w + ", " + position).orElse(position);
        Log.info("progress %s: %s%s%d records read, %.0f records/s, %d retries", s, where,
                where.isEmpty() ? "" : ", ", n, n / secs, metrics.stats(s).retries());
    }

    @Override
    public void close() { ticker.shutdownNow(); }
}
