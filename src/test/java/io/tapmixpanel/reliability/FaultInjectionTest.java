package io.tapmixpanel.reliability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/reliability.md "Reliability": every sandbox fault switch, end to end through a whole sync (discovery and all seven streams, one-day
 * windows). Each faulted sync completes and emits exactly the records of a fault-free run of the same seed
 * (multiset of whole records minus time_extracted): nothing lost, nothing duplicated by a retried window.
 */
class FaultInjectionTest {
    static final LocalDate END = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    static TreeMap<String, Integer> baseline;

    @TempDir
    static Path dir;

    static SandboxOptions.Builder project() {
        return SandboxOptions.builder().port(0).seed(9).events(3000).days(6).endDate(END).profiles(120).funnels(2).cohorts(2);
    }

    @BeforeAll
    static void faultFreeRun() throws IOException {
        try (Sandbox s = Sandbox.start(project().build())) {
            TapHarness.SyncRun run = TapHarness.sync(TapHarness.write(dir, "base.json", TapHarness.config(s, s.baseUrl(), TapHarness.ONE_DAY_WINDOWS)), TapHarness.FAST,
                    Optional.empty(), Optional.empty());
            assertNull(run.failure(), () -> "fault-free run failed: " + run.failure() + "\n" + String.join("\n", run.log()));
            assertTrue(run.retries().isEmpty(), () -> "fault-free run retried: " + run.retries());
            baseline = TapHarness.records(run.stdout());
            assertTrue(s.statsJson().contains("\"events\":3000"));
            assertTrue(TapHarness.total(baseline) > 3000, "baseline has " + TapHarness.total(baseline) + " records");
        }
    }

    /** Runs a sync against a faulted sandbox (optionally behind the delaying proxy) and compares with the baseline. */
    private Map<String, Integer> faulted(String name, UnaryOperator<SandboxOptions.Builder> faults, int proxyEvery,
                                         UnaryOperator<ObjectNode> cfg) throws IOException {
        long t0 = System.nanoTime();
        try (Sandbox s = Sandbox.start(faults.apply(project()).build());
             DelayingProxy proxy = proxyEvery > 0 ? new DelayingProxy(s.baseUrl(), proxyEvery, 1500) : null) {
            String base = proxy != null ? proxy.baseUrl() : s.baseUrl();
            Path config = TapHarness.write(dir, name + ".json", cfg.apply(TapHarness.config(s, base, TapHarness.ONE_DAY_WINDOWS)));
            TapHarness.SyncRun run = TapHarness.sync(config, TapHarness.FAST, Optional.empty(), Optional.empty());
            assertNull(run.failure(), () -> name + ": sync failed: " + run.failure() + "\n" + String.join("\n", run.log()));
            TreeMap<String, Integer> got = TapHarness.records(run.stdout());
            assertEquals(TapHarness.total(baseline), TapHarness.total(got), () -> name + ": " + TapHarness.diff(baseline, got));
            assertEquals(baseline, got, () -> name + ": " + TapHarness.diff(baseline, got));
            Map<String, Integer> kinds = new TreeMap<>();
            for (String r : run.retries()) kinds.merge(kind(r), 1, Integer::sum);
            TapHarness.figure(String.format("faults scenario=%s faults_retried=%d by_kind=%s records=%d delayed_by_proxy=%d elapsed_ms=%d",
                    name, run.retries().size(), kinds, TapHarness.total(got), proxy == null ? 0 : proxy.delayed.get(),
                    (System.nanoTime() - t0) / 1_000_000));
            return kinds;
        }
    }

    static String kind(String retryLine) {
        if (retryLine.contains("HTTP 429")) return "429";
        if (retryLine.contains("HTTP 500")) return "500";
        if (retryLine.contains("terminated early")) return "terminated_early";
        if (retryLine.contains("timed out")) return "timeout";
        if (retryLine.contains("cut short") || retryLine.contains("closed") || retryLine.contains("reset")
                || retryLine.contains("end of body")) return "reset";
        return "other: " + retryLine;
    }

    @Test
    void rateLimitedEveryFourthRequest() throws IOException {
        Map<String, Integer> k = faulted("429", b -> b.fault429Every(4).retryAfter(0), 0, c -> c);
        assertTrue(k.getOrDefault("429", 0) >= 5, k::toString);
    }

    @Test
    void serverErrorEveryThirdRequest() throws IOException {
        Map<String, Integer> k = faulted("500", b -> b.fault500Every(3), 0, c -> c);
        assertTrue(k.getOrDefault("500", 0) >= 5, k::toString);
    }

    @Test
    void terminatedEarlyOnEveryOtherExportWindow() throws IOException {
        Map<String, Integer> k = faulted("terminated_early", b -> b.faultTerminatedEarlyEvery(2), 0, c -> c);
        assertTrue(k.getOrDefault("terminated_early", 0) >= 3, k::toString);
    }

    @Test
    void connectionResetMidBodyOnEveryOtherExportWindow() throws IOException {
        Map<String, Integer> k = faulted("reset", b -> b.faultResetEvery(2), 0, c -> c);
        assertTrue(k.getOrDefault("reset", 0) >= 3, k::toString);
    }

    @Test
    void slowResponsesPastTheTimeout() throws IOException {
        Map<String, Integer> k = faulted("timeout", b -> b, 5, c -> c.put("request_timeout", 1));
        assertTrue(k.getOrDefault("timeout", 0) >= 3, k::toString);
    }

    @Test
    void everyFaultAtOnce() throws IOException {
        Map<String, Integer> k = faulted("all", b -> b.fault429Every(13).retryAfter(1).fault500Every(5)
                .faultTerminatedEarlyEvery(3).faultResetEvery(4), 0, c -> c);
        assertTrue(k.size() >= 4, k::toString);
    }
}
