package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.EngagePage;
import io.tapmixpanel.mixpanel.EngageQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Engage paging (docs/streams.md "Streams", engage and cohort_members) against a fake page source, without HTTP. */
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
        /** When > 0, pages after page 0 wait (up to 5 s) until this many are in flight: overlap without timing luck. */
        volatile int rendezvous;

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
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (q.page() > 0 && inFlight.get() < rendezvous && System.nanoTime() < deadline) sleep(1);
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
        source.rendezvous = 3;
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
    void eachPageIsParsedOnceOnTheConsumingThreadAndOnlyAfterThePageBeforeItWasHandedOver() {
        // Pages as MixpanelClient reads them: their profiles are parsed when asked for. Fetched ahead, they must
        // wait unparsed (docs/performance.md "Memory"): only the page being handed over is ever held as trees.
        FakeEngage fake = new FakeEngage(5500, true, 0);
        fake.rendezvous = 3;
        Thread consumer = Thread.currentThread();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        EngagePages.Source lazy = q -> {
            EngagePage p = fake.fetch(q);
            return EngagePage.parsedWhenRead(p.page(), p.pageSize(), p.sessionId(), p.total(), p.size(), () -> {
                assertSame(consumer, Thread.currentThread(), "page " + p.page() + " parsed off the consuming thread");
                events.add("parse " + p.page());
                return p.results();
            });
        };
        List<String> ids = new ArrayList<>();
        EngagePages.forEach(lazy, FIRST, pool, 3, s -> { }, page -> {
            events.add("hand " + page.get(0).get("$distinct_id").asText());
            page.forEach(x -> ids.add(x.get("$distinct_id").asText()));
        });
        assertIds(5500, ids);
        assertEquals(List.of("parse 0", "hand p0", "parse 1", "hand p1000", "parse 2", "hand p2000", "parse 3",
                "hand p3000", "parse 4", "hand p4000", "parse 5", "hand p5000"), events);
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

    /**
     * One session of a scripted listing: {@code profiles} ids {@code p0 ..} in order, {@code total} on page 0
     * (negative: none), a session id or not, pages from {@code emptyFrom} on empty (an expired session), and
     * pages cut to a size ({@code cut}: page to size).
     */
    private record Session(int profiles, long total, boolean withSessionId, int emptyFrom, Map<Integer, Integer> cut) {
        static Session of(int profiles) { return new Session(profiles, profiles, true, Integer.MAX_VALUE, Map.of()); }
        Session total(long t) { return new Session(profiles, t, withSessionId, emptyFrom, cut); }
        Session noSessionId() { return new Session(profiles, total, false, emptyFrom, cut); }
        Session expiresAtPage(int page) { return new Session(profiles, total, withSessionId, page, cut); }
        Session cut(int page, int size) { return new Session(profiles, total, withSessionId, emptyFrom, Map.of(page, size)); }
    }

    /** A listing whose page 0 (without a session id) starts the next scripted session each time it is asked. */
    private static final class Scripted implements EngagePages.Source {
        final List<Session> sessions;
        final List<EngageQuery> queries = Collections.synchronizedList(new ArrayList<>());
        int started;

        Scripted(Session... sessions) { this.sessions = List.of(sessions); }

        @Override
        public synchronized EngagePage fetch(EngageQuery q) {
            queries.add(q);
            int k;
            if (q.page() == 0 && q.sessionId().isEmpty()) {
                if (started == sessions.size()) fail("no session left to start (" + started + " started)");
                k = started++;
            } else {
                k = Integer.parseInt(q.sessionId().orElseThrow(() -> new AssertionError("page " + q.page() + " without session")).substring(1));
            }
            Session s = sessions.get(k);
            int from = q.page() * PAGE;
            int to = Math.min(s.profiles(), from + s.cut().getOrDefault(q.page(), PAGE));
            List<ObjectNode> results = new ArrayList<>();
            for (int i = from; q.page() < s.emptyFrom() && i < to; i++) {
                results.add(JsonNodeFactory.instance.objectNode().put("$distinct_id", "p" + i));
            }
            return new EngagePage(q.page(), PAGE, s.withSessionId() ? Optional.of("s" + k) : Optional.empty(),
                    q.page() == 0 && s.total() >= 0 ? OptionalLong.of(s.total()) : OptionalLong.empty(), results);
        }

        long pageZeros() { return queries.stream().filter(q -> q.page() == 0).count(); }
    }

    private List<String> readAll(EngagePages.Source source) {
        List<String> ids = new ArrayList<>();
        EngagePages.forEach(source, FIRST, pool, 3, p -> { },
                page -> page.forEach(p -> ids.add(p.get("$distinct_id").asText())));
        return ids;
    }

    /** Each of {@code p0 .. p<n-1>} exactly once, in any order. */
    private static void assertEachOnce(int n, List<String> got) {
        assertEquals(n, new HashSet<>(got).size(), "distinct profiles");
        assertEquals(n, got.size(), "profiles handed over");
        for (String id : got) assertTrue(Integer.parseInt(id.substring(1)) < n, id);
    }

    @Test
    void aSessionThatExpiresIntoEmptyPagesIsReadAgainInAFreshSessionAndEveryProfileArrivesOnce() {
        Scripted source = new Scripted(Session.of(3500).expiresAtPage(2), Session.of(3500));
        List<String> ids = readAll(source);
        assertIds(3500, ids);
        assertEquals(2, source.pageZeros(), "page 0 asked once per session");
    }

    @Test
    void profilesStillMissingAfterAFreshReReadFailTheListingWithBothNumbers() {
        Scripted source = new Scripted(Session.of(3500).expiresAtPage(2), Session.of(3500).expiresAtPage(2));
        List<String> ids = new ArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngagePages.forEach(source, FIRST,
                pool, 3, p -> { }, page -> page.forEach(p -> ids.add(p.get("$distinct_id").asText()))));
        assertEquals("engage: Mixpanel promised 3500 profiles (total on page 0) but 2000 arrived after a fresh re-read",
                e.getMessage());
        assertIds(2000, ids);
    }

    @Test
    void aFailedListingNamesWhatWasRead() {
        Scripted source = new Scripted(Session.of(1500).expiresAtPage(1), Session.of(1500).expiresAtPage(1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngagePages.forEach("cohort 7", source,
                FIRST, pool, 3, p -> { }, page -> { }));
        assertTrue(e.getMessage().startsWith("cohort 7: Mixpanel promised 1500 profiles"), e.getMessage());
    }

    @Test
    void anEmptyPageInTheMiddleIsMadeUpByAFreshReRead() {
        Scripted source = new Scripted(Session.of(3500).cut(1, 0), Session.of(3500));
        assertEachOnce(3500, readAll(source));
        assertEquals(2, source.pageZeros());
    }

    @Test
    void aShortPageInTheMiddleIsMadeUpByAFreshReRead() {
        Scripted source = new Scripted(Session.of(3500).cut(1, 400), Session.of(3500));
        assertEachOnce(3500, readAll(source));
    }

    @Test
    void aFullPage0WithoutASessionIdAndALargerTotalFailsWithoutAReReadThatCouldNotHelp() {
        Scripted source = new Scripted(Session.of(3500).noSessionId());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> readAll(source));
        assertEquals("engage: Mixpanel promised 3500 profiles (total on page 0) but page 0 came without a session_id, "
                + "so no further page can be read; 1000 arrived", e.getMessage());
        assertEquals(1, source.queries.size());
    }

    @Test
    void aFullPage0WithoutASessionIdIsEnoughWhenTheTotalSaysItWasAll() {
        Scripted source = new Scripted(Session.of(1000).noSessionId());
        assertIds(1000, readAll(source));
        assertEquals(1, source.queries.size());
    }

    @Test
    void aFullPage0WithNeitherSessionIdNorTotalFailsForItCannotBePagedFurther() {
        Scripted source = new Scripted(Session.of(3500).noSessionId().total(-1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> readAll(source));
        assertTrue(e.getMessage().startsWith("engage: page 0 is full (1000 profiles) but came without a session_id"),
                e.getMessage());
    }

    @Test
    void aTotalOf0WithAFullPage0IsNotTrustedAndPagesAreReadWhileFull() {
        Scripted source = new Scripted(Session.of(3500).total(0));
        assertIds(3500, readAll(source));
        assertEquals(List.of(0, 1, 2, 3), source.queries.stream().map(EngageQuery::page).toList());
        assertEquals(1, source.pageZeros());
    }

    @Test
    void aReReadWhoseTotalShrankOnlyHasToDeliverTheSmallerCount() {
        // 700 profiles were deleted between the sessions: the fresh total (2800) is the promise that can be kept.
        Scripted source = new Scripted(Session.of(3500).cut(2, 0), Session.of(2800));
        List<String> ids = readAll(source);
        assertEquals(3300, new HashSet<>(ids).size());
        assertEquals(ids.size(), new HashSet<>(ids).size(), "no profile twice");
    }

    @Test
    void aProfileSentTwiceWithinASessionIsHandedOverOnce() {
        EngagePages.Source source = q -> {
            List<ObjectNode> results = new ArrayList<>();
            // Page 1 starts with the last profile of page 0 again (the listing shifted by one).
            int from = q.page() == 0 ? 0 : 999;
            for (int i = from; i < Math.min(1500, from + PAGE); i++) {
                results.add(JsonNodeFactory.instance.objectNode().put("$distinct_id", "p" + i));
            }
            return new EngagePage(q.page(), PAGE, Optional.of("s0"), q.page() == 0 ? OptionalLong.of(1500) : OptionalLong.empty(), results);
        };
        assertIds(1500, readAll(source));
    }

    @Test
    void theIdSetTellsManyIdsApartAndKeepsZero() {
        EngagePages.LongSet set = new EngagePages.LongSet();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(set.add(EngagePages.hash(JsonNodeFactory.instance.textNode("p" + i))), "p" + i);
        }
        for (int i = 0; i < 100_000; i += 997) {
            assertFalse(set.add(EngagePages.hash(JsonNodeFactory.instance.textNode("p" + i))), "p" + i);
        }
        assertTrue(set.add(0));
        assertFalse(set.add(0));
        assertFalse(EngagePages.hash(JsonNodeFactory.instance.textNode("1")) == EngagePages.hash(JsonNodeFactory.instance.numberNode(1)),
                "a number id and its text differ");
    }

    // ---- a short page 0 without a total (Mixpanel's client reads on until an empty page) ----

    /**
     * A listing whose pages hold {@code sizes[n]} profiles each ({@code p0 ..} continuing across pages; pages past
     * the array are empty), every page of {@link #PAGE} size, a total on page 0 when {@code total >= 0}.
     */
    private static final class Uneven implements EngagePages.Source {
        final int[] sizes;
        final long total;
        final boolean withSessionId;
        final List<Integer> pages = Collections.synchronizedList(new ArrayList<>());

        Uneven(long total, boolean withSessionId, int... sizes) {
            this.sizes = sizes;
            this.total = total;
            this.withSessionId = withSessionId;
        }

        @Override
        public EngagePage fetch(EngageQuery q) {
            pages.add(q.page());
            if (q.page() > 0) assertEquals(Optional.of(SESSION), q.sessionId(), "page " + q.page() + " session");
            int from = 0;
            for (int n = 0; n < Math.min(q.page(), sizes.length); n++) from += sizes[n];
            int size = q.page() < sizes.length ? sizes[q.page()] : 0;
            List<ObjectNode> results = new ArrayList<>();
            for (int i = from; i < from + size; i++) results.add(JsonNodeFactory.instance.objectNode().put("$distinct_id", "p" + i));
            return new EngagePage(q.page(), PAGE, withSessionId ? Optional.of(SESSION) : Optional.empty(),
                    q.page() == 0 && total >= 0 ? OptionalLong.of(total) : OptionalLong.empty(), results);
        }
    }

    @Test
    void aShortPage0WithASessionIdButNoTotalIsFollowedPageByPageUntilAnEmptyPage() {
        Uneven source = new Uneven(-1, true, 400, 1000, 300, 0);
        List<String> positions = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        EngagePages.forEach(source, FIRST, pool, 3, positions::add,
                page -> page.forEach(p -> ids.add(p.get("$distinct_id").asText())));
        assertIds(1700, ids);
        assertEquals(List.of(0, 1, 2, 3), source.pages, "a short page after a short page 0 is no end either");
        assertEquals(List.of("page 2", "page 3", "page 4"), positions);
    }

    @Test
    void aShortPage0WithoutATotalEndsAtTheFirstEmptyPage() {
        Uneven source = new Uneven(-1, true, 400);
        assertIds(400, readAll(source));
        assertEquals(List.of(0, 1), source.pages);
    }

    @Test
    void anEmptyPage0IsTheOnlyRequestEvenWithoutATotal() {
        Uneven source = new Uneven(-1, true);
        assertIds(0, readAll(source));
        assertEquals(List.of(0), source.pages);
    }

    @Test
    void aShortPage0WithoutASessionIdCannotBeFollowedAndIsTheOnlyRequest() {
        Uneven source = new Uneven(-1, false, 400);
        assertIds(400, readAll(source));
        assertEquals(List.of(0), source.pages);
    }

    @Test
    void aShortPage0WithATotalThatIsNotAllIsStillReadAgainThenFails() {
        // With a total, the promise rules: the listing is read again in a fresh session, then fails with both numbers.
        Uneven source = new Uneven(1700, true, 400, 1000);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> readAll(source));
        assertTrue(e.getMessage().startsWith("engage: Mixpanel promised 1700 profiles (total on page 0) but 400 arrived"),
                e.getMessage());
        assertEquals(2, source.pages.stream().filter(p -> p == 0).count(), "page 0 of a fresh session");
    }
}
