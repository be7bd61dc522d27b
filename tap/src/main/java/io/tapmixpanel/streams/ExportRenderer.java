package io.tapmixpanel.streams;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tapmixpanel.mixpanel.ExportConsumer;
import io.tapmixpanel.mixpanel.ExportEvent;
import io.tapmixpanel.mixpanel.ExportSyntaxException;
import io.tapmixpanel.singer.SchemaGuard;
import io.tapmixpanel.singer.TimeExtracted;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The export hot path: turns the events of one export window, as the client's byte scanner validated them, into
 * finished Singer RECORD lines in a spool file, byte to byte (README "Streams" and "Performance"): value bytes are copied verbatim, with
 * no UTF-8 decoding, no per-value object, no per-event tree or string. Each event becomes
 * {@code {"event": ..., <renamed properties>..., "time": "<RFC 3339 UTC>"}}. Type checks and widening go through
 * the {@link SchemaGuard} fast path as before: a value that fits is copied; a non-string value in a string column
 * becomes a JSON string of its compact JSON text; otherwise the column is widened. Only date-time columns (the
 * string is decoded for the format check) and columns needing a tree check (the one value is parsed by Jackson)
 * take slower paths. The spool is appended to stdout only once the window has been read whole, so a window cut
 * short and fetched again is emitted exactly once. Not thread-safe: one renderer per window.
 */
final class ExportRenderer implements ExportConsumer {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] PREFIX = "{\"type\":\"RECORD\",\"stream\":\"export\",\"record\":{".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIME_FIELD = "\"time\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_KEY = "event".getBytes(StandardCharsets.US_ASCII);
    private static final int TIME_EXTRACTED_EVERY = 16_384;
    private static final int OUT = 1 << 18;
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle INTS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** What the renderer knows of one column, refreshed when the guard's schema version moves. */
    private static final class Column {
        final byte[] key;      // the raw name bytes as they appear in the body (escapes undecoded)
        final int hash;
        final long head;       // names of up to 16 bytes: their first and last 8 bytes (see column())
        final long tail;
        final String name;     // column name
        final byte[] field;    // "name": as Jackson would quote it, UTF-8
        final boolean deselected;
        final boolean time;
        final boolean processing;
        long version = -1;
        boolean keep;
        boolean dateTime;
        boolean tree;
        int fitMask;

        Column(byte[] key, int hash, long head, long tail, String source, String name, boolean deselected) {
            this.key = key;
            this.hash = hash;
            this.head = head;
            this.tail = tail;
            this.name = name;
            byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(name);
            this.field = new byte[quoted.length + 3];
            field[0] = '"';
            System.arraycopy(quoted, 0, field, 1, quoted.length);
            field[quoted.length + 1] = '"';
            field[quoted.length + 2] = ':';
            this.deselected = deselected;
            this.time = source.equals("time");
            this.processing = source.equals("mp_processing_time_ms");
        }
    }

    /** A window read whole: its spool of RECORD lines, how many, and the latest event time (UTC ms). */
    record Rendered(Path spool, long records, long maxTimeMillis) {}

    private final SchemaGuard guard;
    private final Set<String> deselected;
    private final LegacyTimeConverter legacy;
    private final Path spoolDir;
    private final LongConsumer progress;
    private Column[] table = new Column[256];
    private int columnCount;
    private final Column eventColumn;
    private final Rfc3339 rfc3339 = new Rfc3339();

    private Path spool;
    private OutputStream file;
    private byte[] out = new byte[OUT];
    private int n;
    private long records;
    private long maxTime;
    private long unreported;
    private byte[] suffix;

    ExportRenderer(SchemaGuard guard, Set<String> deselected, Optional<ZoneId> legacyZone, Path spoolDir, LongConsumer progress) {
        this.guard = guard;
        this.deselected = deselected;
        this.legacy = legacyZone.map(LegacyTimeConverter::new).orElse(null);
        this.spoolDir = spoolDir;
        this.progress = progress;
        this.eventColumn = new Column(EVENT_KEY, 0, 0, 0, "event", "event", false);
    }

    @Override
    public void beginAttempt(int attempt) {
        closeAndDelete();
        try {
            spool = Files.createTempFile(spoolDir, "tap-mixpanel-export-", ".jsonl");
            // WRITE only, not the default TRUNCATE_EXISTING: ext4 (auto_da_alloc) flushes a file opened with O_TRUNC
            // to disk when it is closed, so every finished spool was written out just before being appended and
            // deleted, stalling the sync for ~1 s per window switch; untruncated, it stays in the page cache.
            file = Files.newOutputStream(spool, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an export spool in " + spoolDir + ": " + e.getMessage(), e);
        }
        n = 0;
        records = 0;
        maxTime = Long.MIN_VALUE;
        refreshTimeExtracted();
    }

    @Override
    public void discardAttempt(String reason) {
        progress.accept(-(records - unreported));
        unreported = 0;
        records = 0;
        closeAndDelete();
    }

    /** Ends a window read whole; the spool now belongs to the caller. */
    Rendered finish() {
        try {
            flush();
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
        n = 0;
        try {
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
        suffix = (",\"time_extracted\":\"" + TimeExtracted.now() + "\"}\n").getBytes(StandardCharsets.UTF_8);
    }

    private void flush() throws IOException {
        if (n > 0) file.write(out, 0, n);
        n = 0;
    }

    /** Room for {@code len} more bytes in {@link #out}. */
    private void ensure(int len) throws IOException {
        if (n + len <= out.length) return;
        flush();
        if (len > out.length) out = new byte[Math.max(len, out.length * 2)];
    }

    private void put(byte[] b) {
        copy(b, 0, b.length);
    }

    /**
     * Copies {@code len} bytes to {@link #out} at {@link #n} (room made by the caller). Names and values are mostly
     * short, and System.arraycopy's stub costs more than the copy there (~5% of the export CPU in an async-profiler
     * run): up to 16 bytes go as two overlapping 8-byte words (or 4-byte ones, or single bytes).
     */
    private void copy(byte[] b, int from, int len) {
        byte[] o = out;
        int at = n;
        if (len >= 8) {
            if (len <= 16) {
                LONGS.set(o, at, (long) LONGS.get(b, from));
                LONGS.set(o, at + len - 8, (long) LONGS.get(b, from + len - 8));
            } else {
                System.arraycopy(b, from, o, at, len);
            }
        } else if (len >= 4) {
            INTS.set(o, at, (int) INTS.get(b, from));
            INTS.set(o, at + len - 4, (int) INTS.get(b, from + len - 4));
        } else {
            for (int i = 0; i < len; i++) o[at + i] = b[from + i];
        }
        n = at + len;
    }

    @Override
    public void onEvent(ExportEvent e) throws IOException {
        long version = guard.version();
        long time = Long.MIN_VALUE;
        long processing = Long.MIN_VALUE;
        boolean timeIsNumber = false;
        boolean first = true;
        byte[] b = e.buf();
        ensure(PREFIX.length);
        put(PREFIX);
        for (int i = 0, size = e.size(); i < size; i++) {
            int type = e.type(i);
            int flags = e.flags(i);
            Column c;
            if ((flags & ExportEvent.TOP_EVENT) != 0) {
                c = eventColumn;
            } else {
                c = column(b, e.nameStart(i), e.nameEnd(i), flags);
                if (c.time && (type == ExportEvent.INTEGER || type == ExportEvent.NUMBER)) {
                    time = type == ExportEvent.INTEGER ? parseLong(b, e.valueStart(i), e.valueEnd(i), e) * 1000 /* as before: no overflow check */
                            : Math.round(Double.parseDouble(new String(b, e.valueStart(i), e.valueEnd(i) - e.valueStart(i), StandardCharsets.ISO_8859_1)) * 1000);
                    timeIsNumber = true;
                    continue;
                }
                if (c.processing && type == ExportEvent.INTEGER) processing = parseLong(b, e.valueStart(i), e.valueEnd(i), e);
            }
            if (writeValue(c, type, flags, b, e.valueStart(i), e.valueEnd(i), version, first)) first = false;
        }
        if (timeIsNumber) {
            long utc = legacy == null ? time : legacy.toUtcMillis(time, processing);
            if (utc > maxTime) maxTime = utc;
            int len = rfc3339.format(utc);
            ensure(TIME_FIELD.length + len + 2);
            if (!first) out[n++] = ',';
            put(TIME_FIELD);
            char[] chars = rfc3339.chars();
            for (int k = 0; k < len; k++) out[n++] = (byte) chars[k];
            out[n++] = '"';
        }
        ensure(suffix.length + 1);
        out[n++] = '}';
        put(suffix);
        records++;
        if (++unreported == TIME_EXTRACTED_EVERY) {
            progress.accept(unreported);
            unreported = 0;
            refreshTimeExtracted();
        }
    }

    /** An integer's value, as Jackson's getLongValue would give it (out of range: a bad body, as before). */
    private static long parseLong(byte[] b, int from, int to, ExportEvent e) throws ExportSyntaxException {
        boolean negative = b[from] == '-';
        int i = negative ? from + 1 : from;
        long v = 0;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (v < (Long.MIN_VALUE + d) / 10) {
                throw new ExportSyntaxException("Numeric value (" + new String(b, from, to - from, StandardCharsets.ISO_8859_1)
                        + ") out of range of long at line " + e.line(), e.line(), false);
            }
            v = v * 10 - d; // accumulated negatively: Long.MIN_VALUE is in range
        }
        if (negative) return v;
        if (v == Long.MIN_VALUE) {
            throw new ExportSyntaxException("Numeric value out of range of long at line " + e.line(), e.line(), false);
        }
        return -v;
    }

    /**
     * The column of a raw property name, found without a byte loop: a name is hashed from its length and its first
     * and last 8 bytes read as two longs (shorter names zero-padded), plus, for names longer than 16 bytes, the
     * 8-byte words in between; a candidate is the same name when those agree.
     */
    private Column column(byte[] b, int from, int to, int flags) throws IOException {
        int len = to - from;
        long head;
        long tail;
        if (len >= 8) {
            head = (long) LONGS.get(b, from);
            tail = (long) LONGS.get(b, to - 8);
        } else {
            head = len == 0 ? 0 : from + 8 <= b.length ? (long) LONGS.get(b, from) & (-1L >>> (64 - 8 * len)) : shortName(b, from, len);
            tail = 0;
        }
        int h = hash(head, len > 16 ? tail ^ middleHash(b, from, len) : tail, len);
        int mask = table.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Column c = table[i];
            if (c == null) break;
            if (c.head == head && c.tail == tail && c.key.length == len && (len <= 16 || middleEquals(c.key, b, from))) return c;
        }
        String source = (flags & ExportEvent.NAME_ESCAPED) != 0
                ? MAPPER.readValue(b, from - 1, to - from + 2, String.class)
                : new String(b, from, to - from, StandardCharsets.UTF_8);
        String name = PropertyNames.exportColumn(source);
        Column c = new Column(Arrays.copyOfRange(b, from, to), h, head, tail, source, name, deselected.contains(name));
        if (++columnCount * 2 > table.length) {
            Column[] old = table;
            table = new Column[old.length * 2];
            for (Column o : old) if (o != null) insert(o);
        }
        insert(c);
        return c;
    }

    private static int hash(long head, long tail, int len) {
        long x = (head * 0x9E3779B97F4A7C15L) ^ (tail * 0xC2B2AE3D27D4EB4FL) ^ len;
        return (int) (x ^ (x >>> 29) ^ (x >>> 47));
    }

    /**
     * The 8-byte words between head and tail of a name longer than 16 bytes, mixed: without them, names that differ
     * only in the middle ({@code experiment_0001_variant}, {@code experiment_0002_variant}, ...) would all share
     * one hash and turn every lookup among them into a linear probe.
     */
    private static long middleHash(byte[] b, int from, int len) {
        long m = 0;
        for (int k = 8, last = len - 8; k < last; k += 8) {
            m = (m + (long) LONGS.get(b, from + k)) * 0xFF51AFD7ED558CCDL;
        }
        return m;
    }

    /** A name of fewer than 8 bytes at the very end of the buffer, as the little-endian long the fast path reads. */
    private static long shortName(byte[] b, int from, int len) {
        long v = 0;
        for (int i = len - 1; i >= 0; i--) v = (v << 8) | (b[from + i] & 0xFF);
        return v;
    }

    /** Bytes 8 to length-8 of a name longer than 16 bytes (head and tail already compared), word by word. */
    private static boolean middleEquals(byte[] key, byte[] b, int from) {
        for (int k = 8, last = key.length - 8; k < last; k += 8) { // k < length - 8: the word ends inside the name
            if ((long) LONGS.get(key, k) != (long) LONGS.get(b, from + k)) return false;
        }
        return true;
    }

    private void insert(Column c) {
        int mask = table.length - 1;
        int i = c.hash & mask;
        while (table[i] != null) i = (i + 1) & mask;
        table[i] = c;
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

    /** Writes one field (with its leading comma unless first); returns false when the value was left out. */
    private boolean writeValue(Column c, int type, int flags, byte[] b, int from, int to, long version, boolean first) throws IOException {
        if (c.deselected) return false;
        if (c.version != version) refresh(c, version);
        if (!c.keep) return false;
        int bit = typeBit(type);
        int len = to - from;
        if (c.tree) {
            JsonNode v = MAPPER.readTree(b, from, len);
            if ((c.fitMask & bit) == 0 && (c.fitMask & SchemaGuard.STRING) != 0 && !v.isNull()) {
                v = com.fasterxml.jackson.databind.node.TextNode.valueOf(v.toString());
            }
            guard.admitValue(c.name, v);
            byte[] json = MAPPER.writeValueAsBytes(v);
            field(c, first, json.length);
            put(json);
            return true;
        }
        if ((c.fitMask & bit) != 0) {
            if (bit == SchemaGuard.STRING && c.dateTime && !guard.formatFits(c.name, decode(b, from, to, flags))) {
                guard.dropFormat(c.name);
                c.version = -1;
            }
            field(c, first, len);
            copy(b, from, len);
        } else if ((c.fitMask & SchemaGuard.STRING) != 0 && !c.dateTime) {
            // README "Values and types": a non-string value in a string column is its JSON text, never a language's repr.
            if (type == ExportEvent.ARRAY || type == ExportEvent.OBJECT) {
                writeJsonText(c, first, b, from, to, flags);
            } else {
                field(c, first, len + 2);
                out[n++] = '"';
                copy(b, from, len);
                out[n++] = '"';
            }
        } else {
            guard.widen(c.name, bit);
            c.version = -1;
            field(c, first, len);
            copy(b, from, len);
        }
        return true;
    }

    /** Writes [,]"name": and makes room for {@code valueLength} more bytes. */
    private void field(Column c, boolean first, int valueLength) throws IOException {
        ensure(c.field.length + 1 + valueLength);
        if (!first) out[n++] = ',';
        put(c.field);
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
        int len = to - from;
        field(c, first, 2 * len + 2);
        out[n++] = '"';
        for (int i = from; i < to; i++) {
            byte x = b[i];
            if (x == '"' || x == '\\') out[n++] = '\\';
            out[n++] = x;
        }
        out[n++] = '"';
    }

    /** Compact JSON text of a container with Jackson: whitespace dropped, escapes normalised, number text kept. */
    private static final class Compact {
        private static final com.fasterxml.jackson.core.JsonFactory FACTORY = new com.fasterxml.jackson.core.JsonFactory();

        static byte[] of(byte[] b, int from, int to) throws IOException {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(to - from);
            try (com.fasterxml.jackson.core.JsonParser p = FACTORY.createParser(b, from, to - from);
                 com.fasterxml.jackson.core.JsonGenerator g = FACTORY.createGenerator(bytes)) {
                int depth = 0;
                do {
                    com.fasterxml.jackson.core.JsonToken t = p.nextToken();
                    if (t.isStructStart()) depth++;
                    else if (t.isStructEnd()) depth--;
                    g.copyCurrentEventExact(p);
                } while (depth > 0);
            }
            return bytes.toByteArray();
        }
    }
}
