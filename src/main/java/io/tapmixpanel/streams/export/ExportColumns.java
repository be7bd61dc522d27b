package io.tapmixpanel.streams.export;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tapmixpanel.mixpanel.export.ExportEvent;
import io.tapmixpanel.streams.PropertyNames;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The export renderer's column names, interned: raw property-name bytes as they appear in the body map to their
 * {@link Column}, found without decoding the name or comparing it byte by byte (docs/performance.md "Performance"). A name is
 * decoded, renamed (docs/streams.md "Streams": {@link PropertyNames#exportColumn}) and quoted once, when first seen;
 * spellings that decode to the same text share one column. An open-addressing table, kept at most half full. Not
 * thread-safe: one per renderer.
 */
final class ExportColumns {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] EVENT_KEY = "event".getBytes(StandardCharsets.US_ASCII);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * One column: its name as found and as written, and what the renderer knows of its schema ({@link ExportFit}
     * refreshes that when the guard's schema version moves). Fields are read directly on the hot path.
     */
    static final class Column {
        final byte[] key;      // the raw name bytes as they appear in the body (escapes undecoded)
        final int hash;
        final long head;       // names of up to 16 bytes: their first and last 8 bytes (see find())
        final long tail;
        final String name;     // column name
        final byte[] field;    // "name": as Jackson would quote it, UTF-8
        final boolean deselected;
        final boolean time;
        final boolean processing;
        /** The column this name is written as: itself, or the first one seen with the same decoded name. */
        final Column canonical;
        /** The renderer's per-event mark: the index of this column's last field in the event being rendered. */
        int last = -1;
        long version = -1;
        boolean keep;
        boolean dateTime;
        boolean tree;
        int fitMask;

        Column(byte[] key, int hash, long head, long tail, String source, String name, boolean deselected, Column canonical) {
            this.canonical = canonical == null ? this : canonical;
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
            this.time = source.equals("time");
            this.deselected = deselected && !time; // the replication key is automatic: never left out (docs/streams.md "Streams")
            this.processing = source.equals("mp_processing_time_ms");
        }
    }

    private final Set<String> deselected;
    /** Columns by name, consulted only when a raw name is first seen. */
    private final Map<String, Column> byName = new HashMap<>();
    private Column[] table = new Column[256];
    private int count;

    ExportColumns(Set<String> deselected) {
        this.deselected = deselected;
    }

    /** The column of a top-level {@code event} key (not a property: never renamed, never deselected). */
    static Column event() {
        return new Column(EVENT_KEY, 0, 0, 0, "event", "event", false, null);
    }

    /** A column the renderer adds itself (not found in the body): export_raw_properties' {@code properties}. */
    static Column added(String name, boolean deselected) {
        return new Column(name.getBytes(StandardCharsets.UTF_8), 0, 0, 0, name, name, deselected, null);
    }

    /**
     * The column of a raw property name, found without a byte loop: a name is hashed from its length and its first
     * and last 8 bytes read as two longs (shorter names zero-padded), plus, for names longer than 16 bytes, the
     * 8-byte words in between; a candidate is the same name when those agree. Raw names that decode to the same
     * text ({@code a} and {@code \\u0061}) give the same column.
     */
    Column find(byte[] b, int from, int to, int flags) throws IOException {
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
        Column[] t = table;
        int mask = t.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Column c = t[i];
            if (c == null) break;
            if (c.head == head && c.tail == tail && c.key.length == len && (len <= 16 || middleEquals(c.key, b, from))) return c.canonical;
        }
        return add(b, from, to, flags, h, head, tail);
    }

    /**
     * Raw name bytes seen for the first time: decoded, renamed and quoted once; when their text is a name already
     * seen in another spelling (docs/streams.md "Streams": names are compared as decoded text), they are one more key of
     * that column.
     */
    private Column add(byte[] b, int from, int to, int flags, int h, long head, long tail) throws IOException {
        String source = (flags & ExportEvent.NAME_ESCAPED) != 0
                ? MAPPER.readValue(b, from - 1, to - from + 2, String.class)
                : new String(b, from, to - from, StandardCharsets.UTF_8);
        String name = PropertyNames.exportColumn(source);
        Column same = byName.get(name);
        Column c = new Column(Arrays.copyOfRange(b, from, to), h, head, tail, source, name, deselected.contains(name), same);
        if (same == null) byName.put(name, c);
        if (++count * 2 > table.length) {
            Column[] old = table;
            table = new Column[old.length * 2];
            for (Column o : old) if (o != null) insert(o);
        }
        insert(c);
        return c.canonical;
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
}
