package io.tapmixpanel.mixpanel.http;

import java.time.Duration;
import java.util.Arrays;

/**
 * At most {@code permits} request starts in any sliding {@code interval}: a ring of the last start times.
 * A start only waits when the oldest of the last {@code permits} starts is younger than the interval, so no
 * time is lost while the rate is below the limit.
 */
final class StartRateGate {
    private static final long NEVER = Long.MIN_VALUE;
    private final long[] starts;
    private final long intervalNanos;
    private int next;

    StartRateGate(int permits, Duration interval) {
        if (permits < 1) throw new IllegalArgumentException("permits must be >= 1");
        this.starts = new long[permits];
        Arrays.fill(starts, NEVER);
        this.intervalNanos = interval.toNanos();
    }

    /** Blocks until a start is allowed, then records it. */
    void awaitStart() throws InterruptedException {
        while (true) {
            long waitNanos;
            synchronized (this) {
                long now = System.nanoTime();
                long oldest = starts[next];
                if (oldest == NEVER || now - oldest >= intervalNanos) {
                    starts[next] = now;
                    next = (next + 1) % starts.length;
                    return;
                }
                waitNanos = oldest + intervalNanos - now;
            }
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }
}
