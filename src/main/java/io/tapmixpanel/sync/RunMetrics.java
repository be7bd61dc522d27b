package io.tapmixpanel.sync;

import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.HttpListener;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a run did, per stream (docs/observability.md "Observability"): Singer METRIC lines on stderr (record counters, HTTP timers with their
 * status), and the final summary table. Requests and retries are attributed to the stream being synced.
 */
public final class RunMetrics implements HttpListener {
    /** Counters of one stream. */
    static final class StreamStats {
        final AtomicLong records = new AtomicLong();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong retries = new AtomicLong();
        volatile long startNanos;
        volatile long endNanos;
        volatile StreamOutcome outcome = StreamOutcome.NOT_SELECTED;

        long records() { return records.get(); }

        long requests() { return requests.get(); }

        long retries() { return retries.get(); }
    }

    private final Map<String, StreamStats> streams = new ConcurrentHashMap<>();
    private final Map<String, StreamStats> order = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile String current = "discovery";

    StreamStats stats(String stream) {
        return streams.computeIfAbsent(stream, s -> {
            StreamStats st = new StreamStats();
            order.put(s, st);
            return st;
        });
    }

    public void startStream(String stream) {
        current = stream;
        StreamStats s = stats(stream);
        s.startNanos = System.nanoTime();
        s.outcome = StreamOutcome.RUNNING;
    }

    void endStream(String stream, StreamOutcome outcome) {
        StreamStats s = stats(stream);
        s.endNanos = System.nanoTime();
        s.outcome = outcome;
        Log.info("METRIC: {\"type\":\"counter\",\"metric\":\"record_count\",\"value\":%d,\"tags\":{\"endpoint\":\"%s\"}}",
                s.records(), stream);
    }

    public void addRecords(String stream, long n) {
        stats(stream).records.addAndGet(n);
    }

    @Override
    public void onResponse(String endpoint, int status, long durationNanos) {
        stats(current).requests.incrementAndGet();
        Log.info("METRIC: {\"type\":\"timer\",\"metric\":\"http_request_duration\",\"value\":%.3f,\"tags\":{\"endpoint\":\"%s\",\"http_status_code\":%d,\"status\":\"%s\"}}",
                durationNanos / 1e9, endpoint, status, status < 400 ? "succeeded" : "failed");
    }

    @Override
    public void onRetry(String endpoint, String cause, int attempt, Duration wait) {
        stats(current).retries.incrementAndGet();
    }

    /** A thread waiting for an hourly budget until {@code untilNanos} ({@link System#nanoTime}). */
    private record BudgetWait(String budget, long untilNanos) {}

    private final Map<Thread, BudgetWait> budgetWaits = new ConcurrentHashMap<>();

    @Override
    public void onBudgetWait(String budget, Duration wait) {
        budgetWaits.put(Thread.currentThread(), new BudgetWait(budget, System.nanoTime() + wait.toNanos()));
    }

    @Override
    public void onBudgetWaitOver(String budget) {
        budgetWaits.remove(Thread.currentThread());
    }

    /** {@code waiting for the query budget (12 min left)}: the wait that ends first, for the progress line; empty when none. */
    java.util.Optional<String> budgetWait() {
        return budgetWaits.values().stream().min(java.util.Comparator.comparingLong(BudgetWait::untilNanos)).map(w -> {
            long s = Math.max(0, (w.untilNanos() - System.nanoTime() + 999_999_999L) / 1_000_000_000L);
            String left = s >= 60 ? (s + 59) / 60 + " min" : s + " s";
            return "waiting for the " + w.budget() + " budget (" + left + " left)";
        });
    }

    /** The final per-stream table on stderr. */
    public void logSummary() {
        Log.info("Summary:");
        Log.info(String.format(Locale.ROOT, "  %-16s %10s %9s %8s %9s  %s", "stream", "records", "requests", "retries", "elapsed", "outcome"));
        synchronized (order) {
            for (Map.Entry<String, StreamStats> e : order.entrySet()) {
                if (e.getKey().equals("discovery")) continue;
                StreamStats s = e.getValue();
                double secs = s.startNanos == 0 ? 0 : ((s.endNanos == 0 ? System.nanoTime() : s.endNanos) - s.startNanos) / 1e9;
                Log.info(String.format(Locale.ROOT, "  %-16s %10d %9d %8d %8.1fs  %s", e.getKey(), s.records(), s.requests(), s.retries(), secs, s.outcome));
            }
        }
    }
}
