package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tapmixpanel.config.BatchOptions;
import io.tapmixpanel.output.BatchFiles;
import io.tapmixpanel.output.Output;
import io.tapmixpanel.output.RecordLines;
import io.tapmixpanel.singer.SchemaGuard;
import io.tapmixpanel.singer.SingerWriter;
import io.tapmixpanel.singer.State;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Shapes one stream's records on their way to the {@link Output} (docs/streams.md "Streams" and docs/state.md "State"): drops deselected
 * properties, shapes values to their columns, lets the {@link SchemaGuard} widen what does not fit, and hands over a
 * new SCHEMA before any record that needs it. STATE goes through here too, so that a STATE is never ahead of the
 * records before it.
 *
 * <p>A full-table stream's emitter also carries its table version (docs/activate-version.md "ACTIVATE_VERSION"): ACTIVATE_VERSION goes
 * out before the first record and every record is stamped with the version; whoever ran the stream sends the closing
 * one with {@link #completeTableVersion()} only once the stream has read everything. Where the records end up, RECORD
 * lines or BATCH files (docs/batch.md "BATCH messages"), is the output's business.
 */
public final class RecordEmitter {
    private final String stream;
    private final Output out;
    private final SchemaGuard guard;
    private final List<String> keyProperties;
    private final List<String> bookmarkProperties;
    private final Set<String> deselected;
    private final Progress progress;
    private long schemaVersionWritten = -1;
    private long records;
    private OptionalLong tableVersion = OptionalLong.empty();
    private boolean versionOpened;

    /** Receives counts of records as they are produced (progress, metrics). */
    public interface Progress {
        void produced(long n);

        Progress NONE = n -> { };
    }

    public RecordEmitter(String stream, Output out, SchemaGuard guard, List<String> keyProperties,
                         List<String> bookmarkProperties, Set<String> deselected, Progress progress) {
        this.stream = stream;
        this.out = out;
        this.guard = guard;
        this.keyProperties = List.copyOf(keyProperties);
        this.bookmarkProperties = List.copyOf(bookmarkProperties);
        this.deselected = Set.copyOf(deselected);
        this.progress = progress;
    }

    /** Records as RECORD lines on {@code out}. */
    public RecordEmitter(String stream, SingerWriter out, SchemaGuard guard, List<String> keyProperties,
                         List<String> bookmarkProperties, Set<String> deselected, Progress progress) {
        this(stream, out, guard, keyProperties, bookmarkProperties, deselected, progress, Optional.empty());
    }

    /** With {@code batch}, records go to BATCH files announced on {@code out}, else RECORD lines on it. */
    public RecordEmitter(String stream, SingerWriter out, SchemaGuard guard, List<String> keyProperties,
                         List<String> bookmarkProperties, Set<String> deselected, Progress progress,
                         Optional<BatchOptions> batch) {
        this(stream, Output.of(out, batch), guard, keyProperties, bookmarkProperties, deselected, progress);
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
        out.activateVersion(stream, tableVersion.getAsLong());
        out.flush();
    }

    /** Where the records go; export renderers frame their lines for it and, for BATCH files, write into it. */
    public Output output() { return out; }

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
            out.schema(stream, s.schema(), keyProperties, bookmarkProperties);
            schemaVersionWritten = s.version();
        }
    }

    /** Emits one record built as a tree (every stream but export). */
    public void emit(ObjectNode record) {
        prepare(record);
        ensureSchema();
        openTableVersion();
        out.record(stream, record, tableVersion);
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
        for (ObjectNode record : batch) out.record(stream, record, tableVersion);
        records += batch.size();
        progress.produced(batch.size());
    }

    /**
     * The opening ACTIVATE_VERSION goes right before the first record rather than when the stream starts, so that a
     * stream skipped at its first call (a 402, a 404) sends none.
     */
    private void openTableVersion() {
        if (versionOpened || tableVersion.isEmpty()) return;
        out.activateVersion(stream, tableVersion.getAsLong());
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
        if (!(out instanceof RecordLines lines)) {
            throw new IllegalStateException(stream + ": records go to BATCH files, not RECORD lines");
        }
        lines.appendLines(spool);
        records += recordCount;
    }

    /**
     * Announces BATCH files written elsewhere (export renderers), complete and on disk under their {@code .part}
     * names, holding {@code recordCount} records: each renamed, then named by its own BATCH message, flushed; as
     * with spools, the latest SCHEMA covers every record in them.
     */
    public void announceBatch(List<Path> files, long recordCount) {
        if (files.isEmpty()) return;
        ensureSchema();
        if (!(out instanceof BatchFiles batch)) {
            throw new IllegalStateException(stream + ": records go to RECORD lines, not BATCH files");
        }
        batch.announce(stream, files);
        records += recordCount;
    }

    /**
     * The end of the stream's sync: the records not yet announced are announced, or, after a failure, dropped (no
     * STATE covers them: the next run reads them again).
     */
    public void endStream(boolean succeeded) {
        out.endStream(stream, succeeded);
    }

    /** Writes STATE and flushes, after the records it covers. */
    public void checkpoint(State state) {
        out.state(state.toJson());
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
