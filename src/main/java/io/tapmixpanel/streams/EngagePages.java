package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.EngagePage;
import io.tapmixpanel.mixpanel.EngageQuery;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * Reads every page of one engage query (profiles, or one cohort's members): page 0 gives the session id and
 * the total; the remaining pages are fetched concurrently (the client keeps within Mixpanel's 5-concurrent
 * query limit) and handed over in page order. Without a total, pages are read one by one until a short page.
 * A page 0 shorter than its page size ends the listing only when it is empty or carries a total: Mixpanel's page 0
 * may come short with a {@code session_id} and no total while more pages follow, so such a listing is read on, as
 * Mixpanel's own client reads it, until an empty page (docs/streams.md "Streams", engage).
 *
 * <p>The total on page 0 is a promise (docs/streams.md "Streams", engage): when fewer distinct profiles arrived (a
 * session that expired into empty pages, an empty or short page in the middle), the listing is read once more
 * in a fresh session and only the profiles not yet handed over are passed on; if the count still falls short,
 * the stream fails with both numbers instead of ending quietly with fewer profiles. A total smaller than page 0
 * itself (Mixpanel has answered 0 with a full page) is no promise at all: pages are then read while full.
 */
public final class EngagePages {
    /** Where pages come from: {@code MixpanelClient::engage} in a sync, a fake in tests. */
    @FunctionalInterface
    public interface Source {
        EngagePage fetch(EngageQuery query);
    }

    /**
     * What a reader makes of the pages handed to it, in page order: from what it had after the pages before
     * ({@code sofar}) and this page's profiles, what it has after them. It writes the page's records.
     */
    @FunctionalInterface
    public interface PageReader<A> {
        A page(A sofar, List<ObjectNode> profiles);
    }

    private EngagePages() {}

    public static void forEach(Source source, EngageQuery first, ExecutorService pool, int concurrency,
                               Consumer<String> position, Consumer<List<ObjectNode>> pageConsumer) {
        forEach("engage", source, first, pool, concurrency, position, pageConsumer);
    }

    /** @param what names the listing in a failure ({@code engage}, {@code cohort 12}) */
    public static void forEach(String what, Source source, EngageQuery first, ExecutorService pool, int concurrency,
                               Consumer<String> position, Consumer<List<ObjectNode>> pageConsumer) {
        read(what, source, first, pool, concurrency, position, Boolean.TRUE, (sofar, page) -> {
            pageConsumer.accept(page);
            return sofar;
        });
    }

    /**
     * Reads the whole listing and hands back what {@code reader} made of all its pages, starting from {@code start}:
     * a page set's read returns its result as a value (engage's latest {@code $last_seen}, a count of records).
     *
     * @param what names the listing in a failure ({@code engage}, {@code cohort 12})
     */
    public static <A> A read(String what, Source source, EngageQuery first, ExecutorService pool, int concurrency,
                             Consumer<String> position, A start, PageReader<A> reader) {
        Reading<A> reading = new Reading<>(what, source, first, pool, concurrency, start, reader);
        readAll(reading, what, position);
        return reading.result;
    }

    private static void readAll(Reading<?> reading, String what, Consumer<String> position) {
        Pass pass = reading.pass(position, "");
        if (pass.promised().isEmpty()) return;
        long promised = pass.promised().getAsLong();
        if (reading.delivered >= promised) return;
        if (pass.cannotPage()) {
            // A fresh session would answer the same page 0 without a session id again: nothing to gain.
            throw new IllegalStateException(what + ": Mixpanel promised " + promised + " profiles (total on page 0) but "
                    + "page 0 came without a session_id, so no further page can be read; " + reading.delivered + " arrived");
        }
        // Re-read the whole listing rather than only "the missing pages": a new session may order profiles
        // differently, so page numbers of the first session mean nothing in the second; the distinct ids already
        // handed over tell which profiles are new.
        Pass again = reading.pass(position, " (re-read)");
        // Profiles deleted meanwhile lower the fresh total: the smaller promise is the one that can be kept.
        long required = again.promised().isPresent() ? Math.min(promised, again.promised().getAsLong()) : promised;
        if (reading.delivered < required) {
            throw new IllegalStateException(what + ": Mixpanel promised " + promised + " profiles (total on page 0) but "
                    + reading.delivered + " arrived after a fresh re-read");
        }
    }

    /**
     * The outcome of reading one session: {@code promised} is the trustworthy total of its page 0 (empty when
     * there was none), {@code cannotPage} that page 0 was full but came without a session id.
     */
    private record Pass(OptionalLong promised, boolean cannotPage) {}

    /**
     * The state kept across the first session and a re-read: which profiles were handed over, and what the reader
     * has made of them so far.
     */
    private static final class Reading<A> {
        private final String what;
        private final Source source;
        private final EngageQuery first;
        private final ExecutorService pool;
        private final int concurrency;
        private final PageReader<A> reader;
        private A result;
        /**
         * 64-bit hashes of the distinct ids handed over, kept only while a total promises a count: 8 bytes a slot
         * at most half full, so about 16-32 bytes a profile (16-32 MB at 1,000,000 profiles) where a set of the id
         * strings would cost about 100 bytes a profile. Two ids with the same hash would make the second look
         * handed over; the count then falls short and the stream fails loudly, so a collision is never silent loss.
         */
        private LongSet seen;
        long delivered;

        Reading(String what, Source source, EngageQuery first, ExecutorService pool, int concurrency, A start,
                PageReader<A> reader) {
            this.what = what;
            this.source = source;
            this.first = first;
            this.pool = pool;
            this.concurrency = concurrency;
            this.result = start;
            this.reader = reader;
        }

        Pass pass(Consumer<String> position, String suffix) {
            EngagePage page0 = source.fetch(first);
            boolean full = page0.isFull();
            OptionalLong total = page0.total();
            // A total below what page 0 itself holds is not a count of the listing.
            OptionalLong promised = total.isPresent() && total.getAsLong() >= page0.size() && page0.pageSize() > 0
                    ? total : OptionalLong.empty();
            if (promised.isPresent() && seen == null) seen = new LongSet();
            hand(page0);
            if (!full) {
                // Short, but no total says it was all: only an empty page ends such a listing.
                if (page0.size() > 0 && promised.isEmpty() && page0.sessionId().isPresent()) {
                    untilEmpty(page0.sessionId().get(), position, suffix);
                }
                return new Pass(promised, false);
            }
            if (page0.sessionId().isEmpty()) {
                if (promised.isEmpty()) {
                    throw new IllegalStateException(what + ": page 0 is full (" + page0.size() + " profiles) but "
                            + "came without a session_id or total: the rest of the listing cannot be read");
                }
                return new Pass(promised, true);
            }
            String session = page0.sessionId().get();
            if (promised.isPresent()) {
                long t = promised.getAsLong();
                int pages = (int) Math.min(Integer.MAX_VALUE, (t + page0.pageSize() - 1) / page0.pageSize());
                int lastFull = 1;
                int rest = Math.max(0, pages - 1);
                // Task i reads page i + 1: page 0 is already read.
                try (OrderedPipeline.Results<EngagePage> read = new OrderedPipeline<EngagePage>(pool, concurrency, concurrency)
                        .start(rest, i -> source.fetch(first.page(i + 1, session)), p -> { })) {
                    for (int i = 0; i < rest; i++) {
                        EngagePage p = read.next();
                        position.accept("page " + (p.page() + 1) + "/" + pages + suffix);
                        hand(p);
                        if (p.isFull()) lastFull = p.page() + 1;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading engage pages", e);
                }
                // The total may have grown while we read: keep going one page at a time past the planned end.
                if (lastFull == pages) sequential(session, pages, position, suffix);
                return new Pass(promised, false);
            }
            sequential(session, 1, position, suffix);
            return new Pass(promised, false);
        }

        private void sequential(String session, int from, Consumer<String> position, String suffix) {
            for (int n = from; ; n++) {
                EngagePage p = source.fetch(first.page(n, session));
                position.accept("page " + (n + 1) + suffix);
                hand(p);
                if (!p.isFull()) return;
            }
        }

        /** Pages 1, 2, ... one at a time until an empty one: a short page is no end once page 0 was short. */
        private void untilEmpty(String session, Consumer<String> position, String suffix) {
            for (int n = 1; ; n++) {
                EngagePage p = source.fetch(first.page(n, session));
                position.accept("page " + (n + 1) + suffix);
                hand(p);
                if (p.size() == 0) return;
            }
        }

        /**
         * Passes on the profiles of a page not handed over before (all of them when no total is kept). This is where
         * a page's profiles are parsed, on the consuming thread, one page at a time: the pages fetched ahead wait as
         * bytes (docs/performance.md "Memory").
         */
        private void hand(EngagePage page) {
            List<ObjectNode> results = page.results();
            if (seen == null) {
                delivered += results.size();
                result = reader.page(result, results);
                return;
            }
            List<ObjectNode> fresh = null;
            for (int i = 0; i < results.size(); i++) {
                ObjectNode profile = results.get(i);
                JsonNode id = profile.get("$distinct_id");
                // Without an id a profile cannot be told apart from another: it is always passed on.
                boolean added = id == null || id.isNull() || seen.add(hash(id));
                if (added && fresh != null) fresh.add(profile);
                if (!added && fresh == null) fresh = new ArrayList<>(results.subList(0, i));
            }
            List<ObjectNode> out = fresh == null ? results : fresh;
            delivered += out.size();
            result = reader.page(result, out);
        }
    }

    /** A 64-bit hash of a distinct id's text (its JSON form, marked, when it is not a string). */
    static long hash(JsonNode id) {
        String s = id.isTextual() ? id.asText() : "\u0000" + id;
        long h = 0x6a09e667f3bcc908L ^ s.length();
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
            h ^= h >>> 29;
        }
        // Final avalanche, so that ids differing in one character spread over the whole table.
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** An open-addressing set of longs; 0 marks a free slot, so the value 0 is kept aside. */
    static final class LongSet {
        private long[] slots = new long[1024];
        private int size;
        private boolean hasZero;

        /** True when {@code v} was not in the set. */
        boolean add(long v) {
            if (v == 0) {
                boolean was = hasZero;
                hasZero = true;
                return !was;
            }
            if (2 * (size + 1) > slots.length) grow();
            if (!put(slots, v)) return false;
            size++;
            return true;
        }

        private static boolean put(long[] table, long v) {
            int mask = table.length - 1;
            for (int i = (int) (v ^ (v >>> 32)) & mask; ; i = (i + 1) & mask) {
                if (table[i] == v) return false;
                if (table[i] == 0) {
                    table[i] = v;
                    return true;
                }
            }
        }

        private void grow() {
            long[] bigger = new long[slots.length * 2];
            for (long v : slots) if (v != 0) put(bigger, v);
            slots = bigger;
        }
    }
}
