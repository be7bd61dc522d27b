package io.tapmixpanel.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.Golden;
import io.tapmixpanel.testing.RepoRoot;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every STATE a sync writes (docs/state.md "State"), against a sandbox on a fixed clock, pinned by golden files under
 * {@code golden/state/}: the bookmarks of export (with its processing watermark), engage, funnels (one partition per
 * funnel) and revenue as they advance, from no state and from singer-io/tap-mixpanel's state.
 */
class StateWrittenGoldenTest {
    private static final Clock LATER = Clock.fixed(Instant.parse("2024-01-12T06:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private String states(Optional<Path> state) throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(300).days(5).endDate("2024-01-11")
                .timezone("Asia/Tokyo").now("2024-01-12T06:00:00Z").build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of("date_window_size", 2)));
            Path catalog = TapHarness.write(dir, "catalog.json",
                    TapHarness.select(TapHarness.discover(config), "export", "engage", "funnels", "revenue"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new Tap(ConfigLoader.load(List.of(config)), TapHarness.FAST, LATER).sync(Optional.of(catalog), state, out);
            StringBuilder text = new StringBuilder();
            for (ObjectNode value : TapHarness.Messages.parse(out.toString(StandardCharsets.UTF_8), false).states()) {
                text.append(value).append('\n');
            }
            return text.toString();
        }
    }

    @Test
    void theStatesOfAFirstSyncAreTheGoldenFiles() throws Exception {
        Golden.assertMatches("state/sync-from-nothing.states.txt", states(Optional.empty()));
    }

    @Test
    void theStatesOfASyncFromSingerIosStateAreTheGoldenFiles() throws Exception {
        Golden.assertMatches("state/sync-from-singer-io.states.txt",
                states(Optional.of(RepoRoot.resolve("src/test/resources/golden/state/sync-from-singer-io.in.json"))));
    }
}
