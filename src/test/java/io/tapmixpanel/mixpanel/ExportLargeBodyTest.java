package io.tapmixpanel.mixpanel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapmixpanel.mixpanel.export.ExportBodies;
import io.tapmixpanel.mixpanel.export.ExportConsumer;
import io.tapmixpanel.mixpanel.export.ExportEvent;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A multi-hundred-MB export body is read as a stream, in memory that does not grow with the body. */
class ExportLargeBodyTest {
    private static final int BODY_MB = 300;
    private static final ExportBodies.Block BLOCK = ExportBodies.block(1 << 20);
    private static final LocalDate DAY = LocalDate.of(2024, 1, 1);

    private static MixpanelClient client(StreamingServer server) {
        return new MixpanelClient(new ClientSettings(new Credentials.ProjectSecret("s", OptionalLong.empty()), Region.US, Optional.empty(),
                Optional.of(server.base()), Optional.empty(), Duration.ofSeconds(10), 2, "ua",
                new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1))), HttpListener.NOOP);
    }

    private static void usedHeapAfterGc(MemoryMXBean memory, AtomicLong max) {
        System.gc();
        max.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
    }

    @Test
    void aThreeHundredMegabyteBodyIsReadInBoundedMemory() throws Exception {
        long expectedEvents = (long) BLOCK.events() * BODY_MB;
        try (StreamingServer server = new StreamingServer((n, exchange) -> {
                 OutputStream out = StreamingServer.begin(exchange, 0); // chunked, generated on the fly
                 for (int i = 0; i < BODY_MB; i++) out.write(BLOCK.bytes());
                 out.close();
             });
             MixpanelClient client = client(server)) {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            long baseline = memory.getHeapMemoryUsage().getUsed();
            AtomicLong maxUsed = new AtomicLong();
            long[] count = {0};
            long checkEvery = expectedEvents / 4;
            long start = System.nanoTime();
            client.export(ExportQuery.of(DAY, DAY), new ExportConsumer() {
                @Override public void beginAttempt(int attempt) {}
                @Override public void onEvent(ExportEvent e) {
                    if (++count[0] % checkEvery == 0) usedHeapAfterGc(memory, maxUsed);
                }
                @Override public void discardAttempt(String reason) { throw new AssertionError(reason); }
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(expectedEvents, count[0]);
            long grownMb = (maxUsed.get() - baseline) >> 20;
            System.out.printf("read %d MB, %d events in %.2f s (%.0f events/s, %.0f MB/s); live heap grew by %d MB%n",
                    BODY_MB, count[0], seconds, count[0] / seconds, BODY_MB / seconds, grownMb);
            assertTrue(grownMb < 32, "live heap grew by " + grownMb + " MB while reading a " + BODY_MB + " MB body");
        }
    }

    @Test
    void aFailureEarlyInAHugeBodyAbortsTheConnectionInsteadOfDrainingIt() throws Exception {
        try (StreamingServer server = new StreamingServer((n, exchange) -> {
                 OutputStream out = StreamingServer.begin(exchange, 0);
                 for (int i = 0; i < 100_000; i++) out.write(BLOCK.bytes()); // ~100 GB if anyone read it all
             });
             MixpanelClient client = client(server)) {
            long start = System.nanoTime();
            assertThrows(IllegalStateException.class, () -> client.export(ExportQuery.of(DAY, DAY), new ExportConsumer() {
                @Override public void beginAttempt(int attempt) {}
                @Override public void onEvent(ExportEvent e) { throw new IllegalStateException("stop"); }
                @Override public void discardAttempt(String reason) {}
            }));
            assertTrue(System.nanoTime() - start < 3_000_000_000L, "returned without draining the body");
        }
    }
}
