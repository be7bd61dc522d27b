package io.tapmixpanel.streams;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The plan-read-commit loop of the streams read in date windows (export, funnels, revenue; docs/state.md "State"): the
 * windows are planned first ({@link DateWindow#plan}); each is fetched, its records written in window order, and the
 * {@link Checkpoint} its write hands back committed before the next window is written, so STATE is never ahead of
 * the records on stdout. A window whose fetch fails commits nothing; the windows before it stay committed.
 */
public final class WindowLoop {
    /** How one stream reads its windows. {@code P} is a fetched piece of a window, {@code C} what the stream carries from one piece to the next. */
    public interface Reader<P, C> {
        /** Fetches one window (on a pool thread when fetched ahead). */
        Fetched<P> fetch(DateWindow window);

        /** Writes a fetched piece's records, on the calling thread in window order, and says where the bookmark moves. */
        Step<C> write(C carried, P piece);

        /** Releases a piece that will never be written (something failed first). */
        void discard(P piece);
    }

    /**
     * What fetching one window gave: its pieces in day order (export fetches a window cut short again and again as
     * two halves), and the failure that stopped it after them, if any: the pieces before it are still written.
     */
    public record Fetched<P>(List<P> pieces, Optional<RuntimeException> failure) {
        public Fetched {
            pieces = List.copyOf(pieces);
        }

        static <P> Fetched<P> whole(P piece) {
            return new Fetched<>(List.of(piece), Optional.empty());
        }
    }

    /** What writing a piece gives: what the stream carries to the next piece, and the checkpoint to commit. */
    public record Step<C>(C carried, Checkpoint checkpoint) {}

    private WindowLoop() {}

    /**
     * Reads {@code windows} one after the other on the calling thread: {@code fetch} asks Mixpanel,
     * {@code write} writes the answer's records and hands back the window's checkpoint.
     *
     * @param label what the progress log says of window {@code i} while it is read
     */
    static <T> void inOrder(List<DateWindow> windows, Function<DateWindow, T> fetch, BiFunction<DateWindow, T, Checkpoint> write,
                            IntFunction<String> label, Consumer<String> position, StateCommitter committer) {
        Reader<Answer<T>, Boolean> reader = new Reader<>() {
            @Override
            public Fetched<Answer<T>> fetch(DateWindow w) { return Fetched.whole(new Answer<>(w, fetch.apply(w))); }

            @Override
            public Step<Boolean> write(Boolean carried, Answer<T> a) { return new Step<>(carried, write.apply(a.window(), a.answer())); }

            @Override
            public void discard(Answer<T> a) { }
        };
        try {
            loop(windows, Boolean.TRUE, reader, i -> reader.fetch(windows.get(i)), label, position, committer);
        } catch (InterruptedException e) { // only a fetch ahead waits
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading windows", e);
        }
    }

    /** Mixpanel's answer for one window. */
    private record Answer<T>(DateWindow window, T answer) {}

    /**
     * Reads {@code windows} with up to {@code ahead} fetched at once on {@code pool} (a new window is fetched as soon
     * as a fetch ends, so at most {@code ahead + 1} windows wait unwritten) and writes them in window order.
     *
     * @return what the stream carries after the last piece written
     * @throws InterruptedException when the calling thread is interrupted while waiting (the rest is discarded)
     */
    public static <P, C> C ahead(ExecutorService pool, int ahead, List<DateWindow> windows, C start, Reader<P, C> reader,
                                 IntFunction<String> label, Consumer<String> position, StateCommitter committer)
            throws InterruptedException {
        OrderedPipeline<Fetched<P>> fetches = new OrderedPipeline<>(pool, ahead, ahead + 1);
        try (OrderedPipeline.Results<Fetched<P>> results = fetches.start(windows.size(), i -> reader.fetch(windows.get(i)),
                f -> f.pieces().forEach(reader::discard))) {
            return loop(windows, start, reader, i -> results.next(), label, position, committer);
        }
    }

    /** Window {@code i}'s fetch: made now, or taken from those made ahead. */
    @FunctionalInterface
    private interface Fetches<P> {
        Fetched<P> take(int i) throws InterruptedException;
    }

    /** The loop itself: each window's pieces written and committed in order, the progress log told which window is read. */
    private static <P, C> C loop(List<DateWindow> windows, C start, Reader<P, C> reader, Fetches<P> fetches,
                                 IntFunction<String> label, Consumer<String> position, StateCommitter committer)
            throws InterruptedException {
        C carried = start;
        if (!windows.isEmpty()) position.accept(label.apply(0));
        for (int i = 0; i < windows.size(); i++) {
            carried = writeAll(fetches.take(i), carried, reader, committer);
            if (i + 1 < windows.size()) position.accept(label.apply(i + 1));
        }
        return carried;
    }

    /** Writes and commits a window's pieces in order; discards those not written when one fails. */
    private static <P, C> C writeAll(Fetched<P> fetched, C carried, Reader<P, C> reader, StateCommitter committer) {
        int written = 0;
        try {
            for (P piece : fetched.pieces()) {
                Step<C> step = reader.write(carried, piece);
                written++;
                carried = step.carried();
                committer.commit(step.checkpoint());
            }
        } finally {
            // the pieces not written when a write failed
            for (P piece : fetched.pieces().subList(written, fetched.pieces().size())) reader.discard(piece);
        }
        if (fetched.failure().isPresent()) throw fetched.failure().get();
        return carried;
    }
}
