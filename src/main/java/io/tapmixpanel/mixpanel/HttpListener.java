package io.tapmixpanel.mixpanel;

import java.time.Duration;

/**
 * What the client reports about its HTTP traffic, for Singer metrics and the per-stream summary. Called from
 * the requesting threads (several at once when requests run in parallel): implementations must be thread-safe
 * and quick.
 */
public interface HttpListener {

    /** No-op listener. */
    HttpListener NOOP = new HttpListener() {};

    /**
     * An HTTP response was received and handled. {@code endpoint} is a stable name ({@code export},
     * {@code engage}, {@code funnels}, ...); the duration runs from sending the request to the end of reading
     * its body (for export, that includes the time the consumer spent on the events).
     */
    default void onResponse(String endpoint, int status, long durationNanos) {}

    /** A request failed transiently and is retried after {@code wait}; {@code attempt} is the attempt that failed. */
    default void onRetry(String endpoint, String cause, int attempt, Duration wait) {}

    /**
     * A request of the {@code budget} family ({@code export}, {@code query}) waits {@code wait} for the hourly
     * budget before it is sent (docs/rate-limits.md "Rate limits"); {@link #onBudgetWaitOver} follows on the same thread.
     */
    default void onBudgetWait(String budget, Duration wait) {}

    /** The wait {@link #onBudgetWait} announced on this thread is over (or was interrupted). */
    default void onBudgetWaitOver(String budget) {}
}
