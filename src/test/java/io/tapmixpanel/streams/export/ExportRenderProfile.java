package io.tapmixpanel.streams.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.export.ExportEvent;
import io.tapmixpanel.mixpanel.export.ExportScanner;
import io.tapmixpanel.singer.SchemaGuard;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Not a test: a CPU-time profile of the export hot path without the network, for measuring changes to
 * {@link ExportRenderer} on a busy machine (thread CPU time, not wall time). Usage:
 * {@code java -cp target/test-classes:target/classes:<deps> io.tapmixpanel.streams.export.ExportRenderProfile
 * window.jsonl.gz export-schema.json [rounds]}; the body is e.g. a sandbox export fetched with curl.
 */
public final class ExportRenderProfile {
    public static void main(String[] args) throws Exception {
        byte[] gz = Files.readAllBytes(Path.of(args[0]));
        ObjectNode schema = (ObjectNode) new ObjectMapper().readTree(Path.of(args[1]).toFile());
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        JsonFactory f = new JsonFactory();
        Path dir = Files.createTempDirectory("export-profile");
        for (int r = 0; r < rounds; r++) {
            long t0 = mx.getCurrentThreadCpuTime();
            long raw = 0;
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), 64 * 1024)) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) raw += n;
            }
            long t1 = mx.getCurrentThreadCpuTime();
            long events = 0;
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), 64 * 1024)) {
                ExportScanner scanner = new ExportScanner(in);
                while (scanner.next() != null) events++;
            }
            long t2 = mx.getCurrentThreadCpuTime();
            ExportRenderer renderer = new ExportRenderer(ExportRenderer.Options.of(new SchemaGuard(schema), Spools.recordLines(), dir));
            renderer.beginAttempt(1);
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), 64 * 1024)) {
                ExportScanner scanner = new ExportScanner(in);
                ExportEvent e;
                while ((e = scanner.next()) != null) renderer.onEvent(e);
            }
            ExportRenderer.Rendered out = renderer.finish();
            long t3 = mx.getCurrentThreadCpuTime();
            JacksonExportRenderer old = new JacksonExportRenderer(new SchemaGuard(schema), Set.of(), Optional.empty(), dir, n -> {});
            old.beginAttempt(1);
            try (JsonParser p = f.createParser(new GZIPInputStream(new ByteArrayInputStream(gz), 64 * 1024))) {
                while (p.nextToken() == JsonToken.START_OBJECT) old.onEvent(p);
            }
            Files.delete(old.finish().spool());
            long t4 = mx.getCurrentThreadCpuTime();
            long outBytes = out.spool().channel().size();
            out.spool().release();
            System.out.printf("round %d: %d events, %.1f MB raw -> %.1f MB out; gunzip %.0f ms, +byte scan %.0f ms, +scan+render %.0f ms"
                            + " = %.2f us/event, %.0f events/s per core (old Jackson gunzip+parse+render: %.0f ms)%n",
                    r, events, raw / 1e6, outBytes / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6,
                    (t3 - t2) / 1e3 / events, events / ((t3 - t2) / 1e9), (t4 - t3) / 1e6);
        }
        Files.delete(dir);
    }
}
