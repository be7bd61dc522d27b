package io.tapmixpanel.streams.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tapmixpanel.mixpanel.export.ExportEvent;
import io.tapmixpanel.singer.SchemaGuard;
import io.tapmixpanel.streams.export.ExportColumns.Column;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * How the export renderer fits one raw value to its column's schema (docs/streams.md "Values and types"), through the
 * {@link SchemaGuard} fast path: a value whose type the column takes is copied verbatim; a non-string value in a
 * string column becomes a JSON string of its compact JSON text; otherwise the guard widens the column. Strings of
 * date-time columns are decoded for the format check (a string that is not one drops the format), and columns
 * whose schema constrains more than type and format have their one value parsed with Jackson and admitted whole.
 * Each column caches its guard answers ({@link Column#fitMask} ...) until the schema version moves.
 */
final class ExportFit {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final SchemaGuard guard;
    private final ExportSpool out;

    ExportFit(SchemaGuard guard, ExportSpool out) {
        this.guard = guard;
        this.out = out;
    }

    /**
     * Writes one field, {@code [,]"name":value}, for a value of schema version {@code version}; returns false when
     * the column is left out (deselected, or undeclared under {@code additionalProperties: false}).
     */
    boolean write(Column c, int type, int flags, byte[] b, int from, int to, long version, boolean first) throws IOException {
        // One method for every case, the rare ones included. It is then too big for the JIT to inline into the
        // renderer's per-event loop and is compiled on its own, with its small callees inlined. A small dispatcher
        // with the cases as separate methods measured ~3% slower and +8 MB peak RSS (the JIT compiling one huge
        // per-event loop) in alternated 6M-event runs of the export benchmark; this shape is on par with the
        // renderer before the split.
        if (c.deselected) return false;
        if (c.version != version) refresh(c, version);
        if (!c.keep) return false;
        int bit = typeBit(type);
        int len = to - from;
        if (c.tree) {
            // A column whose schema checks more than the type: the value as a tree, admitted (and rewritten) whole.
            JsonNode v = MAPPER.readTree(b, from, len);
            if ((c.fitMask & bit) == 0 && (c.fitMask & SchemaGuard.STRING) != 0 && !v.isNull()) {
                v = TextNode.valueOf(v.toString());
            }
            guard.admitValue(c.name, v);
            byte[] json = MAPPER.writeValueAsBytes(v);
            field(c, first, json.length);
            out.put(json);
            return true;
        }
        if ((c.fitMask & bit) != 0) {
            // A string in a date-time column that is no RFC 3339 date-time: the column loses its format.
            if (bit == SchemaGuard.STRING && c.dateTime && !guard.formatFits(c.name, decode(b, from, to, flags))) {
                guard.dropFormat(c.name);
                c.version = -1;
            }
            field(c, first, len);
            out.copy(b, from, len);
        } else if ((c.fitMask & SchemaGuard.STRING) != 0 && !c.dateTime) {
            // docs/streams.md "Values and types": a non-string value in a string column is its JSON text, never a language's repr.
            if (type == ExportEvent.ARRAY || type == ExportEvent.OBJECT) {
                writeJsonText(c, first, b, from, to, flags);
            } else {
                field(c, first, len + 2);
                out.put((byte) '"');
                out.copy(b, from, len);
                out.put((byte) '"');
            }
        } else {
            // A value whose type the column does not take, in a column that is not a plain string: it widens.
            guard.widen(c.name, bit);
            c.version = -1;
            field(c, first, len);
            out.copy(b, from, len);
        }
        return true;
    }

    /**
     * Writes the event's {@code time}, {@code [,]"time":"<RFC 3339>"}, by the rules of every value (docs/streams.md "Values
     * and types") but never left out: the replication key is automatic (the renderer has it declared). Its value
     * is always an RFC 3339 string, so what it needs is known once per schema version: a column that does not take
     * strings is widened, a {@code format} that such a string breaks ({@code date}) is dropped. Only a column with
     * deeper constraints (an {@code enum}, a {@code pattern}) has each value admitted as a tree (rare).
     */
    void writeTime(Column c, long version, boolean first, char[] chars, int len) throws IOException {
        if (c.version != version) refreshTime(c, version);
        if (c.tree) {
            guard.admitValue(c.name, TextNode.valueOf(new String(chars, 0, len)));
            c.version = -1;
        }
        field(c, first, len + 2);
        out.put((byte) '"');
        out.putAscii(chars, len);
        out.put((byte) '"');
    }

    private void refreshTime(Column c, long version) {
        refresh(c, version);
        boolean changed = (c.fitMask & SchemaGuard.STRING) == 0 && guard.widen(c.name, SchemaGuard.STRING);
        if (!guard.formatFits(c.name, "2000-01-01T00:00:00.001Z")) changed |= guard.dropFormat(c.name);
        if (changed) refresh(c, guard.version());
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

    private static int typeBit(int type) {
        return switch (type) {
            case ExportEvent.NULL -> SchemaGuard.NULL;
            case ExportEvent.TRUE, ExportEvent.FALSE -> SchemaGuard.BOOLEAN;
            case ExportEvent.INTEGER -> SchemaGuard.INTEGER;
            case ExportEvent.NUMBER -> SchemaGuard.NUMBER;
            case ExportEvent.STRING -> SchemaGuard.STRING;
            case ExportEvent.ARRAY -> SchemaGuard.ARRAY;
            case ExportEvent.OBJECT -> SchemaGuard.OBJECT;
            default -> 0;
        };
    }

    /** Writes [,]"name": and makes room for {@code valueLength} more bytes. */
    private void field(Column c, boolean first, int valueLength) throws IOException {
        out.ensure(c.field.length + 1 + valueLength);
        if (!first) out.put((byte) ',');
        out.put(c.field);
    }

    private static String decode(byte[] b, int from, int to, int flags) throws IOException {
        if ((flags & ExportEvent.ESCAPED) == 0) return new String(b, from + 1, to - from - 2, StandardCharsets.UTF_8);
        return MAPPER.readValue(b, from, to - from, String.class);
    }

    /**
     * Writes an array or object as a JSON string holding its compact JSON text (as a Jackson generator writes it,
     * number text kept): the raw bytes with {@code "} and {@code \} escaped; a container holding whitespace or
     * unusual escapes is first re-written compactly through Jackson (rare).
     */
    private void writeJsonText(Column c, boolean first, byte[] b, int from, int to, int flags) throws IOException {
        if ((flags & ExportEvent.NOT_COMPACT) != 0) {
            byte[] compact = Compact.of(b, from, to);
            b = compact;
            from = 0;
            to = compact.length;
        }
        field(c, first, 2 * (to - from) + 2);
        out.put((byte) '"');
        out.putEscaped(b, from, to);
        out.put((byte) '"');
    }

    /** Compact JSON text of a container with Jackson: whitespace dropped, escapes normalised, number text kept. */
    private static final class Compact {
        private static final JsonFactory FACTORY = new JsonFactory();

        static byte[] of(byte[] b, int from, int to) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
            try (JsonParser p = FACTORY.createParser(b, from, to - from);
                 JsonGenerator g = FACTORY.createGenerator(bytes)) {
                int depth = 0;
                do {
                    JsonToken t = p.nextToken();
                    if (t.isStructStart()) depth++;
                    else if (t.isStructEnd()) depth--;
                    g.copyCurrentEventExact(p);
                } while (depth > 0);
            }
            return bytes.toByteArray();
        }
    }
}
