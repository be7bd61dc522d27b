package io.tapmixpanel.mixpanel;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Keeps requests within Mixpanel's per-family concurrency and start-rate limits and within the tap's own
 * {@code maxConcurrentRequests}. Permits are held for the whole exchange, body included. Never sleeps unless a
 * limit is actually reached.
 */
final class RequestLimiter {
    private final Semaphore overall;
    private final Map<ApiFamily, Semaphore> concurrent = new EnumMap<>(ApiFamily.class);
    private final Map<ApiFamily, StartRateGate> rates = new EnumMap<>(ApiFamily.class);

    RequestLimiter(int maxConcurrentRequests) {
        this.overall = new Semaphore(maxConcurrentRequests, true);
        for (ApiFamily f : ApiFamily.values()) {
            concurrent.put(f, new Semaphore(f.maxConcurrent, true));
            if (f.startsPerInterval > 0) rates.put(f, new StartRateGate(f.startsPerInterval, f.interval));
        }
    }

    /** Waits for a slot of {@code family}; the caller must {@link #release} it in a finally block. */
    void acquire(ApiFamily family) throws InterruptedException {
        // The family permit first: a request waiting on its family must not hold an overall permit that a
        // request of another family could use.
        Semaphore fam = concurrent.get(family);
        fam.acquire();
        try {
            overall.acquire();
            try {
                StartRateGate gate = rates.get(family);
                if (gate != null) gate.awaitStart();
            } catch (InterruptedException e) {
                overall.release();
                throw e;
            }
        } catch (InterruptedException e) {
            fam.release();
            throw e;
        }
    }

    void release(ApiFamily family) {
        overall.release();
        concurrent.get(family).release();
    }
}
