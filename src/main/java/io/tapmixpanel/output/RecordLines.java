package io.tapmixpanel.output;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.singer.SingerWriter;
import io.tapmixpanel.singer.TimeExtracted;

import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;

/**
 * Records as RECORD messages on stdout, each stamped with {@code time_extracted} (docs/streams.md "Streams"). Export windows
 * are rendered into spool files of whole RECORD lines by other threads and appended here in window order with
 * {@link #appendLines}, so that stdout receives each window once it was read whole.
 */
public final class RecordLines implements Output {
    private final SingerWriter out;

    public RecordLines(SingerWriter out) {
        this.out = out;
    }

    @Override
    public void schema(String stream, ObjectNode schema, List<String> keyProperties, List<String> bookmarkProperties) {
        out.writeSchema(stream, schema, keyProperties, bookmarkProperties);
    }

    @Override
    public void activateVersion(String stream, long version) {
        out.writeActivateVersion(stream, version);
    }

    @Override
    public void record(String stream, ObjectNode record, OptionalLong tableVersion) {
        out.writeRecord(stream, record, TimeExtracted.now(), tableVersion);
    }

    /**
     * Appends a spool of whole RECORD lines rendered elsewhere, read from its start through {@code spool} (the file
     * may have no name any more, docs/reliability.md "Reliability"), after every message written before.
     */
    public void appendLines(FileChannel spool) {
        out.appendFile(spool);
    }

    /** Nothing waits here: every record went out as it came. */
    @Override
    public void endStream(String stream, boolean succeeded) {}

    @Override
    public void state(JsonNode value) {
        out.writeState(value);
    }

    @Override
    public void flush() {
        out.flush();
    }

    /** A RECORD message's head through its record's opening brace, as {@link SingerWriter} writes it. */
    @Override
    public byte[] recordHead(String stream) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes("{\"type\":\"RECORD\",\"stream\":\"".getBytes(StandardCharsets.US_ASCII));
        head.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(stream));
        head.writeBytes("\",\"record\":{".getBytes(StandardCharsets.US_ASCII));
        return head.toByteArray();
    }

    /** The RECORD message's {@code time_extracted} (now), its closing brace and the newline. */
    @Override
    public byte[] recordTail() {
        return (",\"time_extracted\":\"" + TimeExtracted.now() + "\"}\n").getBytes(StandardCharsets.UTF_8);
    }
}
