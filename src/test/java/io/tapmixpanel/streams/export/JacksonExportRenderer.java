package io.tapmixpanel.streams.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tapmixpanel.singer.SchemaGuard;
import io.tapmixpanel.singer.TimeExtracted;
import io.tapmixpanel.streams.PropertyNames;
import io.tapmixpanel.streams.Rfc3339;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * TEST ONLY: the previous export renderer (Jackson parser -> generator per event), kept as it was (plus its own
 * token-to-type-bit mapping, which production no longer needs) so that {@code ExportByteTransformDifferentialTest}
 * can compare the byte-level {@link ExportRenderer} with it.
 * Formerly: the export hot path: turns the events of one export window, as the client parses them, into finished Singer
 * RECORD lines in a spool file, with no per-event tree or string (docs/streams.md "Streams" and docs/performance.md "Performance"). Each event becomes
 * {@code {"event": ..., <renamed properties>..., "time": "<RFC 3339 UTC>"}}; values go from the parser straight
 * to the generator. The spool is appended to stdout only once the window has been read whole, so a window cut
 * short and fetched again is emitted exactly once. Not thread-safe: one renderer per window.
 */
final class JacksonExportRenderer {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SerializableString PREFIX = new SerializedString("{\"type\":\"RECORD\",\"stream\":\"export\",\"record\":");
    private static final SerializableString TIME = new SerializedString("time");
    private static final int TIME_EXTRACTED_EVERY = 16_384;

    /** What the renderer knows of one column, refreshed when the guard's schema version moves. */
    private static final class Column {
        final String name;
        final SerializableString serialized;
        final boolean deselected;
        long version = -1;
        boolean keep;
        boolean dateTime;
        boolean tree;
        int fitMask;

        Column(String name, boolean deselected) {
            this.name = name;
            this.serialized = new SerializedString(name);
            this.deselected = deselected;
        }
    }

    /** A window read whole: its spool of RECORD lines, how many, and the latest event time (UTC ms). */
    record Rendered(Path spool, long records, long maxTimeMillis) {}

    private final SchemaGuard guard;
    private final Set<String> deselected;
    private final LegacyTimeConverter legacy;
    private final Path spoolDir;
    private final LongConsumer progress;
    private final Map<String, Column> columns = new HashMap<>();
    private final Column eventColumn;
    private final Rfc3339 rfc3339 = new Rfc3339();

    private Path spool;
    private OutputStream file;
    private JsonGenerator gen;
    private long records;
    private long maxTime;
    private long unreported;
    private SerializableString suffix;
    private CharBuffer text;
    private JsonGenerator textGen;

    JacksonExportRenderer(SchemaGuard guard, Set<String> deselected, Optional<ZoneId> legacyZone, Path spoolDir, LongConsumer progress) {
        this.guard = guard;
        // as the production renderer: the replication key is declared even when the catalog leaves it out
        com.fasterxml.jackson.databind.node.ObjectNode timeSchema = MAPPER.createObjectNode();
        timeSchema.set("type", MAPPER.createArrayNode().add("null").add("string"));
        guard.declare("time", timeSchema.put("format", "date-time"));
        this.deselected = deselected;
        this.legacy = legacyZone.map(LegacyTimeConverter::new).orElse(null);
        this.spoolDir = spoolDir;
        this.progress = progress;
        this.eventColumn = new Column("event", false);
    }

    public void beginAttempt(int attempt) {
        closeAndDelete();
        try {
            spool = Files.createTempFile(spoolDir, "tap-mixpanel-export-", ".jsonl");
            file = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 18);
            gen = FACTORY.createGenerator(file, JsonEncoding.UTF8);
            gen.setRootValueSeparator(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an export spool in " + spoolDir + ": " + e.getMessage(), e);
        }
        records = 0;
        maxTime = Long.MIN_VALUE;
        refreshTimeExtracted();
    }

    public void discardAttempt(String reason) {
        progress.accept(-(records - unreported));
        unreported = 0;
        records = 0;
        closeAndDelete();
    }

    /** Ends a window read whole; the spool now belongs to the caller. */
    Rendered finish() {
        try {
            gen.close();
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write export spool " + spool + ": " + e.getMessage(), e);
        }
        progress.accept(unreported);
        unreported = 0;
        Rendered r = new Rendered(spool, records, maxTime);
        spool = null;
        return r;
    }

    /** Removes whatever this renderer still holds (after a failure). */
    void abandon() { closeAndDelete(); }

    private void closeAndDelete() {
        if (spool == null) return;
        try {
            gen.close();
            file.close();
        } catch (IOException ignored) {
            // deleting it anyway
        }
        try {
            Files.deleteIfExists(spool);
        } catch (IOException ignored) {
            // a temp file left behind is not worth failing the run
        }
        spool = null;
    }

    private void refreshTimeExtracted() {
        suffix = new SerializedString(",\"time_extracted\":\"" + TimeExtracted.now() + "\"}\n");
    }

    public void onEvent(JsonParser p) throws IOException {
        long version = guard.version();
        long time = Long.MIN_VALUE;
        long processing = Long.MIN_VALUE;
        boolean timeIsNumber = false;
        gen.writeRaw(PREFIX);
        gen.writeStartObject();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            t = p.nextToken();
            if (name.equals("properties") && t == JsonToken.START_OBJECT) {
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String prop = p.currentName();
                    t = p.nextToken();
                    if (prop.equals("time") && (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT)) {
                        time = t == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() * 1000 : Math.round(p.getDoubleValue() * 1000);
                        timeIsNumber = true;
                        continue;
                    }
                    if (t == JsonToken.VALUE_NUMBER_INT && prop.equals("mp_processing_time_ms")) processing = p.getLongValue();
                    writeValue(column(prop), t, p, version);
                }
            } else if (name.equals("event")) {
                writeValue(eventColumn, t, p, version);
            } else {
                p.skipChildren(); // nothing else is documented at the top level of an export event
            }
        }
        if (timeIsNumber) {
            long utc = legacy == null ? time : legacy.toUtcMillis(time, processing);
            if (utc > maxTime) maxTime = utc;
            gen.writeFieldName(TIME);
            gen.writeString(rfc3339.chars(), 0, rfc3339.format(utc));
        }
        gen.writeEndObject();
        gen.writeRaw(suffix);
        records++;
        if (++unreported == TIME_EXTRACTED_EVERY) {
            progress.accept(unreported);
            unreported = 0;
            refreshTimeExtracted();
        }
    }

    private Column column(String source) {
        Column c = columns.get(source);
        if (c == null) {
            String name = PropertyNames.exportColumn(source);
            c = new Column(name, deselected.contains(name));
            columns.put(source, c);
        }
        return c;
    }

    private void refresh(Column c, long version) {
        c.keep = guard.keeps(c.name);
        c.dateTime = guard.isDateTime(c.name);
        c.tree = guard.needsTreeCheck(c.name);
        int mask = 0;
        for (int bit = 1; bit <= SchemaGuard.OBJECT; bit <<= 1) {
            if (guard.fits(c.name, bit)) mask |= bit;
        }
        c.fitMask = mask;
        c.version = version;
    }

    private void writeValue(Column c, JsonToken t, JsonParser p, long version) throws IOException {
        if (c.deselected) {
            p.skipChildren();
            return;
        }
        if (c.version != version) refresh(c, version);
        if (!c.keep) {
            p.skipChildren();
            return;
        }
        int bit = typeBit(t);
        if (c.tree) {
            JsonNode v = MAPPER.readTree(p);
            if ((c.fitMask & bit) == 0 && (c.fitMask & SchemaGuard.STRING) != 0 && !v.isNull()) {
                v = com.fasterxml.jackson.databind.node.TextNode.valueOf(v.toString());
            }
            guard.admitValue(c.name, v);
            gen.writeFieldName(c.serialized);
            MAPPER.writeTree(gen, v);
            return;
        }
        if ((c.fitMask & bit) != 0) {
            if (bit == SchemaGuard.STRING && c.dateTime && !guard.formatFits(c.name, p.getText())) {
                guard.dropFormat(c.name);
                c.version = -1;
            }
            gen.writeFieldName(c.serialized);
            copy(t, p);
        } else if ((c.fitMask & SchemaGuard.STRING) != 0 && !c.dateTime) {
            // docs/streams.md "Values and types": a non-string value in a string column is its JSON text, never a language's repr.
            gen.writeFieldName(c.serialized);
            if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                writeJsonText(p);
            } else {
                gen.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            }
        } else {
            guard.widen(c.name, bit);
            c.version = -1;
            gen.writeFieldName(c.serialized);
            copy(t, p);
        }
    }

    /** The guard's type bit of the token that starts a value. */
    private static int typeBit(JsonToken t) {
        return switch (t) {
            case VALUE_NULL -> SchemaGuard.NULL;
            case VALUE_TRUE, VALUE_FALSE -> SchemaGuard.BOOLEAN;
            case VALUE_NUMBER_INT -> SchemaGuard.INTEGER;
            case VALUE_NUMBER_FLOAT -> SchemaGuard.NUMBER;
            case VALUE_STRING -> SchemaGuard.STRING;
            case START_ARRAY -> SchemaGuard.ARRAY;
            case START_OBJECT -> SchemaGuard.OBJECT;
            default -> 0;
        };
    }

    private void copy(JsonToken t, JsonParser p) throws IOException {
        switch (t) {
            case VALUE_STRING -> gen.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            // The number's own text: no parse to double and back (slow, and 418.80 would become 418.8).
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> gen.writeNumber(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            case START_ARRAY, START_OBJECT -> gen.copyCurrentStructure(p);
            default -> gen.copyCurrentEvent(p);
        }
    }

    /** Writes the array or object at {@code p} as a JSON string holding its compact JSON text, without a tree. */
    private void writeJsonText(JsonParser p) throws IOException {
        if (textGen == null) {
            text = new CharBuffer();
            textGen = FACTORY.createGenerator(text);
            textGen.setRootValueSeparator(null);
        }
        text.reset();
        textGen.copyCurrentStructure(p);
        textGen.flush();
        gen.writeString(text.chars(), 0, text.size());
    }

    /** A reusable writer whose characters can be read without a copy. */
    private static final class CharBuffer extends java.io.CharArrayWriter {
        CharBuffer() { super(256); }

        char[] chars() { return buf; }
    }
}
