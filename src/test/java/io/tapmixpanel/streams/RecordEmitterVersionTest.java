package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.singer.SchemaGuard;
import io.tapmixpanel.singer.SingerWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** docs/activate-version.md "ACTIVATE_VERSION", as the emitter of a full-table stream writes it. */
class RecordEmitterVersionTest {
    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path dir;

    private static ObjectNode record(int id) {
        return M.createObjectNode().put("id", id);
    }

    private static List<JsonNode> write(Consumer<RecordEmitter> setUp, Consumer<RecordEmitter> body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (SingerWriter out = new SingerWriter(bytes)) {
            SchemaGuard guard = new SchemaGuard((ObjectNode) M.readTree("{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}"));
            RecordEmitter emitter = new RecordEmitter("cohorts", out, guard, List.of("id"), List.of(), Set.of(), RecordEmitter.Progress.NONE);
            setUp.accept(emitter);
            emitter.ensureSchema();
            body.accept(emitter);
            out.flush();
        }
        List<JsonNode> messages = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) if (!line.isEmpty()) messages.add(M.readTree(line));
        return messages;
    }

    private static List<String> types(List<JsonNode> messages) {
        return messages.stream().map(m -> m.get("type").asText()).toList();
    }

    @Test
    void aVersionedStreamOpensOnceRightBeforeItsFirstRecordAndClosesOnlyWhenItsRunnerSaysItFinished() throws IOException {
        List<JsonNode> open = write(e -> e.tableVersion(42), e -> {
            e.emit(record(1));
            e.emitAll(List.of(record(2), record(3)));
        });
        assertEquals(List.of("SCHEMA", "ACTIVATE_VERSION", "RECORD", "RECORD", "RECORD"), types(open));
        for (JsonNode m : open.subList(1, 5)) assertEquals(42, m.get("version").asLong(), m.toString());

        List<JsonNode> finished = write(e -> e.tableVersion(42), e -> {
            e.emit(record(1));
            e.completeTableVersion();
        });
        assertEquals(List.of("SCHEMA", "ACTIVATE_VERSION", "RECORD", "ACTIVATE_VERSION"), types(finished));
    }

    @Test
    void aVersionedStreamWithoutAnyRecordSendsOnlyTheClosingMessage() throws IOException {
        List<JsonNode> empty = write(e -> e.tableVersion(42), e -> {
            e.emitAll(List.of());
            e.completeTableVersion();
        });
        assertEquals(List.of("SCHEMA", "ACTIVATE_VERSION"), types(empty));
    }

    @Test
    void aStreamWithoutATableVersionWritesNoVersionAndNoActivateVersion() throws IOException {
        List<JsonNode> plain = write(e -> { }, e -> {
            e.emit(record(1));
            e.completeTableVersion();
        });
        assertEquals(List.of("SCHEMA", "RECORD"), types(plain));
        assertFalse(plain.get(1).has("version"));
    }

    @Test
    void spooledRecordsCannotJoinAVersionedStreamSinceTheirLinesCarryNoVersion() throws IOException {
        Path spool = Files.writeString(dir.resolve("spool"), "{\"type\":\"RECORD\",\"stream\":\"cohorts\",\"record\":{\"id\":1}}\n");
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(spool)) {
            assertThrows(IllegalStateException.class, () -> write(e -> e.tableVersion(42), e -> e.appendSpool(channel, 1)));
        }
    }
}
