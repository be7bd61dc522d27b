package io.tapmixpanel.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.singer.SingerWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RECORD lines on stdout, alone: every message in the order given, records stamped as singer-python stamps them. */
class RecordLinesTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String TIME = ",\"time_extracted\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}Z\"";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final SingerWriter writer = new SingerWriter(stdout);
    private final RecordLines out = new RecordLines(writer);

    private List<String> lines() {
        writer.flush();
        return stdout.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static ObjectNode record(String json) throws IOException {
        return (ObjectNode) M.readTree(json);
    }

    @Test
    void recordsAreRecordMessagesStampedWithTimeExtractedAndCarryTheirTableVersion() throws IOException {
        out.record("engage", record("{\"id\":1}"), OptionalLong.empty());
        out.record("cohorts", record("{\"id\":2}"), OptionalLong.of(42));
        List<String> lines = lines();
        assertTrue(lines.get(0).matches("\\{\"type\":\"RECORD\",\"stream\":\"engage\",\"record\":\\{\"id\":1}" + TIME + "}"),
                lines.get(0));
        assertTrue(lines.get(1).matches("\\{\"type\":\"RECORD\",\"stream\":\"cohorts\",\"record\":\\{\"id\":2},\"version\":42"
                + TIME + "}"), lines.get(1));
    }

    @Test
    void schemaActivateVersionAndStateAreMessagesInTheOrderGivenAndReachStdoutWhenFlushed() throws IOException {
        out.schema("cohorts", record("{\"type\":\"object\"}"), List.of("id"), List.of());
        out.activateVersion("cohorts", 7);
        out.state(M.readTree("{\"bookmarks\":{}}"));
        assertEquals("", stdout.toString(StandardCharsets.UTF_8), "buffered until flushed");
        out.flush();
        assertEquals("{\"type\":\"SCHEMA\",\"stream\":\"cohorts\",\"schema\":{\"type\":\"object\"},\"key_properties\":[\"id\"]}\n"
                        + "{\"type\":\"ACTIVATE_VERSION\",\"stream\":\"cohorts\",\"version\":7}\n"
                        + "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{}}}\n",
                stdout.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aSpoolsWholeLinesAreAppendedAfterTheMessagesWrittenBeforeIt() throws IOException {
        Path spool = Files.writeString(dir.resolve("spool"), "{\"type\":\"RECORD\",\"stream\":\"export\",\"record\":{\"a\":1}}\n");
        out.schema("export", record("{\"type\":\"object\"}"), List.of(), List.of("time"));
        try (FileChannel channel = FileChannel.open(spool)) {
            out.appendLines(channel);
        }
        out.state(M.readTree("{}"));
        assertEquals(List.of("SCHEMA", "RECORD", "STATE"), lines().stream().map(l -> type(l)).toList());
        assertEquals("{\"type\":\"RECORD\",\"stream\":\"export\",\"record\":{\"a\":1}}", lines().get(1));
    }

    @Test
    void aRecordRenderedBetweenHeadAndTailIsTheLineTheWriterWritesForTheSameRecord() throws IOException {
        for (String stream : List.of("export", "a \"quoted\" \\ stream é")) {
            String rendered = new String(out.recordHead(stream), StandardCharsets.UTF_8) + "\"n\":1}"
                    + new String(out.recordTail(), StandardCharsets.UTF_8);
            out.record(stream, record("{\"n\":1}"), OptionalLong.empty());
            String written = lines().get(lines().size() - 1) + "\n";
            assertEquals(strip(written), strip(rendered), stream);
            assertTrue(rendered.endsWith("}\n") && rendered.matches("(?s).*" + TIME + "}\n"), rendered);
        }
    }

    @Test
    void eachTailIsFreshAndEndsTheLine() {
        byte[] a = out.recordTail();
        a[0] = 'x';
        assertFalse(new String(out.recordTail(), StandardCharsets.UTF_8).startsWith("x"));
        assertArrayEquals("{\"type\":\"RECORD\",\"stream\":\"export\",\"record\":{".getBytes(StandardCharsets.US_ASCII),
                out.recordHead("export"));
    }

    @Test
    void theEndOfAStreamWritesNothing() {
        out.endStream("engage", true);
        out.endStream("export", false);
        assertEquals(List.of(), lines());
    }

    private static String strip(String line) {
        return line.replaceAll(TIME, "");
    }

    private static String type(String line) {
        try {
            JsonNode m = M.readTree(line);
            return m.get("type").asText();
        } catch (IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
