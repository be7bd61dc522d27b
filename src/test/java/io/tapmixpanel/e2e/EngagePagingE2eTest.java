package io.tapmixpanel.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * engage and cohort_members over several pages (docs/streams.md "Streams"): the sandbox serves 1,000 profiles a page when no
 * page_size is asked (docs/sandbox.md), so 6,000 profiles take 6 pages and the largest cohort (about 37% of them) 3. Every profile
 * must arrive exactly once, in the sandbox's order, whether pages are read concurrently or one at a time.
 */
class EngagePagingE2eTest {
    static final int PAGE = 1000;

    @TempDir
    static Path dir;
    static Sandbox sandbox;
    static JsonNode stats;
    static ObjectNode catalog;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxOptions.builder().port(0).events(100).days(2).profiles(6000).cohorts(6).build());
        stats = TapHarness.stats(sandbox);
        catalog = TapHarness.select(TapHarness.discover(config(Map.of())), "engage", "cohorts", "cohort_members");
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) sandbox.close();
    }

    static Path config(Map<String, Object> extra) {
        return TapHarness.write(dir, "config.json", TapHarness.config(sandbox, extra));
    }

    static TapHarness.Messages sync(int concurrency) {
        return TapHarness.tap("--config", config(Map.of("max_concurrent_requests", concurrency)).toString(),
                "--catalog", TapHarness.write(dir, "catalog.json", catalog).toString()).assertSingerValid();
    }

    static List<String> ids(List<ObjectNode> records) {
        List<String> ids = new ArrayList<>();
        records.forEach(r -> ids.add(r.get("distinct_id").asText()));
        return ids;
    }

    /** cohort id → its members' distinct ids, in record order. */
    static Map<Long, List<String>> membersByCohort(TapHarness.Messages run) {
        Map<Long, List<String>> m = new LinkedHashMap<>();
        for (ObjectNode r : run.records("cohort_members")) {
            m.computeIfAbsent(r.get("cohort_id").asLong(), k -> new ArrayList<>()).add(r.get("distinct_id").asText());
        }
        return m;
    }

    @Test
    void everyProfileArrivesOnceInTheSandboxsOrderAcrossPages() {
        assertTrue(stats.get("profiles").asInt() > 3 * PAGE, "the sandbox must serve more than 3 pages of profiles");
        List<String> expected = TapHarness.rawProfileIds(sandbox, Optional.empty());
        assertEquals(stats.get("profiles").asInt(), expected.size());
        for (int concurrency : new int[]{4, 1}) {
            TapHarness.Messages run = sync(concurrency);
            assertEquals(expected, ids(run.records("engage")), "engage with max_concurrent_requests " + concurrency);
        }
    }

    @Test
    void everyCohortMemberArrivesOnceInTheSandboxsOrderAcrossPages() {
        TapHarness.Messages run = sync(3);
        Map<Long, Integer> counts = new LinkedHashMap<>();
        run.records("cohorts").forEach(c -> counts.put(c.get("id").asLong(), c.get("count").asInt()));
        assertEquals(stats.get("cohorts").asInt(), counts.size());
        assertTrue(counts.values().stream().anyMatch(n -> n > 2 * PAGE), "a cohort of 3 pages or more: " + counts);

        Map<Long, List<String>> members = membersByCohort(run);
        assertEquals(stats.get("cohort_members").asInt(), run.records("cohort_members").size());
        for (Map.Entry<Long, Integer> c : counts.entrySet()) {
            List<String> expected = TapHarness.rawProfileIds(sandbox, Optional.of(c.getKey()));
            assertEquals(c.getValue(), expected.size(), "cohort " + c.getKey() + " count");
            assertEquals(expected, members.getOrDefault(c.getKey(), List.of()), "members of cohort " + c.getKey());
        }
    }
}
