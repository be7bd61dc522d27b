package io.tapmixpanel.streams;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tapmixpanel.config.BatchOptions;
import io.tapmixpanel.singer.SchemaGuard;
import io.tapmixpanel.singer.SingerWriter;
import io.tapmixpanel.singer.State;
import io.tapmixpanel.singer.TimeExtracted;


import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Where one stream's records go out (docs/streams.md "Streams" and docs/state.md "State"): drops deselected properties, shapes values to their
 * columns, lets the {@link SchemaGuard} widen what does not fit, and writes a new SCHEMA before any record that
 * needs it. Also writes STATE, flushed, so that a STATE on stdout is never ahead of the records before it.
 *
 * <p>A full-table stream's emitter also carries its table version (docs/activate-version.md "ACTIVATE_VERSION"): it writes
 * ACTIVATE_VERSION before the first record and stamps every record with the version; whoever ran the stream
 * writes the closing one with {@link #completeTableVersion()} only once the stream has read everything. With
 * batch_config, records go to BATCH files instead (docs/batch.md "BATCH messages"): a file is finished and announced when
 * it holds batch_size records and before every STATE.
 */
public final class RecordEmitter {
    /** Writes BATCH files' lines; not flushing after each tree (the file is buffered). */
    private static final com.fasterxml.jackson.core.JsonFactory LINES = new ObjectMapper()
            .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE).getFactory();

    private final String stream;
    private final SingerWriter out;
    private final SchemaGuard guard;
    private final List<String> keyProperties;
    private final List<String> bookmarkProperties;
    private final Set<String> deselected;
    private final Progress progress;
    private long schemaVersionWritten = -1;
    private long records;
    private OptionalLong tableVersion = OptionalLong.empty();
    private boolean versionOpened;
    /** Set when records go to BATCH files (docs/batch.md "BATCH messages"), else null. */
    private final BatchOptions batch;
    private BatchFile batchFile;
    private OutputStream batchOut;
    private JsonGenerator batchGen;
    private long inBatchFile;

    /** Receives counts of records as they are produced (progress, metrics). */
    public interface Progress {
        void produced(long n);

        Progress NONE = n -> { };
    }

    public RecordEmitter(String stream, SingerWriter out, SchemaGuard guard, List<String> keyProperties,
                         List<String> bookmarkProperties, Set<String> deselected, Progress progress) {
        this(stream, out, guard, keyProperties, bookmarkProperties, deselected, progress, Optional.empty());
    }

    /** With {@code batch}, records go to BATCH files of at most batch_size records instead of RECORD messages. */
    public RecordEmitter(String stream, SingerWriter out, SchemaGuard guard, List<String> keyProperties,
                         List<String> bookmarkProperties, Set<String> deselected, Progress progress,
                         Optional<BatchOptions> batch) {
        this.batch = batch.orElse(null);
        this.stream = stream;
        this.out = out;
        this.guard = guard;
        this.keyProperties = List.copyOf(keyProperties);
        this.bookmarkProperties = List.copyOf(bookmarkProperties);
        this.deselected = Set.copyOf(deselected);
        this.progress = progress;
    }

    public String stream() { return stream; }

    /**
     * Makes this a full-table stream written as table version {@code version} (docs/activate-version.md "ACTIVATE_VERSION"), before
     * any record is emitted.
     */
    public RecordEmitter tableVersion(long version) {
        if (records > 0) throw new IllegalStateException(stream + ": table version set after records were written");
        this.tableVersion = OptionalLong.of(version);
        return this;
    }

    /** The table version every record carries; empty when the stream has none. */
    public OptionalLong tableVersion() { return tableVersion; }

    /**
     * The closing ACTIVATE_VERSION, flushed, once the stream read every row: a target may then remove rows of older
     * versions, so this must never follow a stream that failed or was skipped part-way. A stream that read no row
     * at all still sends it: the table is now empty. Nothing when the stream has no table version.
     */
    public void completeTableVersion() {
        if (tableVersion.isEmpty()) return;
        ensureSchema();
        out.writeActivateVersion(stream, tableVersion.getAsLong());
        out.flush();
    }

    public SchemaGuard guard() { return guard; }

    public Set<String> deselected() { return deselected; }

    public long records() { return records; }

    /** Counts records produced elsewhere (export renderers) for the progress log; may be negative on a discard. */
    public void produced(long n) { progress.produced(n); }

    /** Writes the SCHEMA if none was written yet or the guard widened it since. */
    public void ensureSchema() {
        long v = guard.version();
        if (v != schemaVersionWritten) {
            SchemaGuard.Versioned s = guard.versioned();
            out.writeSchema(stream, s.schema(), keyProperties, bookmarkProperties);
            schemaVersionWritten = s.version();
        }
    }

    /** Emits one record built as a tree (every stream but export). */
    public void emit(ObjectNode record) {
        prepare(record);
        ensureSchema();
        openTableVersion();
        if (batch != null) toBatch(record);
        else out.writeRecord(stream, record, TimeExtracted.now(), tableVersion);
        records++;
        progress.produced(1);
    }

    /**
     * Emits a batch of records (one engage page) with at most one new SCHEMA before them: every record is admitted
     * first, then written. Widening only admits more, so each record fits the schema as it is once all are admitted,
     * and the SCHEMA count follows batches, not records with new properties.
     */
    public void emitAll(List<ObjectNode> batch) {
        for (ObjectNode record : batch) prepare(record);
        if (batch.isEmpty()) return;
        ensureSchema();
        openTableVersion();
        if (this.batch != null) for (ObjectNode record : batch) toBatch(record);
        else for (ObjectNode record : batch) out.writeRecord(stream, record, TimeExtracted.now(), tableVersion);
        records += batch.size();
        progress.produced(batch.size());
    }

    /**
     * The opening ACTIVATE_VERSION goes right before the first record rather than when the stream starts, so that a
     * stream skipped at its first call (a 402, a 404) sends none.
     */
    private void openTableVersion() {
        if (versionOpened || tableVersion.isEmpty()) return;
        out.writeActivateVersion(stream, tableVersion.getAsLong());
        versionOpened = true;
    }

    private void prepare(ObjectNode record) {
        if (!deselected.isEmpty()) record.remove(deselected);
        guard.dropUndeclared(record);
        fitToStringColumns(record);
        guard.admit(record);
    }

    /**
     * Appends records rendered elsewhere (export spools). Every widening those records relied on happened before
     * the spool was complete, so the latest SCHEMA written first covers them all.
     */
    public void appendSpool(FileChannel spool, long recordCount) {
        // Spooled lines were rendered without a version field: a full-table stream must emit its records here.
        if (tableVersion.isPresent()) throw new IllegalStateException(stream + ": spooled records carry no table version");
        ensureSchema();
        out.appendFile(spool);
        records += recordCount;
    }

    /**
     * Announces BATCH files written elsewhere (export renderers), complete and on disk under their {@code .part}
     * names, holding {@code recordCount} records: renamed, then named by one BATCH message; as with spools, the
     * latest SCHEMA covers every record in them.
     */
    public void announceBatch(List<Path> files, long recordCount) {
        if (files.isEmpty()) return;
        ensureSchema();
        List<String> manifest = new java.util.ArrayList<>(files.size());
        for (Path f : files) manifest.add(BatchFile.publish(f));
        out.writeBatch(stream, "jsonl", batch.compression(), manifest);
        records += recordCount;
    }

    /** One record as one line of the current BATCH file; a full file is finished and announced. */
    private void toBatch(ObjectNode record) {
        try {
            if (batchFile == null) {
                batchFile = BatchFile.open(batch, stream);
                batchOut = new BufferedOutputStream(batchFile.out(), 1 << 16);
                batchGen = LINES.createGenerator(batchOut, JsonEncoding.UTF8);
                batchGen.setRootValueSeparator(null);
                batchGen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            }
            batchGen.writeTree(record);
            batchGen.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write BATCH file (batch_config.storage.root): " + e.getMessage(), e);
        }
        if (++inBatchFile == batch.batchSize()) finishBatchFile();
    }

    /**
     * Completes the current BATCH file (fsynced) and writes its BATCH message: before every STATE, so that a STATE
     * never covers records a target has not been told about (docs/batch.md "BATCH messages").
     */
    private void finishBatchFile() {
        if (batchFile == null) return;
        BatchFile f = batchFile;
        batchFile = null;
        inBatchFile = 0;
        String url;
        try {
            batchGen.close();
            batchOut.flush();
        } catch (IOException e) {
            f.delete();
            throw new UncheckedIOException("cannot write BATCH file (batch_config.storage.root): " + e.getMessage(), e);
        }
        url = BatchFile.publish(f.finish());
        ensureSchema();
        out.writeBatch(stream, "jsonl", batch.compression(), List.of(url));
    }

    /**
     * The end of the stream's sync: a BATCH message for the records not yet announced, or, after a failure, the
     * unfinished file deleted (no STATE covers its records: the next run reads them again).
     */
    public void endStream(boolean succeeded) {
        if (batchFile == null) return;
        if (succeeded) {
            finishBatchFile();
        } else {
            batchFile.delete();
            batchFile = null;
            inBatchFile = 0;
        }
    }

    /** Writes STATE and flushes, after the records it covers. */
    public void checkpoint(State state) {
        finishBatchFile();
        out.writeState(state.toJson());
        out.flush();
    }

    /**
     * docs/streams.md "Values and types": a non-string value in a string column is written as its JSON text ({@code true},
     * {@code ["a","b"]}), never a language's own repr. Columns that do not take strings are widened instead.
     */
    void fitToStringColumns(ObjectNode record) {
        for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull() || v.isTextual() || !guard.isDeclared(e.getKey())) continue;
            int bit = SchemaGuard.typeBitOf(v);
            if (!guard.fits(e.getKey(), bit) && guard.fits(e.getKey(), SchemaGuard.STRING)) {
                e.setValue(TextNode.valueOf(v.toString()));
            }
        }
    }
}
