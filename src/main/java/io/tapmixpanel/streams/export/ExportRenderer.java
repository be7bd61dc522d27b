package io.tapmixpanel.streams.export;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.export.ExportConsumer;
import io.tapmixpanel.mixpanel.export.ExportEvent;
import io.tapmixpanel.mixpanel.export.ExportSyntaxException;
import io.tapmixpanel.output.BatchFiles;
import io.tapmixpanel.output.Output;
import io.tapmixpanel.singer.SchemaGuard;
import io.tapmixpanel.streams.RecordEmitter;
import io.tapmixpanel.streams.Rfc3339;
import io.tapmixpanel.streams.export.ExportColumns.Column;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The export hot path: turns the events of one export window, as the client's byte scanner validated them, into
 * finished Singer RECORD lines in a spool file, byte to byte (docs/streams.md "Streams" and docs/performance.md "Performance"): value bytes are
 * copied verbatim, with no UTF-8 decoding, no per-value object, no per-event tree or string. Each event becomes
 * {@code {"event": ..., <renamed properties>..., "time": "<RFC 3339 UTC>"}}. This class is the per-event loop;
 * its parts are the interned columns ({@link ExportColumns}), the fitting of values to their column's schema
 * ({@link ExportFit}) and the output buffer and spool file ({@link ExportSpool}). The spool is appended to stdout
 * only once the window has been read whole, so a window cut short and fetched again is emitted exactly once. Not
 * thread-safe: one renderer per window.
 */
final class ExportRenderer implements ExportConsumer {
    private static final String STREAM = "export";
    private static final int TIME_EXTRACTED_EVERY = 16_384;
    /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the {@code time}s an RFC 3339 year can hold. */
    private static final long MIN_SECONDS = -62_135_596_800L, MAX_SECONDS = 253_402_300_799L;
    private static final long MIN_MILLIS = MIN_SECONDS * 1000, MAX_MILLIS = MAX_SECONDS * 1000 + 999;

    /**
     * {@code time} as discovery declares it (schemas/export.json), for a catalog that leaves it out: every record
     * has it (the replication key is automatic, docs/streams.md "Streams"), so the schema must declare it even under
     * {@code additionalProperties: false}.
     */
    private static final ObjectNode TIME_SCHEMA = JsonNodeFactory.instance.objectNode()
            .<ObjectNode>set("type", JsonNodeFactory.instance.arrayNode().add("null").add("string")).put("format", "date-time");
    /** The raw properties column, declared like time when export_raw_properties is on: any object. */
    static final String RAW_PROPERTIES = "properties";
    static final ObjectNode RAW_PROPERTIES_SCHEMA = JsonNodeFactory.instance.objectNode()
            .set("type", JsonNodeFactory.instance.arrayNode().add("null").add("object"));

    /**
     * A window read whole: its spool of RECORD lines, how many, the latest event time (UTC ms), the latest plausible
     * {@code mp_processing_time_ms} (Long.MIN_VALUE when none was seen or none was looked for), and how many events
     * the watermark filter skipped. With batch_config, {@code spool} is null and {@code batchFiles} holds the
     * window's finished BATCH files in order (else it is empty).
     */
    record Rendered(ExportSpool.Spool spool, List<Path> batchFiles, long records, long maxTimeMillis,
                    long maxProcessingMillis, long skipped) {}

    private final SchemaGuard guard;
    private final LegacyTimeConverter legacy;
    private final LongConsumer progress;
    private final ExportColumns columns;
    private final Column eventColumn = ExportColumns.event();
    /** Where the records go: it frames their lines. */
    private final Output output;
    private final ExportSpool out;
    private final ExportFit fit;
    private final Rfc3339 rfc3339 = new Rfc3339();
    /** export_raw_properties: each event's properties object as sent (docs/streams.md "Streams"); null when off. */
    private final Column rawProperties;
    /** Events of re-read days that an earlier run wrote (docs/state.md "Export across runs"); null: write every event. */
    private final ExportWatermark.Filter skip;
    /** Whether processing times are read (for the next watermark), not only for the legacy conversion. */
    private final boolean trackProcessing;
    /** The column of each field of the event being rendered (reused: no per-event allocation). */
    private Column[] fieldColumns = new Column[64];

    /** What each line starts with: a RECORD message's head, or a bare record's brace in BATCH files; what follows. */
    private final byte[] prefix;
    /** The most records a BATCH file holds; Long.MAX_VALUE without batch_config (one spool a window). */
    private final long perFile;
    private long inFile;
    private long records;
    private long skipped;
    private long maxProcessing;
    private long maxTime;
    private long unreported;
    private byte[] suffix;

    /**
     * How a renderer renders: {@link #of} with the defaults (every property selected, {@code time} as UTC, no progress
     * reported, no watermark, no raw properties), then the {@code with} methods for the rest.
     *
     * @param guard           the export stream's schema guard, which the renderer widens
     * @param output          where the records go: the lines are framed for it, and with BATCH files written into it
     * @param spoolDir        the folder of the spool files of RECORD lines (docs/performance.md "Performance")
     * @param deselected      the properties left out (docs/streams.md "Streams")
     * @param legacyZone      the project's timezone when export_time_in_project_timezone, to convert {@code time}
     * @param progress        receives counts of records rendered (negative when an attempt is discarded)
     * @param trackProcessing whether processing times are read for the next watermark (docs/state.md "Export across runs")
     * @param skip            the events of re-read days an earlier run wrote, to skip; empty: write every event
     * @param rawProperties   export_raw_properties: each event's properties object as sent, as one more column
     */
    record Options(SchemaGuard guard, Output output, Path spoolDir, Set<String> deselected, Optional<ZoneId> legacyZone,
                   LongConsumer progress, boolean trackProcessing, Optional<ExportWatermark.Filter> skip,
                   boolean rawProperties) {
        Options {
            deselected = Set.copyOf(deselected);
        }

        static Options of(SchemaGuard guard, Output output, Path spoolDir) {
            return new Options(guard, output, spoolDir, Set.of(), Optional.empty(), n -> { }, false, Optional.empty(), false);
        }

        /** As the export stream's emitter has it: its guard, output, deselected properties and progress. */
        static Options of(RecordEmitter emitter, Path spoolDir) {
            return of(emitter.guard(), emitter.output(), spoolDir).withDeselected(emitter.deselected())
                    .withProgress(emitter::produced);
        }

        Options withDeselected(Set<String> d) {
            return new Options(guard, output, spoolDir, d, legacyZone, progress, trackProcessing, skip, rawProperties);
        }

        Options withLegacyZone(Optional<ZoneId> z) {
            return new Options(guard, output, spoolDir, deselected, z, progress, trackProcessing, skip, rawProperties);
        }

        Options withProgress(LongConsumer p) {
            return new Options(guard, output, spoolDir, deselected, legacyZone, p, trackProcessing, skip, rawProperties);
        }

        /** Processing times read when {@code track}, and events skipped by {@code filter}, if any. */
        Options withWatermark(boolean track, Optional<ExportWatermark.Filter> filter) {
            return new Options(guard, output, spoolDir, deselected, legacyZone, progress, track, filter, rawProperties);
        }

        Options withRawProperties(boolean raw) {
            return new Options(guard, output, spoolDir, deselected, legacyZone, progress, trackProcessing, skip, raw);
        }
    }

    ExportRenderer(Options options) {
        this.guard = options.guard();
        this.output = options.output();
        this.skip = options.skip().orElse(null);
        this.trackProcessing = options.trackProcessing() || skip != null;
        guard.declare("time", TIME_SCHEMA);
        boolean raw = options.rawProperties();
        if (raw) guard.declare(RAW_PROPERTIES, RAW_PROPERTIES_SCHEMA);
        this.rawProperties = raw ? ExportColumns.added(RAW_PROPERTIES, options.deselected().contains(RAW_PROPERTIES)) : null;
        this.legacy = options.legacyZone().map(LegacyTimeConverter::new).orElse(null);
        this.progress = options.progress();
        this.columns = new ExportColumns(options.deselected());
        this.prefix = output.recordHead(STREAM);
        // RECORD lines wait whole in a spool file; BATCH files are written in place, batch_size records each
        if (output instanceof BatchFiles files) {
            this.out = new ExportSpool(files, STREAM);
            this.perFile = files.batchSize();
        } else {
            this.out = new ExportSpool(options.spoolDir());
            this.perFile = Long.MAX_VALUE;
        }
        this.fit = new ExportFit(guard, out);
    }

    @Override
    public void beginAttempt(int attempt) {
        out.open();
        inFile = 0;
        records = 0;
        skipped = 0;
        maxProcessing = Long.MIN_VALUE;
        maxTime = Long.MIN_VALUE;
        refreshTimeExtracted();
    }

    @Override
    public void discardAttempt(String reason) {
        progress.accept(-(records - unreported));
        unreported = 0;
        records = 0;
        inFile = 0;
        out.delete();
    }

    /** Ends a window read whole; the spool now belongs to the caller. */
    Rendered finish() {
        ExportSpool.Spool spool = null;
        List<Path> files = List.of();
        if (perFile == Long.MAX_VALUE) spool = out.close();
        else files = out.closeBatch(inFile == 0);
        progress.accept(unreported);
        unreported = 0;
        return new Rendered(spool, files, records, maxTime, maxProcessing, skipped);
    }

    /** Removes whatever this renderer still holds (after a failure). */
    void abandon() { out.delete(); }

    /** A RECORD line's time_extracted moves on; BATCH files hold bare records, with none (docs/batch.md "BATCH messages"). */
    private void refreshTimeExtracted() {
        suffix = output.recordTail();
    }

    /**
     * One event as one RECORD line. Two passes over its fields: the first finds each field's column and marks the
     * column's last field, the second writes only that one, so that a name given twice, in one spelling or two
     * ({@code "a"}, {@code "\\u0061"}), is one key holding its last value (docs/streams.md "Streams"), with no per-event set.
     */
    @Override
    public void onEvent(ExportEvent e) throws IOException {
        long version = guard.version();
        long time = Long.MIN_VALUE;
        long processing = Long.MIN_VALUE;
        int timeAt = -1;
        boolean first = true;
        byte[] b = e.buf();
        int size = e.size();
        Column[] cs = fieldColumns;
        if (cs.length < size) cs = fieldColumns = new Column[Math.max(size, 2 * cs.length)];
        for (int i = 0; i < size; i++) {
            Column c = (e.flags(i) & ExportEvent.TOP_EVENT) != 0 ? eventColumn : columns.find(b, e.nameStart(i), e.nameEnd(i), e.flags(i));
            c.last = i;
            cs[i] = c;
        }
        ExportSpool o = out;
        if (inFile == perFile) {
            o.nextFile();
            inFile = 0;
        }
        if (skip != null) o.startRecord();
        o.ensure(prefix.length);
        o.put(prefix);
        Column timeColumn = null;
        for (int i = 0; i < size; i++) {
            Column c = cs[i];
            if (c.last != i) continue; // a later field has the same name: the last one wins
            int type = e.type(i);
            if (c.time && (type == ExportEvent.INTEGER || type == ExportEvent.NUMBER)) {
                time = timeMillis(b, e.valueStart(i), e.valueEnd(i), type, e);
                timeAt = i;
                timeColumn = c;
                continue;
            }
            // read for the legacy conversion and the watermark only; any integer is just a value (never a malformed line)
            if (c.processing && type == ExportEvent.INTEGER && (legacy != null || trackProcessing)) {
                processing = longOrMin(b, e.valueStart(i), e.valueEnd(i));
            }
            if (fit.write(c, type, e.flags(i), b, e.valueStart(i), e.valueEnd(i), version, first)) first = false;
        }
        if (rawProperties != null && e.propertiesStart() >= 0 && fit.write(rawProperties, ExportEvent.OBJECT,
                e.propertiesFlags(), b, e.propertiesStart(), e.propertiesEnd(), version, first)) {
            first = false;
        }
        if (timeAt >= 0) {
            long utc = legacy == null ? time : legacy.toUtcMillis(time, processing);
            if (utc < MIN_MILLIS || utc > MAX_MILLIS) {
                throw outOfRange(b, e.valueStart(timeAt), e.valueEnd(timeAt), e, legacy == null ? "" : " once converted to UTC");
            }
            if (processing >= ExportWatermark.PLAUSIBLE_FROM && processing > maxProcessing) maxProcessing = processing;
            if (skip != null && skip.skips(utc, processing)) {
                o.dropRecord();
                skipped++;
                return;
            }
            if (utc > maxTime) maxTime = utc;
            fit.writeTime(timeColumn, version, first, rfc3339.chars(), rfc3339.format(utc));
        }
        o.ensure(suffix.length + 1);
        o.put((byte) '}');
        o.put(suffix);
        records++;
        inFile++;
        if (++unreported == TIME_EXTRACTED_EVERY) {
            progress.accept(unreported);
            unreported = 0;
            refreshTimeExtracted();
        }
    }

    /**
     * A {@code time} (Unix seconds, possibly fractional) in milliseconds. A time outside the years 0001..9999, as
     * sent or once converted to UTC, is a malformed line, never guessed at: milliseconds sent as seconds cannot be
     * told apart from a far future for certain, and RFC 3339 has four-digit years (docs/streams.md "Streams"). The range is
     * checked before the multiplication, so nothing can overflow.
     */
    private static long timeMillis(byte[] b, int from, int to, int type, ExportEvent e) throws ExportSyntaxException {
        if (type == ExportEvent.INTEGER) {
            long seconds = longOrMin(b, from, to);
            if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw outOfRange(b, from, to, e, "");
            return seconds * 1000;
        }
        double seconds = Double.parseDouble(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
        // written so that an infinity (1e400) fails too; then the rounded milliseconds, as the integers' are
        if (!(seconds >= MIN_SECONDS - 1 && seconds <= MAX_SECONDS + 1)) throw outOfRange(b, from, to, e, "");
        long millis = Math.round(seconds * 1000);
        if (millis < MIN_MILLIS || millis > MAX_MILLIS) throw outOfRange(b, from, to, e, "");
        return millis;
    }

    private static ExportSyntaxException outOfRange(byte[] b, int from, int to, ExportEvent e, String note) {
        return new ExportSyntaxException("time " + new String(b, from, to - from, StandardCharsets.ISO_8859_1) + " at line "
                + e.line() + " is out of range: not Unix seconds in the years 0001..9999" + note, e.line(), false);
    }

    /**
     * An integer's value, or {@link Long#MIN_VALUE} when it does not fit a long: for {@code time} that is out of
     * range anyway, for {@code mp_processing_time_ms} it is unknown (any integer there is just a value).
     */
    private static long longOrMin(byte[] b, int from, int to) {
        boolean negative = b[from] == '-';
        int i = negative ? from + 1 : from;
        long v = 0;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (v < (Long.MIN_VALUE + d) / 10) return Long.MIN_VALUE;
            v = v * 10 - d; // accumulated negatively: Long.MIN_VALUE is in range
        }
        return negative ? v : v == Long.MIN_VALUE ? Long.MIN_VALUE : -v;
    }
}
