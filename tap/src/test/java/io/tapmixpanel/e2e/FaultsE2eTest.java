package io.tapmixpanel.e2e;

import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.mixpanel.RetryPolicy;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.sync.Tap;
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
 * README "State" and "Reliability": with 5xx answers and export bodies cut short (terminated early, connection reset) along the way,
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
        E2e.Run reference;
        try (Sandbox s = Sandbox.start(clean)) {
            Path config = E2e.write(dir, "config.json", E2e.config(s, settings));
            catalog = E2e.write(dir, "catalog.json", E2e.select(E2e.discover(config), E2e.STREAMS.toArray(String[]::new)));
            reference = sync(config, catalog);
        }
        try (Sandbox s = Sandbox.start(clean.toBuilder().fault500Every(7).faultTerminatedEarlyEvery(3).faultResetEvery(5).build())) {
            E2e.Run faulty = sync(E2e.write(dir, "config.json", E2e.config(s, settings)), catalog);
            assertEquals(reference.recordCounts(), faulty.recordCounts());
            for (String stream : E2e.STREAMS) {
                assertEquals(E2e.multiset(reference.records(stream)), E2e.multiset(faulty.records(stream)), stream);
            }
            assertEquals(reference.lastState(), faulty.lastState());
        }
    }

    private static E2e.Run sync(Path config, Path catalog) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RetryPolicy quick = new RetryPolicy(12, Duration.ofMillis(5), Duration.ofMillis(40), Duration.ofSeconds(10));
        new Tap(ConfigLoader.load(List.of(config)), quick).sync(Optional.of(catalog), Optional.empty(), out);
        return E2e.Run.parse(out.toString(StandardCharsets.UTF_8), false).assertSingerValid();
    }
}
