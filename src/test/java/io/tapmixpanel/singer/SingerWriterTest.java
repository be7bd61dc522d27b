package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SingerWriterTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static List<JsonNode> lines(byte[] out) throws IOException {
        String text = new String(out, StandardCharsets.UTF_8);
        assertTrue(text.isEmpty() || text.endsWith("\n"), "output ends on a whole line");
        List<JsonNode> msgs = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) continue;
            assertFalse(line.contains("\n"));
            msgs.add(M.readTree(line));
        }
        return msgs;
    }

    private static ObjectNode obj(String json) throws IOException {
        return (ObjectNode) M.readTree(json);
    }

    /** docs/batch.md "BATCH messages": the Meltano SDK's BATCH message, field for field. */
    @Test
    void aBatchMessageIsTheMeltanoSdksLine() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SingerWriter w = new SingerWriter(out)) {
            w.writeBatch("export", "jsonl", "gzip", List.of("file:///b/x-1.json.gz", "file:///b/x-2.json.gz"));
        }
        assertEquals("{\"type\":\"BATCH\",\"stream\":\"export\",\"encoding\":{\"format\":\"jsonl\",\"compression\":"
                + "\"gzip\"},\"manifest\":[\"file:///b/x-1.json.gz\",\"file:///b/x-2.json.gz\"]}\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyMessageIsOneJsonObjectOnItsOwnLine() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SingerWriter w = new SingerWriter(out)) {
            w.writeSchema("export", obj("{\"type\":\"object\",\"properties\":{\"time\":{\"type\":\"string\"}}}"),
                    List.of(), List.of("time"));
            w.writeSchema("engage", obj("{\"type\":\"object\"}"), List.of("distinct_id"), List.of());
            w.writeRecord("export", obj("{\"event\":\"a\\nb\",\"n\":1.5,\"é\":\"ü\"}"),
                    TimeExtracted.format(Instant.parse("2024-01-01T00:00:00.123456789Z")));
            w.writeState(obj("{\"bookmarks\":{}}"));
        }
        List<JsonNode> msgs = lines(out.toByteArray());
        assertEquals(4, msgs.size());
        assertEquals(obj("{\"type\":\"SCHEMA\",\"stream\":\"export\",\"schema\":{\"type\":\"object\",\"properties\":"
                + "{\"time\":{\"type\":\"string\"}}},\"key_properties\":[],\"bookmark_properties\":[\"time\"]}"), msgs.get(0));
        assertEquals(obj("{\"type\":\"SCHEMA\",\"stream\":\"engage\",\"schema\":{\"type\":\"object\"},"
                + "\"key_properties\":[\"distinct_id\"]}"), msgs.get(1), "empty bookmark_properties are omitted");
        assertEquals(obj("{\"type\":\"RECORD\",\"stream\":\"export\",\"record\":{\"event\":\"a\\nb\",\"n\":1.5,\"é\":\"ü\"},"
                + "\"time_extracted\":\"2024-01-01T00:00:00.123456Z\"}"), msgs.get(2));
        assertEquals(obj("{\"type\":\"STATE\",\"value\":{\"bookmarks\":{}}}"), msgs.get(3));
    }

    @Test
    void outputIsUtf8WithFieldsInSingerOrder() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SingerWriter w = new SingerWriter(out);
        w.writeRecord("s", Json.NODES.objectNode().put("name", "Zoë"), "2024-01-01T00:00:00.000000Z");
        w.flush();
        assertEquals("{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"name\":\"Zoë\"},"
                + "\"time_extracted\":\"2024-01-01T00:00:00.000000Z\"}\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void nothingReachesTheOutputBeforeFlush() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SingerWriter w = new SingerWriter(out);
        w.writeState(Json.NODES.objectNode());
        assertEquals(0, out.size(), "buffered");
        w.flush();
        assertEquals("{\"type\":\"STATE\",\"value\":{}}\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void timeExtractedIsRfc3339UtcWithMicrosecondsAndZ() {
        assertEquals("2024-01-01T00:00:00.000000Z", TimeExtracted.format(Instant.parse("2024-01-01T00:00:00Z")));
        assertEquals("1999-12-31T23:59:59.999999Z", TimeExtracted.format(Instant.parse("1999-12-31T23:59:59.9999999Z")));
        assertEquals("2024-02-29T12:34:56.000123Z", TimeExtracted.format(Instant.parse("2024-02-29T12:34:56.000123Z")));
        String a = TimeExtracted.format(Instant.parse("2024-02-29T12:34:56.000123Z"));
        assertSame(a, TimeExtracted.format(Instant.parse("2024-02-29T12:34:56.000123Z")), "cached");
    }

    @Test
    void spooledLinesAreAppendedInOrderAfterWhatWasWrittenBefore(@TempDir Path dir) throws IOException {
        Path spool = dir.resolve("window-1.jsonl");
        try (SingerWriter s = new SingerWriter(Files.newOutputStream(spool))) {
            s.writeRecord("export", Json.NODES.objectNode().put("i", 2), "2024-01-01T00:00:00.000000Z");
            s.writeRecord("export", Json.NODES.objectNode().put("i", 3), "2024-01-01T00:00:00.000000Z");
        }
        Path spool2 = dir.resolve("window-2.jsonl");
        try (SingerWriter s = new SingerWriter(Files.newOutputStream(spool2))) {
            s.writeRecord("export", Json.NODES.objectNode().put("i", 4), "2024-01-01T00:00:00.000000Z");
        }

        // to a plain stream (copy) and to a file descriptor (FileChannel.transferTo)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path outFile = dir.resolve("stdout");
        for (OutputStream target : List.of(out, new FileOutputStream(outFile.toFile()))) {
            try (SingerWriter w = new SingerWriter(target)) {
                w.writeRecord("export", Json.NODES.objectNode().put("i", 1), "2024-01-01T00:00:00.000000Z");
                try (FileChannel a = FileChannel.open(spool); FileChannel b = FileChannel.open(spool2)) {
                    w.appendFile(a);
                    w.appendFile(b);
                }
                w.writeState(Json.NODES.objectNode().put("i", 5));
            }
        }
        for (byte[] bytes : List.of(out.toByteArray(), Files.readAllBytes(outFile))) {
            List<JsonNode> msgs = lines(bytes);
            assertEquals(5, msgs.size());
            for (int i = 0; i < 4; i++) assertEquals(i + 1, msgs.get(i).path("record").path("i").asInt());
            assertEquals(5, msgs.get(4).path("value").path("i").asInt());
        }
    }

    @Test
    void theOutputOnlyEverReceivesWholeMessagesWhateverTheBufferHolds() throws IOException {
        // docs/reliability.md "Reliability": a run that ends at any point (exit 1 mid-stream, a signal) leaves stdout on a whole line
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SingerWriter w = new SingerWriter(out);
        String big = "x".repeat(1000);
        for (int i = 0; i < 500; i++) {
            w.writeRecord("engage", Json.NODES.objectNode().put("i", i).put("big", big), null);
            byte[] sent = out.toByteArray();
            assertTrue(sent.length == 0 || sent[sent.length - 1] == '\n', "cut after record " + i + " at byte " + sent.length);
        }
        assertTrue(out.size() > 0, "a full buffer went out");
        int before = out.size();
        w.flush();
        assertTrue(out.size() > before, "the last messages were still buffered: the test covers a partly sent buffer");
        w.writeRecord("engage", Json.NODES.objectNode().put("big", "y".repeat(3 * SingerWriter.BUFFER_SIZE)), null);
        byte[] sent = out.toByteArray();
        assertEquals('\n', sent[sent.length - 1], "a message larger than the buffer goes out whole");
        assertEquals(501, lines(sent).size());
    }

    @Test
    void theOutputRemembersTheLastStateThatReachedIt() {
        WholeLineOutput out = new WholeLineOutput(new ByteArrayOutputStream());
        SingerWriter w = new SingerWriter(out);
        w.writeState(Json.NODES.objectNode().put("n", 1));
        assertTrue(out.lastState().isEmpty(), "still in the buffer");
        w.flush();
        w.writeState(Json.NODES.objectNode().put("n", 2));
        assertEquals(1, out.lastState().orElseThrow().path("n").asInt());
        w.flush();
        assertEquals(2, out.lastState().orElseThrow().path("n").asInt());
    }

    /** Stands in for stdout after the target exited. */
    private static final class BrokenPipe extends OutputStream {
        @Override public void write(int b) throws IOException { throw new IOException("Broken pipe"); }
        @Override public void write(byte[] b, int off, int len) throws IOException { throw new IOException("Broken pipe"); }
    }

    @Test
    void activateVersionAndAVersionedRecordAreWrittenAsSingerPythonWritesThem() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SingerWriter w = new SingerWriter(out)) {
            w.writeActivateVersion("cohorts", 1796160600000L);
            w.writeRecord("cohorts", obj("{\"id\":1}"), "2026-12-01T21:30:00.000000Z", java.util.OptionalLong.of(1796160600000L));
            w.writeRecord("cohorts", obj("{\"id\":2}"), "2026-12-01T21:30:00.000000Z", java.util.OptionalLong.empty());
        }
        assertEquals("{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"cohorts\",\"version\":1796160600000}\n"
                + "{\"type\":\"RECORD\",\"stream\":\"cohorts\",\"record\":{\"id\":1},\"version\":1796160600000,"
                + "\"time_extracted\":\"2026-12-01T21:30:00.000000Z\"}\n"
                + "{\"type\":\"RECORD\",\"stream\":\"cohorts\",\"record\":{\"id\":2},"
                + "\"time_extracted\":\"2026-12-01T21:30:00.000000Z\"}\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aClosedTargetBecomesTargetClosedException() {
        SingerWriter w = new SingerWriter(new BrokenPipe());
        w.writeState(Json.NODES.objectNode()); // buffered: nothing written yet
        TargetClosedException e = assertThrows(TargetClosedException.class, w::flush);
        assertEquals("the target closed its input (broken pipe)", e.getMessage());
        assertDoesNotThrow(w::close, "closing after the target left is quiet");
    }

    @Test
    void aClosedTargetIsNoticedWhenTheBufferFillsUp() {
        SingerWriter w = new SingerWriter(new BrokenPipe());
        ObjectNode big = Json.NODES.objectNode().put("s", "x".repeat(1000));
        assertThrows(TargetClosedException.class, () -> {
            for (int i = 0; i < 1000; i++) w.writeRecord("s", big, "2024-01-01T00:00:00.000000Z");
        });
    }

    @Test
    void otherIoFailuresStayIoFailures() {
        SingerWriter w = new SingerWriter(new OutputStream() {
            @Override public void write(int b) throws IOException { throw new IOException("No space left on device"); }
        });
        w.writeState(Json.NODES.objectNode());
        UncheckedIOException e = assertThrows(UncheckedIOException.class, w::flush);
        assertEquals("No space left on device", e.getCause().getMessage());
    }
}
