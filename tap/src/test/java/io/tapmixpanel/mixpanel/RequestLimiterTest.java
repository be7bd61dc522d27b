package io.tapmixpanel.mixpanel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Concurrency per API family and overall, and the export start rate, without waiting when under the limits. */
class RequestLimiterTest {

    private static int maxConcurrent(RequestLimiter limiter, ApiFamily family, int threads) throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < threads * 2; i++) {
                done.add(pool.submit(() -> {
                    limiter.acquire(family);
                    try {
                        max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        Thread.sleep(20);
                        inFlight.decrementAndGet();
                    } finally {
                        limiter.release(family);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        return max.get();
    }

    @Test
    void theQueryApiNeverHasMoreThanFiveRequestsInFlight() throws Exception {
        assertEquals(5, maxConcurrent(new RequestLimiter(50), ApiFamily.QUERY, 20));
    }

    @Test
    void theTapsOwnMaximumCapsEveryFamily() throws Exception {
        assertEquals(3, maxConcurrent(new RequestLimiter(3), ApiFamily.QUERY, 20));
    }

    @Test
    void underTheLimitsNothingWaits() throws Exception {
        RequestLimiter limiter = new RequestLimiter(10);
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) limiter.acquire(ApiFamily.EXPORT);
        for (int i = 0; i < 5; i++) limiter.acquire(ApiFamily.QUERY);
        assertTrue(System.nanoTime() - start < 500_000_000L, "no sleep below the limits (the 4th export start would wait 1 s)");
    }

    @Test
    void exportStartsAreLimitedToThreePerSecond() throws Exception {
        RequestLimiter limiter = new RequestLimiter(10);
        long start = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            limiter.acquire(ApiFamily.EXPORT);
            limiter.release(ApiFamily.EXPORT);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 950 && ms < 3000, "the 4th start waited for the 1 s window: " + ms + " ms");
    }

    @Test
    void theStartGateSlidesItsWindow() throws Exception {
        StartRateGate gate = new StartRateGate(3, Duration.ofMillis(100));
        long start = System.nanoTime();
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            gate.awaitStart();
            at.add((System.nanoTime() - start) / 1_000_000);
        }
        assertTrue(at.get(2) < 90, at.toString());
        assertTrue(at.get(3) >= 99, at.toString());
        assertTrue(at.get(6) >= 199, at.toString());
    }
}
