package io.tapmixpanel.e2e;

import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.mixpanel.RetryPolicy;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.sync.Tap;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/state.md "State" and docs/reliability.md "Reliability": with 5xx answers and export bodies cut short (terminated early, connection reset) along the way,
 * the tap retries and writes exactly what a fault-free run writes: every window's records once.
 */
class FaultsE2eTest {
    @TempDir
    Path dir;

    @Test
    void cutShortExportsAndServerErrorsAreRetriedAndEveryRecordIsWrittenOnce() throws Exception {
        SandboxOptions clean = SandboxOptions.builder().port(0).events(1500).days(7).endDate(LocalDate.of(2024, 1, 10)).build();
        Map<String, Object> settings = Map.of("date_window_size", 1);
        Path catalog;
        TapHarness.Messages reference;
        try (Sandbox s = Sandbox.start(clean)) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, settings));
            catalog = TapHarness.write(dir, "catalog.json", TapHarness.select(TapHarness.discover(config), TapHarness.STREAMS.toArray(String[]::new)));
            reference = sync(config, catalog);
        }
        try (Sandbox s = Sandbox.start(clean.toBuilder().fault500Every(7).faultTerminatedEarlyEvery(3).faultResetEvery(5).build())) {
            TapHarness.Messages faulty = sync(TapHarness.write(dir, "config.json", TapHarness.config(s, settings)), catalog);
            assertEquals(reference.recordCounts(), faulty.recordCounts());
            for (String stream : TapHarness.STREAMS) {
                assertEquals(TapHarness.multiset(reference.records(stream)), TapHarness.multiset(faulty.records(stream)), stream);
            }
            assertEquals(reference.lastState(), faulty.lastState());
        }
    }

    private static TapHarness.Messages sync(Path config, Path catalog) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RetryPolicy quick = new RetryPolicy(12, Duration.ofMillis(5), Duration.ofMillis(40), Duration.ofSeconds(10));
        new Tap(ConfigLoader.load(List.of(config)), quick).sync(Optional.of(catalog), Optional.empty(), out);
        return TapHarness.Messages.parse(out.toString(StandardCharsets.UTF_8), false).assertSingerValid();
    }
}
