package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.EngagePage;
import io.tapmixpanel.mixpanel.EngageQuery;
import io.tapmixpanel.mixpanel.MixpanelClient;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Reads every page of one engage query (profiles, or one cohort's members): page 0 gives the session id and
 * the total; the remaining pages are fetched concurrently (the client keeps within Mixpanel's 5-concurrent
 * query limit) and handed over in page order. Without a total, pages are read one by one until a short page.
 */
public final class EngagePages {
    private EngagePages() {}

    public static void forEach(MixpanelClient client, EngageQuery first, ExecutorService pool, int concurrency,
                               Consumer<String> position, Consumer<List<ObjectNode>> pageConsumer) {
        EngagePage page0 = client.engage(first);
        pageConsumer.accept(page0.results());
        if (!page0.isFull() || page0.sessionId().isEmpty()) return;
        String session = page0.sessionId().get();
        if (page0.total().isPresent() && page0.pageSize() > 0) {
            long total = page0.total().getAsLong();
            int pages = (int) ((total + page0.pageSize() - 1) / page0.pageSize());
            ArrayDeque<Future<EngagePage>> inFlight = new ArrayDeque<>();
            int next = 1;
            int lastFull = 1;
            try {
                while (next < pages || !inFlight.isEmpty()) {
                    while (next < pages && inFlight.size() < concurrency) {
                        EngageQuery q = first.page(next++, session);
                        inFlight.add(pool.submit(() -> client.engage(q)));
                    }
                    EngagePage p = inFlight.poll().get();
                    position.accept("page " + (p.page() + 1) + "/" + pages);
                    pageConsumer.accept(p.results());
                    if (p.isFull()) lastFull = p.page() + 1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading engage pages", e);
            } catch (ExecutionException e) {
                throw Futures.unwrap(e);
            } finally {
                inFlight.forEach(f -> f.cancel(true));
            }
            // The total may have grown while we read: keep going one page at a time past the planned end.
            if (lastFull == pages) sequential(client, first, session, pages, position, pageConsumer);
            return;
        }
        sequential(client, first, session, 1, position, pageConsumer);
    }

    private static void sequential(MixpanelClient client, EngageQuery first, String session, int from,
                                   Consumer<String> position, Consumer<List<ObjectNode>> pageConsumer) {
        for (int n = from; ; n++) {
            EngagePage p = client.engage(first.page(n, session));
            position.accept("page " + (n + 1));
            pageConsumer.accept(p.results());
            if (!p.isFull()) return;
        }
    }
}
