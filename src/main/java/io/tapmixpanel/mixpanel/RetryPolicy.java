package io.tapmixpanel.mixpanel;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How hard the client insists on transient failures (429, 5xx, resets, timeouts, cut-short exports):
 * at most {@code maxAttempts} attempts in all, exponential backoff from {@code initialBackoff} doubling up to
 * {@code maxBackoff} with jitter, and never more than {@code maxTotalWait} of waiting for one request.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxTotalWait) {

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxTotalWait, "maxTotalWait");
        if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxTotalWait.isNegative()) {
            throw new IllegalArgumentException("backoff durations must not be negative");
        }
    }

    /** 8 attempts, 1 s doubling to 60 s, at most 15 minutes of waiting per request. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(15));
    }

    /**
     * The wait before retry number {@code retry} (1 = the first retry): the exponential step capped at
     * {@code maxBackoff}, with "equal jitter" (half fixed, half random) so that parallel workers spread out
     * while each still backs off.
     */
    public Duration backoff(int retry) {
        long initial = initialBackoff.toNanos();
        long cap = maxBackoff.toNanos();
        int shift = Math.min(Math.max(retry - 1, 0), 40);
        long step = initial > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : initial << shift;
        step = Math.min(step, cap);
        if (step <= 1) return Duration.ofNanos(Math.max(step, 0));
        long half = step / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(step - half + 1));
    }
}
