package io.tapmixpanel.mixpanel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.CallBudgets;
import io.tapmixpanel.mixpanel.HttpListener;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrency per API family and overall, the export start rate, without waiting when under the limits; and the
 * hourly call budgets, on a fake clock that the fake sleeper advances (no real hours).
 */
class RequestLimiterTest {
    private static final long S = 1_000_000_000L;

    /** A clock that only moves when the limiter sleeps (or the test says so), and the sleeps it was asked for. */
    static final class FakeTime implements Sleeper {
        final AtomicLong now = new AtomicLong(1_000 * S);
        final List<Long> sleeps = new java.util.concurrent.CopyOnWriteArrayList<>();

        long now() { return now.get(); }

        void advance(long nanos) { now.addAndGet(nanos); }

        @Override
        public void sleep(long nanos) {
            sleeps.add(nanos);
            advance(nanos);
        }
    }

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() { Log.redirect(new PrintStream(logged, true, StandardCharsets.UTF_8)); }

    @AfterEach
    void restoreLog() { Log.redirect(System.err); }

    private String log() { return logged.toString(StandardCharsets.UTF_8); }

    private static RequestLimiter limiter(int exportCalls, int queryCalls, Duration window, FakeTime time) {
        return new RequestLimiter(10, new CallBudgets(exportCalls, queryCalls, window, Duration.ZERO), time::now, time, HttpListener.NOOP);
    }

    private static void call(RequestLimiter limiter, ApiFamily family) throws InterruptedException {
        limiter.acquire(family, true, "funnel 7");
        limiter.release(family);
    }

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

    @Test
    void byDefaultACallIsCountedForItsWindowAndASecondMoreAsMixpanelCountsItOnArrival() throws Exception {
        FakeTime time = new FakeTime();
        RequestLimiter limiter = new RequestLimiter(10, new CallBudgets(60, 1, Duration.ofSeconds(15)), time::now, time,
                HttpListener.NOOP);
        call(limiter, ApiFamily.QUERY);
        call(limiter, ApiFamily.QUERY);
        assertEquals(List.of(16 * S), time.sleeps, "15 s window + 1 s margin");
        RequestLimiter small = new RequestLimiter(10, new CallBudgets(60, 1, Duration.ofSeconds(2)), time::now, time,
                HttpListener.NOOP);
        call(small, ApiFamily.QUERY);
        call(small, ApiFamily.QUERY);
        assertEquals(List.of(16 * S, 2200 * S / 1000), time.sleeps, "a short window: a tenth of it");
    }

    @Test
    void aFullBudgetWaitsUntilItsOldestCallAgesOutWithOneLogLine() throws Exception {
        FakeTime time = new FakeTime();
        RequestLimiter limiter = limiter(60, 3, Duration.ofSeconds(100), time);
        call(limiter, ApiFamily.QUERY);
        time.advance(10 * S);
        call(limiter, ApiFamily.QUERY);
        time.advance(10 * S);
        call(limiter, ApiFamily.QUERY);
        assertEquals(List.of(), time.sleeps, "no wait while the window has room");

        call(limiter, ApiFamily.QUERY);
        assertEquals(List.of(80 * S), time.sleeps, "the oldest call (100 s window, sent 20 s ago) ages out in 80 s");
        List<String> waits = log().lines().filter(l -> l.contains("waiting")).toList();
        assertEquals(List.of("INFO waiting 1 min 20 s for the query budget: 3 calls in the last 1 min 40 s "
                + "(query_requests_per_hour = 3); next: funnel 7"), waits);
    }

    @Test
    void exportAndQueryHaveSeparateBudgetsAndTheOtherFamiliesNone() throws Exception {
        FakeTime time = new FakeTime();
        RequestLimiter limiter = limiter(2, 1, Duration.ofHours(1), time);
        call(limiter, ApiFamily.QUERY);
        call(limiter, ApiFamily.EXPORT);
        call(limiter, ApiFamily.EXPORT);
        for (int i = 0; i < 5; i++) call(limiter, ApiFamily.APP);
        assertEquals(List.of(), time.sleeps);
        call(limiter, ApiFamily.EXPORT);
        assertEquals(1, time.sleeps.size(), "the third export waits for the export budget");
        assertTrue(log().contains("for the export budget: 2 calls in the last 60 min (export_requests_per_hour = 2)"), log());
    }

    @Test
    void uncountedCallsSuchAsEngageSessionPagesNeverWaitNorUseTheBudget() throws Exception {
        FakeTime time = new FakeTime();
        RequestLimiter limiter = limiter(60, 1, Duration.ofHours(1), time);
        for (int i = 0; i < 10; i++) {
            limiter.acquire(ApiFamily.QUERY, false, "engage page " + i);
            limiter.release(ApiFamily.QUERY);
        }
        call(limiter, ApiFamily.QUERY);
        assertEquals(List.of(), time.sleeps, "the one counted call still had its slot");
    }

    @Test
    void aRequestWaitingForItsBudgetHoldsNoPermit() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong now = new AtomicLong();
        Sleeper blocking = nanos -> {
            waiting.countDown();
            release.await();
            now.addAndGet(nanos);
        };
        // One permit in all: if the waiting query held it, nothing else could run.
        RequestLimiter limiter = new RequestLimiter(1, new CallBudgets(60, 1, Duration.ofHours(1), Duration.ZERO), now::get, blocking,
                HttpListener.NOOP);
        limiter.acquire(ApiFamily.QUERY, true, "first");
        limiter.release(ApiFamily.QUERY);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> second = pool.submit(() -> {
                limiter.acquire(ApiFamily.QUERY, true, "second");
                limiter.release(ApiFamily.QUERY);
                return null;
            });
            assertTrue(waiting.await(10, TimeUnit.SECONDS));
            limiter.acquire(ApiFamily.EXPORT);
            limiter.release(ApiFamily.EXPORT);
            limiter.acquire(ApiFamily.QUERY, false, "engage page 2");
            limiter.release(ApiFamily.QUERY);
            release.countDown();
            second.get(10, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aBudgetWaitIsInterruptible() throws Exception {
        RequestLimiter limiter = new RequestLimiter(4, new CallBudgets(60, 1, Duration.ofHours(1), Duration.ZERO), System::nanoTime,
                Sleeper.REAL, HttpListener.NOOP);
        limiter.acquire(ApiFamily.QUERY, true, "first");
        limiter.release(ApiFamily.QUERY);
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                limiter.acquire(ApiFamily.QUERY, true, "second");
            } catch (Throwable e) {
                ended.set(e);
            }
        });
        t.start();
        while (!log().contains("waiting 60 min for the query budget")) Thread.sleep(5);
        t.interrupt();
        t.join(10_000);
        assertInstanceOf(InterruptedException.class, ended.get());
    }

    @Test
    void theListenerHearsOfEveryBudgetWaitAndItsEnd() throws Exception {
        FakeTime time = new FakeTime();
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpListener listener = new HttpListener() {
            @Override
            public void onBudgetWait(String budget, Duration wait) { heard.add(budget + " " + wait.toSeconds() + " s"); }

            @Override
            public void onBudgetWaitOver(String budget) { heard.add(budget + " over"); }
        };
        RequestLimiter limiter = new RequestLimiter(4, new CallBudgets(60, 1, Duration.ofSeconds(30), Duration.ZERO), time::now, time, listener);
        call(limiter, ApiFamily.QUERY);
        call(limiter, ApiFamily.QUERY);
        assertEquals(List.of("query 30 s", "query over"), heard);
    }

    @Test
    void aLowerBudgetAdoptedFromMixpanelPacesTheRestOfTheRun() throws Exception {
        FakeTime time = new FakeTime();
        RequestLimiter limiter = limiter(60, 5, Duration.ofSeconds(60), time);
        CallBudget budget = limiter.budget(ApiFamily.QUERY);
        budget.adopt(2);
        budget.adopt(2);
        budget.adopt(9); // higher than ours: ignored
        assertEquals(2, budget.limit());
        call(limiter, ApiFamily.QUERY);
        call(limiter, ApiFamily.QUERY);
        assertEquals(List.of(), time.sleeps);
        call(limiter, ApiFamily.QUERY);
        assertEquals(List.of(60 * S), time.sleeps);
        assertEquals(1, log().lines().filter(l -> l.contains("Mixpanel's hourly query budget is 2 calls")).count(), log());
        assertTrue(log().contains("2 calls in the last 1 min (Mixpanel's budget of 2, below query_requests_per_hour = 5)"), log());
    }

    @Test
    void afterAnHourlyRefusalTheFamilyIsHeldBackAndTheWaitCoversAnAdoptedLimit() throws Exception {
        FakeTime time = new FakeTime();
        RequestLimiter limiter = limiter(60, 4, Duration.ofSeconds(100), time);
        CallBudget budget = limiter.budget(ApiFamily.QUERY);
        for (int i = 0; i < 3; i++) {
            call(limiter, ApiFamily.QUERY);
            time.advance(10 * S);
        }
        assertEquals(70 * S, budget.untilOldestAgesOut(), "the oldest call was sent 30 s ago");
        budget.adopt(1);
        assertEquals(90 * S, budget.untilOldestAgesOut(), "under a limit of 1, the two older calls must age out");
        budget.blockUntil(time.now() + 95 * S, "held back after a 429");
        assertEquals(95 * S, budget.tryTake());
        assertTrue(budget.waitReason().contains("held back after a 429"));
    }

    @Test
    void mixpanelsHourlyRefusalIsToldFromItsConcurrencyRefusal() {
        assertEquals(Optional.of(OptionalInt.of(60)), CallBudget.hourlyRefusal("Query rate limit exceeded for project_id: "
                + "2526451. 1/5 queries running concurrently and 61/60 queries running in the last hour. Please retry later."));
        assertEquals(Optional.of(OptionalInt.of(400)), CallBudget.hourlyRefusal("... 401/400 queries running in the last hour"));
        assertEquals(Optional.empty(), CallBudget.hourlyRefusal("Query rate limit exceeded for project_id: 1. "
                + "6/5 queries running concurrently and 12/60 queries running in the last hour."));
        assertEquals(Optional.of(OptionalInt.empty()), CallBudget.hourlyRefusal("hourly rate limit exceeded"));
        assertEquals(Optional.empty(), CallBudget.hourlyRefusal("slow down"));
    }

    @Test
    void asALinkItHoldsThePermitsForTheExchangeAndReleasesThemWhateverHappens() {
        RequestLimiter one = new RequestLimiter(1);
        MixpanelApiException fatal = new MixpanelApiException("HTTP 400", 400, "", "GET /x");
        assertThrows(MixpanelApiException.class, () -> new ScriptedAttempts(fatal).run(ApiFamily.QUERY, one));
        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertEquals("ok", new ScriptedAttempts(ScriptedAttempts.ok()).run(ApiFamily.QUERY, one)));
    }
}
