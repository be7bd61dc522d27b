package io.tapmixpanel.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.BatchOptions;
import io.tapmixpanel.singer.SingerWriter;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a sync's Singer messages go: records as RECORD lines on stdout ({@link RecordLines}), or, with batch_config,
 * in BATCH files that BATCH messages on stdout announce ({@link BatchFiles}, docs/batch.md "BATCH messages"). SCHEMA,
 * ACTIVATE_VERSION and STATE are messages on stdout either way, in order with the records they concern: a STATE is
 * never ahead of the records it covers. What a stream's records look like (schema, deselected properties, table
 * version) is decided before they get here.
 *
 * <p>Records are handed over one by one as trees, or, on the export hot path, rendered elsewhere as bytes, framed
 * with {@link #recordHead} and {@link #recordTail}, and handed over a whole window at a time (each implementation
 * has its own way: see there). Not thread-safe: the sync thread writes; renderers on other threads only ask for
 * the framing and, for BATCH files, open their window's files.
 */
public sealed interface Output permits RecordLines, BatchFiles {

    /** RECORD lines on {@code out}, or BATCH files announced on {@code out} with {@code batch}. */
    static Output of(SingerWriter out, Optional<BatchOptions> batch) {
        return batch.<Output>map(b -> new BatchFiles(out, b)).orElseGet(() -> new RecordLines(out));
    }

    /** A SCHEMA message; {@code bookmarkProperties} empty writes none. */
    void schema(String stream, ObjectNode schema, List<String> keyProperties, List<String> bookmarkProperties);

    /** An ACTIVATE_VERSION message (docs/activate-version.md "ACTIVATE_VERSION"), not flushed. */
    void activateVersion(String stream, long version);

    /** One record; {@code tableVersion} is the version a full-table stream's records carry, else empty. */
    void record(String stream, ObjectNode record, OptionalLong tableVersion);

    /**
     * The end of a stream's records: what is still unannounced is announced when it {@code succeeded}, else dropped
     * (no STATE covers it: the next run reads it again).
     */
    void endStream(String stream, boolean succeeded);

    /**
     * A STATE message after everything written before it; not flushed, so that the caller says when it must be on
     * stdout (a checkpoint) and when it may wait for what follows (the STATE a stream starts with).
     */
    void state(JsonNode value);

    /** Sends every finished message to stdout. */
    void flush();

    /** How a record rendered as bytes starts its line, through the record's own opening brace. */
    byte[] recordHead(String stream);

    /**
     * What follows a rendered record's closing brace, through the end of its line; asked again now and then by a
     * renderer, since a RECORD line's {@code time_extracted} moves on.
     */
    byte[] recordTail();
}
