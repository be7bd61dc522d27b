package io.tapmixpanel.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Engage as Mixpanel answers it (docs/streams.md "Streams"): a page 0 shorter than its page size with a session id and
 * no total is followed to the end, and cohort_members asks for every member, with a profile or not (docs/streams.md "Streams").
 */
class EngageAsMixpanelPagesE2eTest {
    @TempDir
    Path dir;

    private TapHarness.Messages sync(Sandbox sandbox, String... streams) {
        Path config = TapHarness.write(dir, "config.json", TapHarness.config(sandbox, Map.of()));
        ObjectNode catalog = TapHarness.select(TapHarness.discover(config), streams);
        return TapHarness.tap("--config", config.toString(), "--catalog", TapHarness.write(dir, "catalog.json", catalog).toString())
                .assertSingerValid();
    }

    private static List<String> ids(List<ObjectNode> records) {
        List<String> ids = new ArrayList<>();
        records.forEach(r -> ids.add(r.get("distinct_id").asText()));
        return ids;
    }

    @Test
    void aShortPage0WithoutATotalIsFollowedUntilAnEmptyPageAndEveryProfileArrives() throws Exception {
        SandboxOptions.Builder options = SandboxOptions.builder().port(0).events(50).days(2).profiles(2500).cohorts(2);
        List<String> expected;
        try (Sandbox whole = Sandbox.start(options.build())) {
            expected = TapHarness.rawProfileIds(whole, Optional.empty()); // the same project, answered in one page
        }
        try (Sandbox sandbox = Sandbox.start(options.engageFirstPageWithoutTotal(300).build())) {
            JsonNode stats = TapHarness.stats(sandbox);
            TapHarness.Messages run = sync(sandbox, "engage", "cohort_members");
            assertEquals(2500, expected.size());
            assertEquals(expected, ids(run.records("engage")), "engage, in the sandbox's order");
            assertEquals(stats.get("cohort_members").asInt(), run.records("cohort_members").size());
            // pages 0 (300), 1, 2 (1000 each), 3 (200), then 4: empty
            List<Integer> pages = new ArrayList<>();
            for (JsonNode r : TapHarness.served(sandbox)) {
                JsonNode p = r.get("params");
                if (r.get("path").asText().endsWith("/engage") && !p.has("filter_by_cohort")) pages.add(p.path("page").asInt());
            }
            assertEquals(List.of(0, 1, 2, 3, 4), pages.stream().sorted().toList());
        }
    }

    @Test
    void cohortMembersAsksForEveryMemberExplicitlyAndHoldsThoseWithoutAProfile() throws Exception {
        try (Sandbox sandbox = Sandbox.start(SandboxOptions.builder().port(0).events(50).days(2).profiles(400).cohorts(3).build())) {
            JsonNode stats = TapHarness.stats(sandbox);
            TapHarness.Messages run = sync(sandbox, "engage", "cohort_members");
            List<ObjectNode> members = run.records("cohort_members");
            assertEquals(stats.get("cohort_members").asInt(), members.size());
            Set<String> profiles = new HashSet<>(ids(run.records("engage")));
            long withoutProfile = members.stream().filter(m -> !profiles.contains(m.get("distinct_id").asText())).count();
            assertTrue(withoutProfile > 0, "members without a user profile are members");
            assertEquals(stats.get("cohort_members_without_profile").asLong(), withoutProfile);
            int asked = 0;
            for (JsonNode r : TapHarness.served(sandbox)) {
                JsonNode p = r.get("params");
                if (!p.has("filter_by_cohort")) continue;
                asked++;
                assertEquals("true", p.path("include_all_users").asText(), r.toString());
            }
            assertEquals(stats.get("cohorts").asInt(), asked, "one page per cohort");
            assertFalse(TapHarness.served(sandbox).stream().anyMatch(r -> r.get("path").asText().endsWith("/cohorts/list")
                    && !r.get("method").asText().equals("POST")), "cohorts/list is POSTed");
        }
    }
}
