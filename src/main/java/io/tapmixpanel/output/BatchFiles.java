package io.tapmixpanel.output;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.BatchOptions;
import io.tapmixpanel.singer.SingerWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Records in BATCH files (docs/batch.md "BATCH messages"): JSON Lines of bare records in batch_config's folder, each file
 * named by a BATCH message on stdout once it is complete and on disk. A stream's file is finished and announced when
 * it holds batch_size records, at the end of the stream and before every STATE, so that a STATE never covers records
 * a target has not been told about. Export windows write their own files on the renderers' threads
 * ({@link #openWindow}), which are announced in window order with {@link #announce}. Records carry no table
 * version: a BATCH file has no place for one.
 *
 * <p>One file at a time gets its final name, and its own BATCH message is on stdout (flushed) before the next one is
 * renamed: a run killed at any point leaves at most one whole-named file that no message names (docs/batch.md
 * "BATCH messages"). Renaming a window's files first and naming them all in one message, flushed only with the
 * STATE after it, left as many as the window had when a kill landed in between.
 */
public final class BatchFiles implements Output {
    /** Writes the files' lines; not flushing after each tree (the file is buffered). */
    private static final JsonFactory LINES = new ObjectMapper()
            .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE).getFactory();
    private static final byte[] HEAD = {'{'};
    private static final byte[] TAIL = {'\n'};

    private final SingerWriter out;
    private final BatchOptions options;
    /** The file each stream is writing, by stream: one at a time in practice, as streams sync one after another. */
    private final Map<String, LineFile> open = new LinkedHashMap<>();

    public BatchFiles(SingerWriter out, BatchOptions options) {
        this.out = out;
        this.options = options;
    }

    /** The most records one file holds (batch_size). */
    public int batchSize() { return options.batchSize(); }

    @Override
    public void schema(String stream, ObjectNode schema, List<String> keyProperties, List<String> bookmarkProperties) {
        out.writeSchema(stream, schema, keyProperties, bookmarkProperties);
    }

    @Override
    public void activateVersion(String stream, long version) {
        out.writeActivateVersion(stream, version);
    }

    /** One line of the stream's current file; a full file is finished and announced. {@code tableVersion} is not kept. */
    @Override
    public void record(String stream, ObjectNode record, OptionalLong tableVersion) {
        LineFile f = open.get(stream);
        if (f == null) {
            f = new LineFile(BatchFile.open(options, stream));
            open.put(stream, f);
        }
        f.write(record);
        if (f.lines == options.batchSize()) finish(stream);
    }

    /**
     * Announces finished files written elsewhere (an export window's, {@link #openWindow}), still under their
     * {@code .part} names, in order, each as {@link #publish} does.
     */
    public void announce(String stream, List<Path> parts) {
        for (Path part : parts) publish(stream, part);
    }

    @Override
    public void endStream(String stream, boolean succeeded) {
        if (succeeded) {
            finish(stream);
            return;
        }
        LineFile f = open.remove(stream);
        if (f != null) f.file.delete();
    }

    /** Finishes and announces every open file first. */
    @Override
    public void state(JsonNode value) {
        for (String stream : List.copyOf(open.keySet())) finish(stream);
        out.writeState(value);
    }

    @Override
    public void flush() {
        out.flush();
    }

    /** A bare record: its own opening brace. */
    @Override
    public byte[] recordHead(String stream) { return HEAD.clone(); }

    /** A newline: no message to close, no time_extracted. */
    @Override
    public byte[] recordTail() { return TAIL.clone(); }

    /**
     * Starts an export window's files, written on the renderer's thread ahead of the window's turn: only the window
     * knows when its records fill a file ({@link Window#next}).
     */
    public Window openWindow(String stream) {
        return new Window(options, stream);
    }

    /** Completes the stream's open file (fsynced), then renames and announces it. */
    private void finish(String stream) {
        LineFile f = open.remove(stream);
        if (f == null) return;
        publish(stream, f.finish());
    }

    /**
     * Gives one finished file its final name and sends its own BATCH message to stdout at once (with whatever was
     * written before it), so that no second file is renamed while this one's message still waits in the buffer.
     */
    private void publish(String stream, Path part) {
        out.writeBatch(stream, "jsonl", options.compression(), List.of(BatchFile.publish(part)));
        out.flush();
    }

    /** A stream's file being written a record tree at a time. */
    private static final class LineFile {
        final BatchFile file;
        final OutputStream buffered;
        final JsonGenerator gen;
        long lines;

        LineFile(BatchFile file) {
            this.file = file;
            this.buffered = new BufferedOutputStream(file.out(), 1 << 16);
            try {
                this.gen = LINES.createGenerator(buffered, JsonEncoding.UTF8);
            } catch (IOException e) {
                file.delete();
                throw problem(e);
            }
            gen.setRootValueSeparator(null);
            gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        }

        void write(ObjectNode record) {
            try {
                gen.writeTree(record);
                gen.writeRaw('\n');
            } catch (IOException e) {
                throw problem(e);
            }
            lines++;
        }

        /** The file complete, still under its {@code .part} name. */
        Path finish() {
            try {
                gen.close();
                buffered.flush();
            } catch (IOException e) {
                file.delete();
                throw problem(e);
            }
            return file.finish();
        }

        private static UncheckedIOException problem(IOException e) {
            return new UncheckedIOException("cannot write BATCH file (batch_config.storage.root): " + e.getMessage(), e);
        }
    }

    /**
     * One export window's files, each of at most batch_size records, written on one renderer thread: bytes go to the
     * current file, {@link #next} completes it and starts the next, {@link #finish} hands over the completed
     * {@code .part} files in order for {@link #announce}. Not thread-safe: one renderer.
     */
    public static final class Window {
        private final BatchOptions options;
        private final String stream;
        private BatchFile current;
        private final List<Path> finished = new ArrayList<>();

        private Window(BatchOptions options, String stream) {
            this.options = options;
            this.stream = stream;
            this.current = BatchFile.open(options, stream);
        }

        /** Bytes of whole or partial lines into the current file. */
        public void write(byte[] b, int off, int len) throws IOException {
            current.out().write(b, off, len);
        }

        /** Between two records: completes the current file (fsynced) and starts the next one. */
        public void next() {
            finished.add(current.finish());
            current = BatchFile.open(options, stream);
        }

        /**
         * Completes the last file, or deletes it when {@code lastIsEmpty}; the window's files, in order, now belong
         * to the caller. On a failure every file is deleted.
         */
        public List<Path> finish(boolean lastIsEmpty) {
            BatchFile last = current;
            current = null;
            if (lastIsEmpty) {
                last.delete();
            } else {
                try {
                    finished.add(last.finish()); // deletes itself when it fails
                } catch (RuntimeException e) {
                    delete();
                    throw e;
                }
            }
            List<Path> files = List.copyOf(finished);
            finished.clear();
            return files;
        }

        /** Deletes every file of the window: none was named by a BATCH message, so no target reads them. */
        public void delete() {
            if (current != null) current.delete();
            current = null;
            for (Path p : finished) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a .part left behind is named as such
                }
            }
            finished.clear();
        }
    }
}
