package io.tapmixpanel.streams;

import io.tapmixpanel.singer.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The plan-read-commit loop over date windows that export, funnels and revenue share (docs/state.md "State"). */
class WindowLoopTest {
    private static final LocalDate JAN_1 = LocalDate.of(2024, 1, 1);
    private final State state = new State();
    private final List<String> states = new ArrayList<>();
    private final StateCommitter committer = new StateCommitter(state, "s", s -> states.add(s.bookmark("s").orElse("-")));
    private final List<String> positions = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(3);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private static List<DateWindow> days(int n) {
        return DateWindow.plan(JAN_1, Optional.empty(), JAN_1.plusDays(n - 1L), 0, 1);
    }

    @Test
    void windowsAreReadOneAfterTheOtherEachCommittedBeforeTheNext() {
        List<DateWindow> windows = days(3);
        List<String> log = new ArrayList<>();
        WindowLoop.inOrder(windows, w -> {
            log.add("fetch " + w.from() + " after " + states.size() + " states");
            return w.from().toString();
        }, (w, fetched) -> Checkpoint.bookmark(1, "date", fetched), i -> "window " + (i + 1), positions::add, committer);
        assertEquals(List.of("fetch 2024-01-01 after 0 states", "fetch 2024-01-02 after 1 states",
                "fetch 2024-01-03 after 2 states"), log);
        assertEquals(List.of("2024-01-01", "2024-01-02", "2024-01-03"), states);
        assertEquals(List.of("window 1", "window 2", "window 3"), positions);
    }

    @Test
    void aWindowWhoseReadFailsMovesNothingAndTheWindowsBeforeItStayCommitted() {
        List<DateWindow> windows = days(3);
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> WindowLoop.inOrder(windows, w -> {
            if (w.from().equals(JAN_1.plusDays(1))) throw boom;
            return w.from().toString();
        }, (w, fetched) -> Checkpoint.bookmark(1, "date", fetched), i -> "w" + i, positions::add, committer));
        assertSame(boom, thrown);
        assertEquals(List.of("2024-01-01"), states);
        assertEquals(Optional.of("2024-01-01"), state.bookmark("s"));
    }

    /** A reader whose window fetches end in reverse order (the last first) and that sums what it wrote. */
    private static final class Reverse implements WindowLoop.Reader<String, Integer> {
        final List<String> discarded = Collections.synchronizedList(new ArrayList<>());
        final java.util.concurrent.CountDownLatch lastFetched = new java.util.concurrent.CountDownLatch(1);
        final int failAt;

        Reverse(int failAt) { this.failAt = failAt; }

        @Override
        public WindowLoop.Fetched<String> fetch(DateWindow w) {
            int day = w.from().getDayOfMonth();
            try {
                Thread.sleep(40L * (4 - day));
                // The failing window ends only once the last one has been fetched (and a while after, for its
                // future to complete): on a loaded machine the sleeps alone do not order them.
                if (day == failAt) {
                    lastFetched.await();
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (day == 3) lastFetched.countDown();
            if (day == failAt) {
                // the first half was read, the second failed: the half still counts
                return new WindowLoop.Fetched<>(List.of(w.from() + "a"), Optional.of(new IllegalStateException("cut")));
            }
            return new WindowLoop.Fetched<>(List.of(w.from() + "a", w.from() + "b"), Optional.empty());
        }

        @Override
        public WindowLoop.Step<Integer> write(Integer sofar, String piece) {
            return new WindowLoop.Step<>(sofar + 1, Checkpoint.bookmark(1, "date", piece));
        }

        @Override
        public void discard(String piece) { discarded.add(piece); }
    }

    @Test
    void windowsFetchedAheadAreWrittenInWindowOrderCarryingTheirValue() throws Exception {
        int pieces = WindowLoop.ahead(pool, 3, days(3), 0, new Reverse(0), i -> "window " + (i + 1), positions::add, committer);
        assertEquals(6, pieces);
        assertEquals(List.of("2024-01-01a", "2024-01-01b", "2024-01-02a", "2024-01-02b", "2024-01-03a", "2024-01-03b"), states);
        assertEquals(List.of("window 1", "window 2", "window 3"), positions);
    }

    @Test
    void aWindowCutShortCommitsThePiecesBeforeTheFailureThenFails() {
        Reverse reader = new Reverse(2);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> WindowLoop.ahead(pool, 3, days(3), 0, reader, i -> "w" + i, positions::add, committer));
        assertEquals("cut", e.getMessage());
        assertEquals(List.of("2024-01-01a", "2024-01-01b", "2024-01-02a"), states);
        assertEquals(Optional.of("2024-01-02a"), state.bookmark("s"));
        assertEquals(List.of("2024-01-03a", "2024-01-03b"), reader.discarded, "the window fetched after it is discarded");
    }
}
