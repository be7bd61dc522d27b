package io.tapmixpanel.mixpanel.export;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One export event as the client's byte scanner found it, already validated as JSON: a view on the body's bytes
 * (no copy, no per-value object), valid only during {@link ExportConsumer#onEvent}. Its fields, in body order,
 * are the values of top-level {@code event} keys ({@link #TOP_EVENT}, always strings: every event has one) and the
 * members of top-level {@code properties} objects (every event has one, possibly empty); other top-level keys were
 * validated and skipped. Names are the raw bytes between their quotes (escapes undecoded, see
 * {@link #NAME_ESCAPED}); values are their raw bytes, strings with quotes. The bytes are well-formed UTF-8 and
 * hold no escaped lone surrogate (the scanner rewrote those as U+FFFD escapes), so any of them can be written out
 * as they are. A name may come more than once (in one spelling or several): consumers decide which one counts.
 */
public final class ExportEvent {
    /** Value types, from the value's first byte (numbers: {@link #NUMBER} when they hold {@code . e E}). */
    public static final int STRING = 1, INTEGER = 2, NUMBER = 3, TRUE = 4, FALSE = 5, NULL = 6, ARRAY = 7, OBJECT = 8;
    /** Flags: a string (or a string inside a container) holds a backslash escape. */
    public static final int ESCAPED = 1;
    /**
     * Flags of containers: their text is not what a Jackson generator would write (whitespace between tokens, or an
     * escape other than {@code \" \\ \b \t \f \n \r \\u00XX} for control characters with upper-case hex).
     */
    public static final int NOT_COMPACT = 2;
    /** Flags: this field is a top-level {@code event}, not a property. */
    public static final int TOP_EVENT = 4;
    /** Flags: the name holds a backslash escape. */
    public static final int NAME_ESCAPED = 8;

    byte[] buf;
    int start;
    int end;
    long line;
    int size;
    /** The top-level {@code properties} object's text (the last one, if several), and its members' flags. */
    int propertiesStart = -1;
    int propertiesEnd;
    int propertiesFlags;
    int[] nameStart = new int[64];
    int[] nameEnd = new int[64];
    int[] valueStart = new int[64];
    int[] valueEnd = new int[64];
    int[] types = new int[64];
    int[] flags = new int[64];

    ExportEvent() {}

    void reset(byte[] buf, int start, long line) {
        this.buf = buf;
        this.start = start;
        this.line = line;
        this.size = 0;
        this.propertiesStart = -1;
    }

    void add(int ns, int ne, int vs, int ve, int type, int fl) {
        if (size == types.length) {
            int n = size * 2;
            nameStart = Arrays.copyOf(nameStart, n);
            nameEnd = Arrays.copyOf(nameEnd, n);
            valueStart = Arrays.copyOf(valueStart, n);
            valueEnd = Arrays.copyOf(valueEnd, n);
            types = Arrays.copyOf(types, n);
            flags = Arrays.copyOf(flags, n);
        }
        nameStart[size] = ns;
        nameEnd[size] = ne;
        valueStart[size] = vs;
        valueEnd[size] = ve;
        types[size] = type;
        flags[size] = fl;
        size++;
    }

    /** Start of the top-level {@code properties} object's raw text, or -1 when the event has none. */
    public int propertiesStart() { return propertiesStart; }

    /** End (exclusive) of the top-level {@code properties} object's raw text. */
    public int propertiesEnd() { return propertiesEnd; }

    /** {@link #ESCAPED} and {@link #NOT_COMPACT}, as for a container value, of the properties object. */
    public int propertiesFlags() { return propertiesFlags; }

    /** The bytes every offset refers to. */
    public byte[] buf() { return buf; }

    /** 1-based line of the body where the event starts. */
    public long line() { return line; }

    public int size() { return size; }

    public int nameStart(int i) { return nameStart[i]; }

    public int nameEnd(int i) { return nameEnd[i]; }

    public int valueStart(int i) { return valueStart[i]; }

    public int valueEnd(int i) { return valueEnd[i]; }

    public int type(int i) { return types[i]; }

    public int flags(int i) { return flags[i]; }

    /** The whole event's JSON text (for tests and messages; allocates). */
    public String text() { return new String(buf, start, end - start, StandardCharsets.UTF_8); }
}
