package io.tapmixpanel.streams;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderedPipelineTest {
    /** More threads than any limit below, so that the limits are the pipeline's, not the pool's. */
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) throw new AssertionError("latch not released in 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void resultsAreConsumedInTaskOrderWhenTasksFinishInReverseOrder() throws Exception {
        int n = 4;
        List<CountDownLatch> finish = IntStream.range(0, n).mapToObj(i -> new CountDownLatch(1)).toList();
        List<Integer> finished = Collections.synchronizedList(new ArrayList<>());
        List<String> consumed = new ArrayList<>();
        // Task i waits for task i + 1 to finish: the last task ends first.
        new OrderedPipeline<String>(pool, n, n).run(n, i -> {
            if (i + 1 < n) await(finish.get(i + 1));
            finished.add(i);
            finish.get(i).countDown();
            return "r" + i;
        }, (i, r) -> consumed.add(i + "=" + r), r -> { });
        assertEquals(List.of(3, 2, 1, 0), finished);
        assertEquals(List.of("0=r0", "1=r1", "2=r2", "3=r3"), consumed);
    }

    @Test
    void neverRunsMoreThanMaxRunningNorStartsMoreThanMaxUnconsumedAheadOfTheConsumer() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peakRunning = new AtomicInteger();
        AtomicInteger highestStarted = new AtomicInteger(-1);
        AtomicInteger peakAhead = new AtomicInteger();
        new OrderedPipeline<Integer>(pool, 3, 5).run(60, i -> {
            peakRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            highestStarted.accumulateAndGet(i, Math::max);
            try {
                Thread.sleep((i * 7) % 5); // uneven durations: tasks end out of order
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
            return i;
        }, (i, r) -> {
            // Started but not consumed, counting this one.
            peakAhead.accumulateAndGet(highestStarted.get() - i + 1, Math::max);
            assertEquals(i, r);
        }, r -> { });
        assertEquals(3, peakRunning.get(), "tasks running at once");
        assertTrue(peakAhead.get() <= 5, "started ahead of the consumer: " + peakAhead.get());
    }

    @Test
    void startsTheNextTaskAsSoonAsOneEndsWhileTheHeadIsStillRunning() throws Exception {
        CountDownLatch thirdEnded = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        AtomicInteger startedBeforeHeadConsumed = new AtomicInteger();
        new OrderedPipeline<Integer>(pool, 2, 3).run(5, i -> {
            started.incrementAndGet();
            if (i == 0) {
                await(thirdEnded); // only ends if task 2 could start while this one runs
                try {
                    Thread.sleep(200); // time for a fourth task to start, were the limit of 3 unconsumed not kept
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (i == 2) thirdEnded.countDown();
            return i;
        }, (i, r) -> {
            if (i == 0) startedBeforeHeadConsumed.set(started.get());
        }, r -> { });
        assertEquals(3, startedBeforeHeadConsumed.get(), "tasks started before task 0 was consumed");
    }

    @Test
    void aFailedTaskIsRethrownAsItselfAfterTheResultsBeforeItAndTheRestAreCancelled() throws Exception {
        IllegalStateException boom = new IllegalStateException("page 2 failed");
        CountDownLatch headMayEnd = new CountDownLatch(1);
        CountDownLatch laterStarted = new CountDownLatch(1);
        AtomicReference<Boolean> laterInterrupted = new AtomicReference<>();
        CountDownLatch laterEnded = new CountDownLatch(1);
        List<Integer> consumed = new ArrayList<>();
        RuntimeException thrown = assertThrows(RuntimeException.class, () ->
                new OrderedPipeline<Integer>(pool, 3, 3).run(6, i -> {
                    switch (i) {
                        case 0 -> await(headMayEnd);
                        case 1 -> {
                            await(laterStarted);
                            headMayEnd.countDown();
                            throw boom;
                        }
                        case 2 -> {
                            laterStarted.countDown();
                            try {
                                Thread.sleep(10_000);
                                laterInterrupted.set(false);
                            } catch (InterruptedException e) {
                                laterInterrupted.set(true);
                            } finally {
                                laterEnded.countDown();
                            }
                        }
                        default -> { } // may start once task 0 is consumed; cancelled with the rest
                    }
                    return i;
                }, (i, r) -> consumed.add(i), r -> { }));
        assertSame(boom, thrown);
        assertEquals(List.of(0), consumed);
        await(laterEnded);
        assertTrue(laterInterrupted.get(), "the task still running was cancelled");
    }

    @Test
    void aConsumerFailureCancelsTheRestAndDiscardsWhatFinished() throws Exception {
        CountDownLatch othersDone = new CountDownLatch(2);
        List<Integer> discarded = Collections.synchronizedList(new ArrayList<>());
        IllegalArgumentException boom = new IllegalArgumentException("append failed");
        RuntimeException thrown = assertThrows(RuntimeException.class, () ->
                new OrderedPipeline<Integer>(pool, 3, 3).run(3, i -> {
                    if (i > 0) othersDone.countDown();
                    return i;
                }, (i, r) -> {
                    await(othersDone);
                    try {
                        Thread.sleep(50); // tasks 1 and 2 have returned; let their futures complete
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    throw boom;
                }, discarded::add));
        assertSame(boom, thrown);
        assertEquals(List.of(1, 2), discarded.stream().sorted().toList());
    }

    @Test
    void anErrorOfATaskIsRethrownUnwrapped() {
        AssertionError boom = new AssertionError("task error");
        assertSame(boom, assertThrows(AssertionError.class, () ->
                new OrderedPipeline<Integer>(pool, 1, 1).run(1, i -> { throw boom; }, (i, r) -> { }, r -> { })));
    }

    @Test
    void interruptingTheCallerThrowsInterruptedExceptionAndCancelsTheRunningTasks() throws Exception {
        CountDownLatch allStarted = new CountDownLatch(2);
        CountDownLatch tasksInterrupted = new CountDownLatch(2);
        AtomicReference<Throwable> callerGot = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                new OrderedPipeline<Integer>(pool, 2, 2).run(4, i -> {
                    allStarted.countDown();
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException e) {
                        tasksInterrupted.countDown();
                    }
                    return i;
                }, (i, r) -> { }, r -> { });
            } catch (Throwable t) {
                callerGot.set(t);
            }
        });
        caller.start();
        await(allStarted);
        caller.interrupt();
        caller.join(10_000);
        assertFalse(caller.isAlive());
        assertTrue(callerGot.get() instanceof InterruptedException, "caller got " + callerGot.get());
        await(tasksInterrupted);
    }

    @Test
    void limitsBelowOneOrUnconsumedBelowRunningAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new OrderedPipeline<Integer>(pool, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new OrderedPipeline<Integer>(pool, 2, 1));
    }

    @Test
    void resultsTakenOneByOneComeInTaskOrderSoTheCallerCarriesItsValueInALocal() throws Exception {
        int sum = 0;
        List<Integer> order = new ArrayList<>();
        try (OrderedPipeline.Results<Integer> results = new OrderedPipeline<Integer>(pool, 3, 4).start(5, i -> {
            try {
                Thread.sleep(10L * (5 - i)); // the last task ends first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return i;
        }, r -> { })) {
            for (int i = 0; i < 5; i++) {
                int r = results.next();
                order.add(r);
                sum += r;
            }
            assertThrows(java.util.NoSuchElementException.class, results::next);
        }
        assertEquals(List.of(0, 1, 2, 3, 4), order);
        assertEquals(10, sum);
    }

    @Test
    void closingBeforeEveryResultIsTakenDiscardsTheFinishedOnes() throws Exception {
        List<Integer> discarded = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch allDone = new CountDownLatch(3);
        try (OrderedPipeline.Results<Integer> results = new OrderedPipeline<Integer>(pool, 3, 3).start(3, i -> {
            allDone.countDown();
            return i;
        }, discarded::add)) {
            assertEquals(0, results.next());
            await(allDone);
            Thread.sleep(50); // the futures of tasks 1 and 2 complete just after their bodies return
        }
        assertEquals(List.of(1, 2), discarded);
    }
}
