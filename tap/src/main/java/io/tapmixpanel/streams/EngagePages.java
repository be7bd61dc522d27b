package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.EngagePage;
import io.tapmixpanel.mixpanel.EngageQuery;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * Reads every page of one engage query (profiles, or one cohort's members): page 0 gives the session id and
 * the total; the remaining pages are fetched concurrently (the client keeps within Mixpanel's 5-concurrent
 * query limit) and handed over in page order. Without a total, pages are read one by one until a short page.
 */
public final class EngagePages {
    /** Where pages come from: {@code MixpanelClient::engage} in a sync, a fake in tests. */
    @FunctionalInterface
    public interface Source {
        EngagePage fetch(EngageQuery query);
    }

    private EngagePages() {}

    public static void forEach(Source source, EngageQuery first, ExecutorService pool, int concurrency,
                               Consumer<String> position, Consumer<List<ObjectNode>> pageConsumer) {
        EngagePage page0 = source.fetch(first);
        pageConsumer.accept(page0.results());
        if (!page0.isFull() || page0.sessionId().isEmpty()) return;
        String session = page0.sessionId().get();
        if (page0.total().isPresent() && page0.pageSize() > 0) {
            long total = page0.total().getAsLong();
            int pages = (int) ((total + page0.pageSize() - 1) / page0.pageSize());
            int[] lastFull = {1};
            try {
                // Task i reads page i + 1: page 0 is already read.
                new OrderedPipeline<EngagePage>(pool, concurrency, concurrency).run(Math.max(0, pages - 1),
                        i -> source.fetch(first.page(i + 1, session)),
                        (i, p) -> {
                            position.accept("page " + (p.page() + 1) + "/" + pages);
                            pageConsumer.accept(p.results());
                            if (p.isFull()) lastFull[0] = p.page() + 1;
                        },
                        p -> { });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading engage pages", e);
            }
            // The total may have grown while we read: keep going one page at a time past the planned end.
            if (lastFull[0] == pages) sequential(source, first, session, pages, position, pageConsumer);
            return;
        }
        sequential(source, first, session, 1, position, pageConsumer);
    }

    private static void sequential(Source source, EngageQuery first, String session, int from,
                                   Consumer<String> position, Consumer<List<ObjectNode>> pageConsumer) {
        for (int n = from; ; n++) {
            EngagePage p = source.fetch(first.page(n, session));
            position.accept("page " + (n + 1));
            pageConsumer.accept(p.results());
            if (!p.isFull()) return;
        }
    }
}
