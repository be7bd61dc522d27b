package io.tapmixpanel.streams;

import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Runs numbered tasks (export windows, engage pages: docs/streams.md "Streams") on a pool and hands their results to the
 * calling thread strictly in task order. At most {@code maxRunning} tasks run at once and at most
 * {@code maxUnconsumed} are started but not yet consumed (running, finished and waiting, or being consumed). A new
 * task starts as soon as a running one ends, not only once the head is consumed, so finished results may wait for
 * their turn while the pool stays busy (docs/performance.md "The next window is fetched as soon as a fetch ends").
 *
 * <p>A failed task surfaces when its turn comes, so every result before it is still consumed (STATE advances as far
 * as it can). On any failure (a task's, the consumer's, or the caller's interruption) the tasks not consumed are
 * cancelled, the results that finished anyway are handed to {@code discard}, and the failure is rethrown as what
 * it was: a task's exception is not wrapped, so the cli reports it as if run inline.
 */
final class OrderedPipeline<T> {
    /** Takes the result of task {@code index}, in index order, on the thread that called {@link #run}. */
    @FunctionalInterface
    interface Sink<T> {
        void accept(int index, T result);
    }

    private final ExecutorService pool;
    private final int maxRunning;
    private final int maxUnconsumed;

    OrderedPipeline(ExecutorService pool, int maxRunning, int maxUnconsumed) {
        if (maxRunning < 1 || maxUnconsumed < maxRunning) {
            throw new IllegalArgumentException("need 1 <= maxRunning <= maxUnconsumed: " + maxRunning + ", " + maxUnconsumed);
        }
        this.pool = pool;
        this.maxRunning = maxRunning;
        this.maxUnconsumed = maxUnconsumed;
    }

    /**
     * Runs tasks {@code 0..count-1} and consumes their results in order; returns once all are consumed.
     *
     * @param discard takes the results that finished but will never be consumed because something failed
     * @throws InterruptedException when the calling thread is interrupted while waiting (the rest is cancelled)
     */
    void run(int count, IntFunction<? extends T> task, Sink<? super T> sink, Consumer<? super T> discard)
            throws InterruptedException {
        try (Results<T> results = start(count, task, discard)) {
            for (int i = 0; i < count; i++) sink.accept(i, results.next());
        }
    }

    /**
     * Runs tasks {@code 0..count-1}, whose results the caller takes in order with {@link Results#next}, so that what
     * it carries from one result to the next stays a local variable of its loop. Closing it cancels the tasks not
     * taken and hands the results that finished anyway to {@code discard}.
     */
    <R extends T> Results<T> start(int count, IntFunction<R> task, Consumer<? super T> discard) {
        return new Results<>(this, count, task, discard);
    }

    /** The results of one {@link #start}, taken in task order on the thread that started it. */
    static final class Results<T> implements AutoCloseable {
        private final OrderedPipeline<T> limits;
        private final int count;
        private final IntFunction<? extends T> task;
        private final Consumer<? super T> discard;
        // The completion service tells when any task ends (to start the next one early); the deque keeps the order.
        private final ExecutorCompletionService<T> ended;
        private final ArrayDeque<Future<T>> started = new ArrayDeque<>();
        private int running;
        private int next;
        private int done;

        private Results(OrderedPipeline<T> limits, int count, IntFunction<? extends T> task, Consumer<? super T> discard) {
            this.limits = limits;
            this.count = count;
            this.task = task;
            this.discard = discard;
            this.ended = new ExecutorCompletionService<>(limits.pool);
        }

        /**
         * The result of the next task in order, once it has finished. A task's failure is rethrown as what it was.
         *
         * @throws InterruptedException when the calling thread is interrupted while waiting
         */
        T next() throws InterruptedException {
            if (done >= count) throw new java.util.NoSuchElementException("all " + count + " results were taken");
            while (true) {
                while (ended.poll() != null) running--;
                while (next < count && running < limits.maxRunning && next - done < limits.maxUnconsumed) {
                    int index = next++;
                    started.add(ended.submit(() -> task.apply(index)));
                    running++;
                }
                if (!started.peek().isDone()) {
                    ended.take(); // some task ended: maybe the head, maybe room for the next one
                    running--;
                    continue;
                }
                T result;
                try {
                    result = started.peek().get();
                } catch (ExecutionException e) {
                    throw unwrap(e);
                }
                started.poll();
                done++;
                return result;
            }
        }

        @Override
        public void close() {
            for (Future<T> f : started) {
                f.cancel(true);
                try {
                    if (f.isDone() && !f.isCancelled()) discard.accept(f.get());
                } catch (Exception ignored) {
                    // the failure being reported matters more than what a discarded result leaves behind
                }
            }
            started.clear();
        }
    }

    /** What a pooled task threw, as the exception it was. */
    static RuntimeException unwrap(ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException r) return r;
        if (c instanceof Error err) throw err;
        return new IllegalStateException(c);
    }
}
