package io.tapmixpanel.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.BatchOptions;
import io.tapmixpanel.singer.SingerWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BATCH files announced by BATCH messages (docs/batch.md "BATCH messages"), alone: bare records in files of at most
 * batch_size records, each named by a BATCH message only once complete, and never a STATE ahead of an unannounced file.
 */
class BatchFilesTest {
    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path root;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final SingerWriter writer = new SingerWriter(stdout);

    private BatchFiles output(boolean gzip, int batchSize) {
        return new BatchFiles(writer, new BatchOptions(root, "pre-", gzip, batchSize));
    }

    private List<JsonNode> messages() throws IOException {
        writer.flush();
        List<JsonNode> out = new ArrayList<>();
        for (String l : stdout.toString(StandardCharsets.UTF_8).lines().toList()) out.add(M.readTree(l));
        return out;
    }

    private static List<String> types(List<JsonNode> messages) {
        return messages.stream().map(m -> m.get("type").asText()).toList();
    }

    private static ObjectNode record(int id) {
        return M.createObjectNode().put("id", id);
    }

    /** A file a manifest names, read back whole. */
    private static String read(String url) throws IOException {
        Path p = Path.of(URI.create(url));
        try (InputStream in = p.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(p)) : Files.newInputStream(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private List<String> filesInRoot() throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void recordsAreBareLinesInAGzippedFileAnnouncedOnceItHoldsBatchSizeRecords() throws IOException {
        BatchFiles out = output(true, 2);
        out.record("engage", record(1), OptionalLong.empty());
        assertEquals(List.of(), messages(), "a file is announced only once complete");
        out.record("engage", record(2), OptionalLong.of(9)); // a table version has no place in a BATCH file
        List<JsonNode> m = messages();
        assertEquals(List.of("BATCH"), types(m));
        assertEquals(M.readTree("{\"format\":\"jsonl\",\"compression\":\"gzip\"}"), m.get(0).get("encoding"));
        assertEquals("engage", m.get(0).get("stream").asText());
        String url = m.get(0).get("manifest").get(0).asText();
        assertTrue(url.startsWith(root.toUri().toString() + "pre-tap-mixpanel--engage-") && url.endsWith(".json.gz"), url);
        assertEquals("{\"id\":1}\n{\"id\":2}\n", read(url));
    }

    @Test
    void beforeEveryStateTheOpenFileIsFinishedAndAnnounced() throws IOException {
        BatchFiles out = output(false, 100);
        out.schema("engage", (ObjectNode) M.readTree("{\"type\":\"object\"}"), List.of("id"), List.of());
        out.record("engage", record(1), OptionalLong.empty());
        out.state(M.readTree("{\"bookmarks\":{}}"));
        out.state(M.readTree("{\"bookmarks\":{}}"));
        List<JsonNode> m = messages();
        assertEquals(List.of("SCHEMA", "BATCH", "STATE", "STATE"), types(m), "nothing to announce before the second STATE");
        assertEquals("none", m.get(1).get("encoding").get("compression").asText());
        String url = m.get(1).get("manifest").get(0).asText();
        assertTrue(url.endsWith(".jsonl"), url);
        assertEquals("{\"id\":1}\n", read(url));
    }

    @Test
    void theEndOfAStreamAnnouncesItsLastFileAndAFailedStreamsFileIsDeletedUnnamed() throws IOException {
        BatchFiles out = output(true, 100);
        out.record("engage", record(1), OptionalLong.empty());
        out.endStream("engage", true);
        out.record("cohorts", record(2), OptionalLong.empty());
        out.endStream("cohorts", false);
        out.endStream("cohorts", true); // nothing left open
        List<JsonNode> m = messages();
        assertEquals(List.of("BATCH"), types(m));
        assertEquals("engage", m.get(0).get("stream").asText());
        assertEquals(1, filesInRoot().size(), "only the announced file: " + filesInRoot());
    }

    @Test
    void aWindowsFilesStayPartFilesUntilAnnouncedInOrderEachByItsOwnBatchMessage() throws IOException {
        BatchFiles out = output(false, 100);
        BatchFiles.Window w = out.openWindow("export");
        byte[] one = "{\"n\":1}\n".getBytes(StandardCharsets.UTF_8);
        byte[] two = "{\"n\":2}\n".getBytes(StandardCharsets.UTF_8);
        w.write(one, 0, one.length);
        w.next();
        w.write(two, 0, two.length);
        List<Path> parts = w.finish(false);
        assertEquals(2, parts.size());
        for (Path p : parts) assertTrue(p.getFileName().toString().endsWith(".jsonl.part"), p.toString());
        assertEquals(List.of(), messages(), "written ahead of its turn: nothing announced yet");

        out.announce("export", parts);
        List<JsonNode> m = messages();
        assertEquals(List.of("BATCH", "BATCH"), types(m), "one message per file (docs/batch.md \"BATCH messages\")");
        for (JsonNode batch : m) assertEquals(1, batch.get("manifest").size(), batch.toString());
        assertEquals("{\"n\":1}\n", read(m.get(0).get("manifest").get(0).asText()));
        assertEquals("{\"n\":2}\n", read(m.get(1).get("manifest").get(0).asText()));
        assertTrue(filesInRoot().stream().noneMatch(f -> f.endsWith(".part")), filesInRoot().toString());
    }

    @Test
    void aWindowsEmptyLastFileIsDeletedAndADiscardedWindowLeavesNothing() throws IOException {
        BatchFiles out = output(true, 100);
        BatchFiles.Window w = out.openWindow("export");
        byte[] one = "{\"n\":1}\n".getBytes(StandardCharsets.UTF_8);
        w.write(one, 0, one.length);
        w.next();
        assertEquals(1, w.finish(true).size(), "the empty file opened last is not handed over");
        for (String f : filesInRoot()) Files.delete(root.resolve(f));

        BatchFiles.Window discarded = out.openWindow("export");
        discarded.write(one, 0, one.length);
        discarded.next();
        discarded.write(one, 0, one.length);
        discarded.delete();
        assertEquals(List.of(), filesInRoot());
        out.announce("export", List.of());
        assertEquals(List.of(), messages(), "no BATCH message without files");
    }

    /**
     * What a target has been told at any moment: the bytes stdout received so far. Each time more arrive, and when
     * asked, counts the files in the folder with their final name that no BATCH message received names: what a
     * SIGKILL at that moment would leave behind, whole-looking and unannounced.
     */
    private final class KilledAnyMoment extends OutputStream {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int mostUnannounced;

        @Override
        public void write(int b) {
            check();
            received.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            check();
            received.write(b, off, len);
        }

        /** Final-named files no message on stdout names now; also remembers the most seen at any write. */
        List<String> unannounced() {
            String told = received.toString(StandardCharsets.UTF_8);
            try (Stream<Path> s = Files.list(root)) {
                return s.filter(p -> !p.toString().endsWith(".part")).map(p -> p.toUri().toString())
                        .filter(url -> !told.contains(url)).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void check() {
            mostUnannounced = Math.max(mostUnannounced, unannounced().size());
        }
    }

    /**
     * The BatchE2eTest kill: a window's files were all renamed, then named by one BATCH message that waited in the
     * buffer for the STATE after it, so a kill meanwhile left every file of the window whole-named and unannounced.
     */
    @Test
    void aWindowsFilesAreRenamedOneAtATimeEachOnStdoutBeforeTheNextSoAKillLeavesAtMostOneUnannounced() throws IOException {
        KilledAnyMoment stdout = new KilledAnyMoment();
        BatchFiles out = new BatchFiles(new SingerWriter(stdout), new BatchOptions(root, "pre-", true, 1));
        BatchFiles.Window w = out.openWindow("export");
        byte[] line = "{\"n\":1}\n".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 4; i++) {
            if (i > 0) w.next();
            w.write(line, 0, line.length);
        }
        List<Path> parts = w.finish(false);
        assertEquals(4, parts.size());

        out.announce("export", parts); // no flush, no STATE after it: the kill lands here
        assertEquals(List.of(), stdout.unannounced(), "renamed, their messages still in the buffer");
        assertTrue(stdout.mostUnannounced <= 1, "at one moment " + stdout.mostUnannounced + " files were whole-named "
                + "and unannounced");
        assertEquals(4, stdout.received.toString(StandardCharsets.UTF_8).lines().count(), "one BATCH message a file");
    }

    /** The same for the other streams' files, cut every batch_size records with no STATE between them. */
    @Test
    void aFullFileIsOnStdoutBeforeTheNextFileIsRenamed() throws IOException {
        KilledAnyMoment stdout = new KilledAnyMoment();
        BatchFiles out = new BatchFiles(new SingerWriter(stdout), new BatchOptions(root, "pre-", false, 1));
        for (int i = 0; i < 3; i++) {
            out.record("engage", record(i), OptionalLong.empty());
            assertEquals(List.of(), stdout.unannounced(), "after record " + i);
        }
        assertEquals(3, filesInRoot().size());
        assertTrue(stdout.mostUnannounced <= 1, "at one moment " + stdout.mostUnannounced + " files were whole-named "
                + "and unannounced");
    }

    @Test
    void renderedRecordsAreBareLinesWithNoMessageAroundThem() {
        BatchFiles out = output(true, 100);
        assertArrayEquals(new byte[] {'{'}, out.recordHead("export"));
        assertArrayEquals(new byte[] {'\n'}, out.recordTail());
        assertEquals(100, out.batchSize());
    }
}
