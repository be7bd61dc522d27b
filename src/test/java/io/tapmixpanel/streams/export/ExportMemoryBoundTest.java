package io.tapmixpanel.streams.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/performance.md "Performance": the export streams, so its memory does not grow with the size of the export. A real tap process with a
 * 64 MB heap syncs 300,000 events (about 140 MB of JSON, several windows of more than 64 MB fetched at once) and
 * must finish with every record.
 */
class ExportMemoryBoundTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 300_000;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aLargeExportSyncsWholeUnderA64MegabyteHeap(@TempDir Path dir) throws Exception {
        try (Sandbox sandbox = Sandbox.start(SandboxOptions.builder().port(0).events(EVENTS).days(10).build())) {
            ObjectNode config = JSON.createObjectNode()
                    .put("service_account_username", SandboxOptions.DEFAULT_SERVICE_ACCOUNT_USER)
                    .put("service_account_secret", SandboxOptions.DEFAULT_SERVICE_ACCOUNT_SECRET)
                    .put("project_id", SandboxOptions.DEFAULT_PROJECT_ID)
                    .put("start_date", sandbox.startDate() + "T00:00:00Z")
                    .put("api_base_url", sandbox.baseUrl())
                    .put("export_base_url", sandbox.baseUrl())
                    .put("app_base_url", sandbox.baseUrl())
                    .put("date_window_size", 5)
                    .put("max_concurrent_requests", 2);
            Path configFile = dir.resolve("config.json");
            JSON.writeValue(configFile.toFile(), config);

            Path discovered = dir.resolve("discovered.json");
            Process discover = tap(List.of("--config", configFile.toString(), "--discover"))
                    .redirectOutput(discovered.toFile()).redirectError(dir.resolve("discover.err").toFile()).start();
            assertEquals(0, discover.waitFor(), () -> read(dir.resolve("discover.err")));
            Path catalog = dir.resolve("catalog.json");
            JSON.writeValue(catalog.toFile(), exportOnly(JSON.readTree(discovered.toFile())));

            Process sync = tap(List.of("--config", configFile.toString(), "--catalog", catalog.toString()))
                    .redirectError(dir.resolve("sync.err").toFile()).start();
            long records = countRecords(sync.getInputStream());
            assertEquals(0, sync.waitFor(), () -> read(dir.resolve("sync.err")));
            assertEquals(EVENTS, records);
        }
    }

    private static ProcessBuilder tap(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "io.tapmixpanel.cli.Main"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd);
    }

    private static JsonNode exportOnly(JsonNode catalog) {
        ObjectNode copy = catalog.deepCopy();
        for (JsonNode s : copy.path("streams")) {
            boolean export = s.path("tap_stream_id").asText().equals("export");
            for (JsonNode m : s.path("metadata")) {
                if (m.path("breadcrumb").isEmpty()) ((ObjectNode) m.path("metadata")).put("selected", export);
            }
        }
        return copy;
    }

    /** Counts lines that start as a RECORD, streaming: the test must not hold the output either. */
    private static long countRecords(InputStream out) throws IOException {
        byte[] prefix = "{\"type\":\"RECORD\"".getBytes(StandardCharsets.US_ASCII);
        long count = 0;
        int matched = 0;
        boolean lineStart = true;
        try (InputStream in = new BufferedInputStream(out, 1 << 16)) {
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    lineStart = true;
                    matched = 0;
                    continue;
                }
                if (lineStart) {
                    if (b == prefix[matched]) {
                        if (++matched == prefix.length) {
                            count++;
                            lineStart = false;
                        }
                    } else {
                        lineStart = false;
                    }
                }
            }
        }
        return count;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no stderr: " + e.getMessage() + ")";
        }
    }
}
