package io.tapmixpanel.singer;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes Singer messages (SCHEMA, RECORD, STATE, BATCH), one JSON object per line, UTF-8, through
 * one Jackson generator over one large buffer. Each message ends with its own {@code \n} (rather than Jackson's
 * root-value separator, which would only be written before the <em>next</em> message), so a flushed stream
 * always ends on a whole line and spool files produced by other writers can be appended as they are.
 *
 * <p>Not thread-safe: one writer thread. Parallel producers render whole message lines into spool files, and
 * the single stdout writer appends those spools in order with {@link #appendFile(Path)}.
 *
 * <p>A failed write to a reader that went away (broken pipe) becomes {@link TargetClosedException}; other
 * I/O failures become {@link UncheckedIOException}.
 */
public final class SingerWriter implements Flushable, Closeable {
    static final int BUFFER_SIZE = 64 * 1024;

    private static final SerializableString TYPE = new SerializedString("type");
    private static final SerializableString STREAM = new SerializedString("stream");
    private static final SerializableString RECORD = new SerializedString("record");
    private static final SerializableString RECORD_TYPE = new SerializedString("RECORD");
    private static final SerializableString TIME_EXTRACTED = new SerializedString("time_extracted");

    private final OutputStream raw;
    private final BufferedOutputStream buffered;
    private final JsonGenerator gen;
    private final Map<String, SerializableString> streamNames = new HashMap<>();
    private boolean targetClosed;
    private boolean closed;

    public SingerWriter(OutputStream out) {
        this.raw = out;
        this.buffered = new BufferedOutputStream(out, BUFFER_SIZE);
        try {
            this.gen = Json.MAPPER.getFactory().createGenerator(buffered, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        gen.setRootValueSeparator(null); // each message writes its own trailing newline
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
    }

    // ---------------------------------------------------------------- messages

    public void writeSchema(String stream, ObjectNode schema, List<String> keyProperties,
                            List<String> bookmarkProperties) {
        try {
            gen.writeStartObject();
            gen.writeStringField("type", "SCHEMA");
            gen.writeStringField("stream", stream);
            gen.writeFieldName("schema");
            gen.writeTree(schema);
            writeStringArray("key_properties", keyProperties);
            if (bookmarkProperties != null && !bookmarkProperties.isEmpty()) {
                writeStringArray("bookmark_properties", bookmarkProperties);
            }
            endLine();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** A RECORD message; {@code timeExtractedIso} is {@link TimeExtracted}'s text, null to omit it. */
    public void writeRecord(String stream, ObjectNode record, String timeExtractedIso) {
        try {
            gen.writeStartObject();
            gen.writeFieldName(TYPE);
            gen.writeString(RECORD_TYPE);
            gen.writeFieldName(STREAM);
            gen.writeString(streamNames.computeIfAbsent(stream, SerializedString::new));
            gen.writeFieldName(RECORD);
            gen.writeTree(record);
            if (timeExtractedIso != null) {
                gen.writeFieldName(TIME_EXTRACTED);
                gen.writeString(timeExtractedIso);
            }
            endLine();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /**
     * A BATCH message in the Meltano SDK's format: the stream, the files' encoding ({@code format},
     * {@code compression}) and the {@code file://} URLs of finished files (README "BATCH messages").
     */
    public void writeBatch(String stream, String format, String compression, List<String> manifest) {
        try {
            gen.writeStartObject();
            gen.writeStringField("type", "BATCH");
            gen.writeStringField("stream", stream);
            gen.writeObjectFieldStart("encoding");
            gen.writeStringField("format", format);
            gen.writeStringField("compression", compression);
            gen.writeEndObject();
            writeStringArray("manifest", manifest);
            endLine();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    public void writeState(JsonNode value) {
        try {
            gen.writeStartObject();
            gen.writeStringField("type", "STATE");
            gen.writeFieldName("value");
            gen.writeTree(value);
            endLine();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    // ---------------------------------------------------------------- raw appends

    /**
     * Appends whole message lines rendered elsewhere (already newline-terminated). Messages written before are
     * flushed first, so the order on the output is the order of the calls.
     */
    private void appendRaw(InputStream in) {
        try {
            gen.flush();
            in.transferTo(buffered);
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /**
     * Appends a spool file's whole message lines. When the output is a file descriptor (real stdout, a file)
     * the bytes go kernel-to-kernel with {@link FileChannel#transferTo}.
     */
    public void appendFile(Path spool) {
        try (FileChannel src = FileChannel.open(spool, StandardOpenOption.READ)) {
            if (raw instanceof FileOutputStream fos) {
                gen.flush(); // also flushes our buffer down to the descriptor
                FileChannel dst = fos.getChannel();
                long size = src.size();
                long pos = 0;
                while (pos < size) {
                    long n = src.transferTo(pos, size - pos, dst);
                    if (n <= 0) { // should not happen on a readable regular file; fall back to copying
                        try (InputStream in = Files.newInputStream(spool)) {
                            in.skipNBytes(pos);
                            in.transferTo(buffered);
                        }
                        break;
                    }
                    pos += n;
                }
            } else {
                try (InputStream in = java.nio.channels.Channels.newInputStream(src)) {
                    appendRaw(in);
                }
            }
        } catch (IOException e) {
            throw failure(e);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void flush() {
        try {
            gen.flush();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /**
     * Flushes and closes the output. After the target closed the pipe there is nothing left to flush to, so
     * close then releases quietly instead of failing a second time.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (targetClosed) {
            try { raw.close(); } catch (IOException ignored) { /* the reader is gone already */ }
            return;
        }
        try {
            gen.close(); // flushes the buffer and closes the stream
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /**
     * Maps an I/O failure on the output to the exception the tap reports: {@link TargetClosedException} for a
     * reader that went away, {@link UncheckedIOException} otherwise.
     */
    public RuntimeException failure(IOException e) {
        if (isBrokenPipe(e)) {
            targetClosed = true;
            return new TargetClosedException(e);
        }
        return new UncheckedIOException(e);
    }

    static boolean isBrokenPipe(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null) continue;
            String lower = m.toLowerCase(Locale.ROOT);
            // Linux/macOS "Broken pipe"; Windows "The pipe is being closed" / "The pipe has been ended".
            if (lower.contains("broken pipe") || lower.contains("pipe is being closed")
                    || lower.contains("pipe has been ended")) {
                return true;
            }
        }
        return false;
    }

    private void writeStringArray(String field, List<String> values) throws IOException {
        gen.writeArrayFieldStart(field);
        if (values != null) for (String v : values) gen.writeString(v);
        gen.writeEndArray();
    }

    private void endLine() throws IOException {
        gen.writeEndObject();
        gen.writeRaw('\n');
    }
}
