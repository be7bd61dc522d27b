package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.EngagePage;
import io.tapmixpanel.mixpanel.EngageQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Engage paging (README "Streams", engage and cohort_members) against a fake page source, without HTTP. */
class EngagePagesTest {
    private static final int PAGE = 1000;
    private static final String SESSION = "session-1";
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /**
     * Profiles {@code p0, p1, ...} served {@link #PAGE} at a time like Mixpanel: total on page 0 only (when
     * {@code withTotal}), the session id on every page. {@code growAfterPage0} profiles are added once page 0 is
     * served. Records every query and the most pages in flight at once.
     */
    private static final class FakeEngage implements EngagePages.Source {
        final boolean withTotal;
        volatile int profiles;
        final int growAfterPage0;
        final List<EngageQuery> queries = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger peakInFlight = new AtomicInteger();
        volatile int failOnPage = -1;

        FakeEngage(int profiles, boolean withTotal, int growAfterPage0) {
            this.profiles = profiles;
            this.withTotal = withTotal;
            this.growAfterPage0 = growAfterPage0;
        }

        @Override
        public EngagePage fetch(EngageQuery q) {
            queries.add(q);
            peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                if (q.page() > 0) assertEquals(Optional.of(SESSION), q.sessionId(), "page " + q.page() + " session");
                if (q.page() == failOnPage) throw new IllegalStateException("page " + q.page() + " failed");
                int total = profiles;
                // Early pages answer last, so that pages end out of order.
                sleep(q.page() == 0 ? 0 : Math.max(0, 40 - 10 * q.page()));
                List<ObjectNode> results = new ArrayList<>();
                for (int i = q.page() * PAGE; i < Math.min(total, (q.page() + 1) * PAGE); i++) {
                    results.add(JsonNodeFactory.instance.objectNode().put("$distinct_id", "p" + i));
                }
                if (q.page() == 0) profiles += growAfterPage0;
                return new EngagePage(q.page(), PAGE, Optional.of(SESSION),
                        q.page() == 0 && withTotal ? OptionalLong.of(total) : OptionalLong.empty(), results);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        List<Integer> pagesAsked() {
            return queries.stream().map(EngageQuery::page).sorted().toList();
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static final EngageQuery FIRST = new EngageQuery(Optional.of("properties[\"$last_seen\"] >= \"2024-01-01T00:00:00\""),
            List.of("$distinct_id"), Optional.empty(), 0, OptionalInt.empty(), OptionalLong.of(1001));

    private record Read(List<String> ids, List<String> positions) {}

    private Read read(FakeEngage source, int concurrency) {
        List<String> ids = new ArrayList<>();
        List<String> positions = new ArrayList<>();
        EngagePages.forEach(source, FIRST, pool, concurrency, positions::add,
                page -> page.forEach(p -> ids.add(p.get("$distinct_id").asText())));
        return new Read(ids, positions);
    }

    /** Exactly {@code p0 .. p<n-1>}, in that order (a short message: the lists are thousands long). */
    private static void assertIds(int n, List<String> got) {
        for (int i = 0; i < Math.min(n, got.size()); i++) {
            if (!got.get(i).equals("p" + i)) fail("profile " + i + " is " + got.get(i) + ", expected p" + i);
        }
        assertEquals(n, got.size(), "profiles read");
    }

    @Test
    void withATotalThePagesAfterPage0AreReadConcurrentlyAndHandedOverInPageOrder() {
        FakeEngage source = new FakeEngage(3500, true, 0);
        Read r = read(source, 3);
        assertIds(3500, r.ids());
        assertEquals(List.of(0, 1, 2, 3), source.pagesAsked());
        assertEquals(List.of("page 2/4", "page 3/4", "page 4/4"), r.positions());
        assertEquals(3, source.peakInFlight.get(), "pages in flight at once");
        for (EngageQuery q : source.queries) {
            assertEquals(FIRST.where(), q.where());
            assertEquals(FIRST.outputProperties(), q.outputProperties());
            assertEquals(FIRST.filterByCohort(), q.filterByCohort());
        }
    }

    @Test
    void neverMorePagesInFlightThanTheConcurrency() {
        FakeEngage source = new FakeEngage(9500, true, 0);
        Read r = read(source, 2);
        assertIds(9500, r.ids());
        assertEquals(2, source.peakInFlight.get());
    }

    @Test
    void aTotalThatGrewWhileReadingIsFollowedPastThePlannedEndOnePageAtATime() {
        // Page 0 says 2,000 (2 pages); 1,500 more profiles arrive before page 1 is read.
        FakeEngage source = new FakeEngage(2000, true, 1500);
        Read r = read(source, 3);
        assertIds(3500, r.ids());
        assertEquals(List.of(0, 1, 2, 3), source.pagesAsked());
        assertEquals(List.of("page 2/2", "page 3", "page 4"), r.positions());
    }

    @Test
    void aTotalThatGrewWithinTheLastPlannedPageEndsWithThatPage() {
        FakeEngage source = new FakeEngage(2500, true, 200);
        Read r = read(source, 3);
        assertIds(2700, r.ids());
        assertEquals(List.of(0, 1, 2), source.pagesAsked());
    }

    @Test
    void aTotalThatIsAMultipleOfThePageSizeAsksOneEmptyPageMore() {
        FakeEngage source = new FakeEngage(3000, true, 0);
        Read r = read(source, 3);
        assertIds(3000, r.ids());
        assertEquals(List.of(0, 1, 2, 3), source.pagesAsked());
        assertEquals(List.of("page 2/3", "page 3/3", "page 4"), r.positions());
    }

    @Test
    void withoutATotalPagesAreReadOneByOneUntilAShortPage() {
        FakeEngage source = new FakeEngage(3500, false, 0);
        Read r = read(source, 3);
        assertIds(3500, r.ids());
        assertEquals(List.of(0, 1, 2, 3), source.pagesAsked());
        assertEquals(List.of("page 2", "page 3", "page 4"), r.positions());
        assertEquals(1, source.peakInFlight.get(), "pages in flight at once");
    }

    @Test
    void aShortPage0IsTheOnlyRequest() {
        FakeEngage source = new FakeEngage(999, true, 0);
        Read r = read(source, 3);
        assertIds(999, r.ids());
        assertEquals(List.of(0), source.pagesAsked());
        assertEquals(List.of(), r.positions());
    }

    @Test
    void aFailedPageIsRethrownAsItselfAfterThePagesBeforeIt() {
        FakeEngage source = new FakeEngage(5500, true, 0);
        source.failOnPage = 3;
        List<String> ids = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngagePages.forEach(source, FIRST, pool,
                2, p -> { }, page -> page.forEach(p -> ids.add(p.get("$distinct_id").asText()))));
        assertEquals("page 3 failed", e.getMessage());
        assertIds(3000, ids);
        assertTrue(source.pagesAsked().contains(3));
    }

    @Test
    void thePageConsumerRunsOnTheCallingThread() {
        FakeEngage source = new FakeEngage(3500, true, 0);
        Thread caller = Thread.currentThread();
        List<Thread> seen = new ArrayList<>();
        EngagePages.forEach(source, FIRST, pool, 3, p -> { }, page -> seen.add(Thread.currentThread()));
        assertEquals(4, seen.size());
        seen.forEach(t -> assertSame(caller, t));
    }
}
