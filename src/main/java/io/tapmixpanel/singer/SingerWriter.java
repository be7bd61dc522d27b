package io.tapmixpanel.singer;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Writes Singer messages (SCHEMA, RECORD, STATE, ACTIVATE_VERSION, BATCH), one JSON object per line, UTF-8, through one Jackson generator
 * into a buffer of whole messages. Each message ends with its own {@code \n} (rather than Jackson's root-value
 * separator, which would only be written before the <em>next</em> message), and the output only ever receives whole
 * messages: the buffer goes out up to the end of its last finished message, so a run that ends at any point (a
 * failure, a signal) leaves stdout on a whole line (docs/reliability.md "Reliability"), and spool files produced by other
 * writers can be appended as they are.
 *
 * <p>Not thread-safe: one writer thread. Parallel producers render whole message lines into spool files, and
 * the single stdout writer appends those spools in order with {@link #appendFile(FileChannel)}.
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
    private static final SerializableString VERSION = new SerializedString("version");

    private final WholeLineOutput out;
    private final Messages buffer = new Messages();
    private final JsonGenerator gen;
    private final Map<String, SerializableString> streamNames = new HashMap<>();
    /** The STATE in the buffer, not yet out. */
    private JsonNode pendingState;
    private boolean targetClosed;
    private boolean closed;

    /** Writes to {@code out}; a {@link WholeLineOutput} (the process's stdout) is written to directly. */
    public SingerWriter(OutputStream out) {
        this.out = out instanceof WholeLineOutput w ? w : new WholeLineOutput(out);
        try {
            this.gen = Json.MAPPER.getFactory().createGenerator(buffer, JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        gen.setRootValueSeparator(null); // each message writes its own trailing newline
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
        gen.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM); // a message ends in the buffer, not on stdout
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
        writeRecord(stream, record, timeExtractedIso, OptionalLong.empty());
    }

    /**
     * A RECORD message carrying the table version of a full-table stream (docs/activate-version.md "ACTIVATE_VERSION") as the
     * message's own {@code version} field, between {@code record} and {@code time_extracted} as singer-python
     * writes it; an empty {@code version} writes none.
     */
    public void writeRecord(String stream, ObjectNode record, String timeExtractedIso, OptionalLong version) {
        try {
            gen.writeStartObject();
            gen.writeFieldName(TYPE);
            gen.writeString(RECORD_TYPE);
            gen.writeFieldName(STREAM);
            gen.writeString(streamNames.computeIfAbsent(stream, SerializedString::new));
            gen.writeFieldName(RECORD);
            gen.writeTree(record);
            if (version.isPresent()) {
                gen.writeFieldName(VERSION);
                gen.writeNumber(version.getAsLong());
            }
            if (timeExtractedIso != null) {
                gen.writeFieldName(TIME_EXTRACTED);
                gen.writeString(timeExtractedIso);
            }
            endLine();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** {@code {"type":"ACTIVATE_VERSION","stream":...,"version":N}} (docs/activate-version.md "ACTIVATE_VERSION"). */
    public void writeActivateVersion(String stream, long version) {
        try {
            gen.writeStartObject();
            gen.writeStringField("type", "ACTIVATE_VERSION");
            gen.writeStringField("stream", stream);
            gen.writeNumberField("version", version);
            endLine();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /**
     * A BATCH message in the Meltano SDK's format: the stream, the files' encoding ({@code format},
     * {@code compression}) and the {@code file://} URLs of finished files (docs/batch.md "BATCH messages").
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
            pendingState = value;
            endLine();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    // ---------------------------------------------------------------- raw appends

    /**
     * Appends a spool's whole message lines, read from its start through the channel (the file may have no name
     * any more, docs/reliability.md "Reliability"). Messages written before are flushed first, so the order on the output is
     * the order of the calls. When the output is a file descriptor (real stdout, a file) the bytes go
     * kernel-to-kernel.
     */
    public void appendFile(FileChannel spool) {
        try {
            drain();
            out.transferLines(spool, spool.size());
        } catch (IOException e) {
            throw failure(e);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Sends every finished message to the output. */
    @Override
    public void flush() {
        try {
            drain();
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
            try { out.close(); } catch (IOException ignored) { /* the reader is gone already */ }
            return;
        }
        try {
            drain();
            out.close();
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Writes out the buffer's finished messages; a message still being written stays. */
    private void drain() throws IOException {
        if (buffer.committed == 0) return;
        out.write(buffer.bytes, 0, buffer.committed);
        buffer.sent();
        if (pendingState != null) {
            out.stateWritten(pendingState);
            pendingState = null;
        }
    }

    /**
     * Maps an I/O failure on the output to the exception the tap reports: {@link TargetClosedException} for a
     * reader that went away, {@link UncheckedIOException} otherwise.
     */
    public RuntimeException failure(IOException e) {
        // The process is being stopped (a signal, the target watch) and the stop reports it: stay silent.
        if (out.stopping()) WholeLineOutput.parkUntilTheProcessEnds();
        if (isBrokenPipe(e)) {
            targetClosed = true;
            out.markTargetClosed();
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
        gen.flush(); // into the buffer only (FLUSH_PASSED_TO_STREAM is off)
        buffer.committed = buffer.count;
        if (buffer.committed >= BUFFER_SIZE) drain();
    }

    /** The generator's output: bytes up to {@code committed} are whole messages, the rest one being written. */
    private static final class Messages extends OutputStream {
        byte[] bytes = new byte[BUFFER_SIZE + 8192];
        int count;
        int committed;

        @Override
        public void write(int b) {
            if (count == bytes.length) grow(1);
            bytes[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + len > bytes.length) grow(len);
            System.arraycopy(b, off, bytes, count, len);
            count += len;
        }

        private void grow(int len) {
            bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + len));
        }

        /** The finished messages went out; a message larger than the usual buffer gives its memory back. */
        void sent() {
            int rest = count - committed;
            if (bytes.length > 4 * BUFFER_SIZE && rest <= BUFFER_SIZE) {
                bytes = java.util.Arrays.copyOfRange(bytes, committed, committed + BUFFER_SIZE + 8192);
            } else {
                System.arraycopy(bytes, committed, bytes, 0, rest);
            }
            count = rest;
            committed = 0;
        }
    }
}
