package io.tapmixpanel.mixpanel.http;

import io.tapmixpanel.mixpanel.CallBudgets;
import io.tapmixpanel.mixpanel.HttpListener;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Keeps requests within Mixpanel's per-family concurrency and start-rate limits, within the tap's own
 * {@code maxConcurrentRequests}, and within the hourly call budgets of export and the query API (docs/rate-limits.md "Rate
 * limits"). Permits are held for the whole exchange, body included. Never sleeps unless a limit is actually
 * reached; a request waiting for its hourly budget holds no permit meanwhile, so other families go on.
 */
final class RequestLimiter implements Link {
    private final Semaphore overall;
    private final Map<ApiFamily, Semaphore> concurrent = new EnumMap<>(ApiFamily.class);
    private final Map<ApiFamily, StartRateGate> rates = new EnumMap<>(ApiFamily.class);
    private final Map<ApiFamily, CallBudget> budgets = new EnumMap<>(ApiFamily.class);
    private final Sleeper sleeper;
    private final HttpListener listener;

    RequestLimiter(int maxConcurrentRequests) {
        this(maxConcurrentRequests, CallBudgets.defaults(), System::nanoTime, Sleeper.REAL, HttpListener.NOOP);
    }

    RequestLimiter(int maxConcurrentRequests, CallBudgets callBudgets, LongSupplier clock, Sleeper sleeper,
                   HttpListener listener) {
        this.overall = new Semaphore(maxConcurrentRequests, true);
        this.sleeper = sleeper;
        this.listener = listener;
        for (ApiFamily f : ApiFamily.values()) {
            concurrent.put(f, new Semaphore(f.maxConcurrent, true));
            if (f.startsPerInterval > 0) rates.put(f, new StartRateGate(f.startsPerInterval, f.interval));
        }
        budgets.put(ApiFamily.EXPORT, new CallBudget("export", "export_requests_per_hour",
                callBudgets.exportCalls(), callBudgets.window(), callBudgets.margin(), clock));
        budgets.put(ApiFamily.QUERY, new CallBudget("query", "query_requests_per_hour",
                callBudgets.queryCalls(), callBudgets.window(), callBudgets.margin(), clock));
    }

    /** A counted call of {@code family}, named after it; see {@link #acquire(ApiFamily, boolean, String)}. */
    void acquire(ApiFamily family) throws InterruptedException {
        acquire(family, true, family.name().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Waits for a slot of {@code family} and, when {@code counted}, for room in its hourly budget (the call is
     * counted when this returns); the caller must {@link #release} it in a finally block. {@code what} names
     * the request in the wait's log line.
     */
    void acquire(ApiFamily family, boolean counted, String what) throws InterruptedException {
        CallBudget budget = counted ? budgets.get(family) : null;
        while (true) {
            acquirePermits(family);
            if (budget == null) return;
            // Counted under the permits, so that the recorded time is the time the call is sent.
            long wait = budget.tryTake();
            if (wait <= 0) return;
            release(family);
            budget.await(wait, what, sleeper, listener);
        }
    }

    /** As a link: the request's permits (and its place in the hourly budget) are held for the whole exchange. */
    @Override
    public <T> Answer<T> intercept(Chain<T> chain) throws RetryableFailure {
        ApiRequest req = chain.request();
        try {
            acquire(req.family(), req.countsAgainstHourlyBudget(), req.label());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiErrors.interrupted(req, e);
        }
        try {
            return chain.proceed();
        } finally {
            release(req.family());
        }
    }

    /** The hourly budget of {@code family}, or null for the families Mixpanel does not budget hourly. */
    CallBudget budget(ApiFamily family) { return budgets.get(family); }

    Sleeper sleeper() { return sleeper; }

    private void acquirePermits(ApiFamily family) throws InterruptedException {
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
