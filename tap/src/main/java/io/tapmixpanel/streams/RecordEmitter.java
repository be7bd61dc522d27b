package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tapmixpanel.singer.SchemaGuard;
import io.tapmixpanel.singer.SingerWriter;
import io.tapmixpanel.singer.State;
import io.tapmixpanel.singer.TimeExtracted;

import java.nio.channels.FileChannel;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where one stream's records go out (README "Streams" and "State"): drops deselected properties, shapes values to their
 * columns, lets the {@link SchemaGuard} widen what does not fit, and writes a new SCHEMA before any record that
 * needs it. Also writes STATE, flushed, so that a STATE on stdout is never ahead of the records before it.
 */
public final class RecordEmitter {
    private final String stream;
    private final SingerWriter out;
    private final SchemaGuard guard;
    private final List<String> keyProperties;
    private final List<String> bookmarkProperties;
    private final Set<String> deselected;
    private final Progress progress;
    private long schemaVersionWritten = -1;
    private long records;

    /** Receives counts of records as they are produced (progress, metrics). */
    public interface Progress {
        void produced(long n);

        Progress NONE = n -> { };
    }

    public RecordEmitter(String stream, SingerWriter out, SchemaGuard guard, List<String> keyProperties,
                         List<String> bookmarkProperties, Set<String> deselected, Progress progress) {
        this.stream = stream;
        this.out = out;
        this.guard = guard;
        this.keyProperties = List.copyOf(keyProperties);
        this.bookmarkProperties = List.copyOf(bookmarkProperties);
        this.deselected = Set.copyOf(deselected);
        this.progress = progress;
    }

    public String stream() { return stream; }

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
        out.writeRecord(stream, record, TimeExtracted.now());
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
        for (ObjectNode record : batch) out.writeRecord(stream, record, TimeExtracted.now());
        records += batch.size();
        progress.produced(batch.size());
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
        ensureSchema();
        out.appendFile(spool);
        records += recordCount;
    }

    /** Writes STATE and flushes, after the records it covers. */
    public void checkpoint(State state) {
        out.writeState(state.toJson());
        out.flush();
    }

    /**
     * README "Values and types": a non-string value in a string column is written as its JSON text ({@code true},
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
