package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.BatchOptions;
import io.tapmixpanel.output.BatchFiles;
import io.tapmixpanel.output.Output;
import io.tapmixpanel.singer.SchemaGuard;
import io.tapmixpanel.singer.SingerWriter;
import io.tapmixpanel.singer.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The emitter shapes a stream's records, then hands them over: the same shaping whichever output takes them. */
class RecordEmitterOutputTest {
    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final SingerWriter writer = new SingerWriter(stdout);

    private RecordEmitter emitter(Output out) throws IOException {
        SchemaGuard guard = new SchemaGuard((ObjectNode) M.readTree(
                "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"}}}"));
        return new RecordEmitter("engage", out, guard, List.of("id"), List.of(), Set.of("secret"), RecordEmitter.Progress.NONE);
    }

    private List<JsonNode> messages() throws IOException {
        writer.flush();
        List<JsonNode> out = new ArrayList<>();
        for (String l : stdout.toString(StandardCharsets.UTF_8).lines().toList()) out.add(M.readTree(l));
        return out;
    }

    private static ObjectNode record(String json) throws IOException {
        return (ObjectNode) M.readTree(json);
    }

    @Test
    void shapedRecordsGoToBatchFilesAndTheFileIsAnnouncedBeforeTheStateThatCoversIt() throws IOException {
        RecordEmitter e = emitter(Output.of(writer, Optional.of(new BatchOptions(dir, "", false, 100))));
        e.emit(record("{\"id\":1,\"name\":7,\"secret\":\"x\"}"));
        e.checkpoint(new State());
        List<JsonNode> m = messages();
        assertEquals(List.of("SCHEMA", "BATCH", "STATE"), m.stream().map(x -> x.get("type").asText()).toList());
        String file = Files.readString(Path.of(URI.create(m.get(1).get("manifest").get(0).asText())));
        assertEquals("{\"id\":1,\"name\":\"7\"}\n", file, "deselected dropped, a number in a string column as its text");
        assertEquals(1, e.records());
    }

    @Test
    void shapedRecordsGoToRecordLinesTheSameWay() throws IOException {
        RecordEmitter e = emitter(Output.of(writer, Optional.empty()));
        e.emitAll(List.of(record("{\"id\":1,\"name\":7,\"secret\":\"x\"}")));
        e.endStream(true);
        List<JsonNode> m = messages();
        assertEquals(List.of("SCHEMA", "RECORD"), m.stream().map(x -> x.get("type").asText()).toList());
        assertEquals(M.readTree("{\"id\":1,\"name\":\"7\"}"), m.get(1).get("record"));
        assertFalse(m.get(1).has("version"));
    }

    @Test
    void spoolsOfRecordLinesAndBatchFilesEachGoOnlyToTheirOwnOutput() throws IOException {
        RecordEmitter toFiles = emitter(new BatchFiles(writer, new BatchOptions(dir, "", false, 100)));
        Path spool = Files.writeString(dir.resolve("spool"), "{\"type\":\"RECORD\",\"stream\":\"engage\",\"record\":{\"id\":1}}\n");
        try (FileChannel channel = FileChannel.open(spool)) {
            assertThrows(IllegalStateException.class, () -> toFiles.appendSpool(channel, 1));
        }
        RecordEmitter toLines = emitter(Output.of(writer, Optional.empty()));
        assertThrows(IllegalStateException.class, () -> toLines.announceBatch(List.of(spool), 1));
    }
}
