package io.tapmixpanel.mixpanel;

import io.tapmixpanel.mixpanel.export.ExportBodies;
import io.tapmixpanel.mixpanel.export.ExportConsumer;
import io.tapmixpanel.mixpanel.export.ExportEvent;
import io.tapmixpanel.mixpanel.export.ExportReader;
import io.tapmixpanel.mixpanel.export.ExportScanner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: measures the raw export read throughput of the client (HTTP + gzip + the byte-level
 * {@link ExportScanner}, with a consumer that only touches each field's bounds). Run with
 * {@code mvn -B -q test -Dtest=ExportReadThroughputBenchmark -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false}
 * and read target/surefire-reports/io.tapmixpanel.mixpanel.ExportReadThroughputBenchmark-output.txt.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class ExportReadThroughputBenchmark {
    private static final int BODY_MB = Integer.getInteger("bench.mb", 500);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 4);
    private static final ExportBodies.Block BLOCK = ExportBodies.block(1 << 20);
    private static final LocalDate DAY = LocalDate.of(2024, 1, 1);

    /** Touches every field of the event, as a consumer copying it would. */
    private static final class TokenWalker implements ExportConsumer {
        long events;

        @Override public void beginAttempt(int attempt) {}

        @Override
        public void onEvent(ExportEvent e) {
            long sum = 0;
            for (int i = 0; i < e.size(); i++) sum += e.valueEnd(i) - e.valueStart(i);
            if (sum >= 0) events++;
        }

        @Override public void discardAttempt(String reason) { throw new AssertionError(reason); }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static void report(String what, long events, long bytes, long nanos) {
        double s = nanos / 1e9;
        System.out.printf("%-28s %,d events, %d MB in %.2f s: %,.0f events/s, %.0f MB/s (uncompressed)%n",
                what, events, bytes >> 20, s, events / s, (bytes >> 20) / s);
    }

    @Test
    void measure() throws Exception {
        byte[] gzBlock = gzip(BLOCK.bytes());
        System.out.printf("event size ~%d bytes, gzip ratio %.1f%n", BLOCK.bytes().length / BLOCK.events(),
                (double) BLOCK.bytes().length / gzBlock.length);
        for (int round = 1; round <= ROUNDS; round++) {
            TokenWalker w = new TokenWalker();
            long start = System.nanoTime();
            ExportReader.read(repeated(BLOCK.bytes(), BODY_MB), w);
            report("round " + round + " in-memory reader", w.events, (long) BODY_MB << 20, System.nanoTime() - start);
        }
        try (StreamingServer plain = new StreamingServer((n, ex) -> {
                 OutputStream out = StreamingServer.begin(ex, 0);
                 for (int i = 0; i < BODY_MB; i++) out.write(BLOCK.bytes());
                 out.close();
             });
             StreamingServer gzipped = new StreamingServer((n, ex) -> {
                 ex.getResponseHeaders().set("Content-Encoding", "gzip");
                 OutputStream out = StreamingServer.begin(ex, 0);
                 for (int i = 0; i < BODY_MB; i++) out.write(gzBlock); // concatenated gzip members
                 out.close();
             })) {
            for (int round = 1; round <= ROUNDS; round++) {
                for (boolean gz : new boolean[] {false, true}) {
                    StreamingServer server = gz ? gzipped : plain;
                    try (MixpanelClient client = new MixpanelClient(new ClientSettings(new Credentials.ProjectSecret("s", OptionalLong.empty()),
                            Region.US, Optional.empty(), Optional.of(server.base()), Optional.empty(), Duration.ofSeconds(30),
                            2, "bench", new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO)), HttpListener.NOOP)) {
                        TokenWalker w = new TokenWalker();
                        long start = System.nanoTime();
                        client.export(new ExportQuery(DAY, DAY, java.util.List.of(), Optional.empty(), gz), w);
                        report("round " + round + " HTTP " + (gz ? "gzip" : "plain"), w.events, (long) BODY_MB << 20,
                                System.nanoTime() - start);
                    }
                }
            }
        }
    }

    private static InputStream repeated(byte[] block, int times) {
        return new InputStream() {
            int n;
            int pos;

            @Override public int read() { throw new UnsupportedOperationException(); }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == block.length) { n++; pos = 0; }
                if (n >= times) return -1;
                int k = Math.min(len, block.length - pos);
                System.arraycopy(block, pos, b, off, k);
                pos += k;
                return k;
            }
        };
    }
}
