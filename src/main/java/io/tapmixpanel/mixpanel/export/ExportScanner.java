package io.tapmixpanel.mixpanel.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tapmixpanel.mixpanel.http.MixpanelJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The byte-level reader of a raw-export body (docs/performance.md "Performance"): one pass over the decompressed bytes, read in large
 * chunks into one buffer, validating JSON as strictly as Jackson (control bytes in strings, escapes, UTF-8
 * sequences, literals, number syntax, balanced containers, junk between tokens) and recording where each field of
 * an event lies, without decoding any string. Each event is validated whole before it is handed on, so a consumer
 * never sees invalid JSON. An event that runs past the end of the buffered bytes is scanned again once the rest of
 * its line (a newline) or the end of the body is in, so each line is scanned about once. Errors are
 * {@link ExportSyntaxException}s with the line; {@code endOfInput} when the body ends inside a record.
 */
public final class ExportScanner {
    static final int CHUNK = 256 * 1024;
    static final int MAX_DEPTH = 1000;
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PROPERTIES = "properties".getBytes(StandardCharsets.US_ASCII);

    /** Thrown (preallocated, no stack) when scanning reaches the end of the buffered bytes. */
    private static final class NeedMore extends RuntimeException {
        private static final long serialVersionUID = 1L;
        NeedMore() { super(null, null, false, false); }
    }

    private static final NeedMore NEED_MORE = new NeedMore();
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private final InputStream in;
    private byte[] buf = new byte[CHUNK];
    private int pos;
    private int limit;
    private boolean eof;
    private long line = 1;
    private long rescans;
    private final ExportEvent event = new ExportEvent();
    private byte[] stack = new byte[32];
    /** Flags of the last string or container scanned. */
    private int lastFlags;
    /** Type of the last value scanned (numbers: INTEGER or NUMBER). */
    private int lastType;

    public ExportScanner(InputStream in) {
        this.in = in;
    }

    /** The next event, or null at the end of the body. */
    public ExportEvent next() throws IOException {
        // between events: whitespace only
        while (true) {
            if (pos >= limit) {
                if (!readMore(pos)) return null;
                continue;
            }
            byte b = buf[pos];
            if (b == '\n') {
                line++;
                pos++;
            } else if (b == ' ' || b == '\t' || b == '\r') {
                pos++;
            } else {
                break;
            }
        }
        if (buf[pos] != '{') {
            throw new ExportSyntaxException("line " + line + " is not a JSON object (starts with " + describe(buf[pos]) + ")", line, false);
        }
        long startLine = line;
        while (true) {
            event.reset(buf, pos, startLine);
            try {
                int end = scanEvent(pos);
                event.end = end;
                pos = end;
                return event;
            } catch (NeedMore m) {
                line = startLine;
                rescans++;
                if (eof) throw new ExportSyntaxException("Unexpected end-of-input in the record at line " + startLine, line, true);
                readToNewLine();
            }
        }
    }

    /**
     * Called when the event at {@code pos} ran past the buffered bytes: keeps it (moved to the front of the buffer)
     * and reads until a newline byte arrives after the bytes already scanned, or the body ends. A body has one
     * event per line and a raw newline cannot be inside a string (control bytes are refused), a number or a
     * literal: once a newline is in, the event before it is whole or malformed, and one more scan decides.
     * Scanning again after every read instead restarted a long line from its start hundreds of times (O(length² /
     * read size): a 100 MB line took over 20 s). The search resumes where it stopped, so each byte is searched
     * once. Without a newline, the event is also scanned again each time its buffered bytes have doubled: events
     * may follow one another on one line, and a body without newlines must neither be held whole nor cost more
     * than about twice its scanning. A complete line still goes out as soon as it has arrived; an event spread
     * over several lines is scanned again at most once per read, as before.
     */
    private void readToNewLine() throws IOException {
        int scanned = limit - pos; // a newline among these is inside the event
        int searched = scanned;
        while (readMore(pos)) {
            byte[] b = buf;
            for (int i = pos + searched, lim = limit; i < lim; i++) {
                if (b[i] == '\n') return;
            }
            searched = limit - pos;
            if (searched - scanned >= scanned) return;
        }
    }

    /**
     * Keeps the bytes from {@code keepFrom} on (moving them to the front, growing the buffer if they fill it) and
     * reads more. Returns false at the end of the body. {@code pos} is moved along with the kept bytes. The buffer
     * grows by doubling only while one event fills it, so it stays within a few times the longest event (or
     * {@link #CHUNK}); once the kept bytes are small again, a grown buffer is given back for one of {@link #CHUNK}.
     */
    private boolean readMore(int keepFrom) throws IOException {
        if (eof) return false;
        int kept = limit - keepFrom;
        if (buf.length > CHUNK && kept <= CHUNK / 2) {
            byte[] small = new byte[CHUNK];
            System.arraycopy(buf, keepFrom, small, 0, kept);
            buf = small;
            pos -= keepFrom;
            limit = kept;
        } else if (keepFrom > 0) {
            System.arraycopy(buf, keepFrom, buf, 0, kept);
            pos -= keepFrom;
            limit = kept;
        }
        if (limit == buf.length) buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        // one read: whatever arrived is scanned (and its events delivered) before waiting for more
        int n;
        do {
            n = in.read(buf, limit, buf.length - limit);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    /** How many times an event was scanned again after running past the buffered bytes (for tests). */
    long rescans() {
        return rescans;
    }

    /** The buffer's size (for tests). */
    int capacity() {
        return buf.length;
    }

    private byte at(int p) {
        if (p >= limit) throw NEED_MORE;
        return buf[p];
    }

    private int ws(int p) {
        while (true) {
            if (p >= limit) throw NEED_MORE;
            byte b = buf[p];
            if (b == ' ' || b == '\t' || b == '\r') {
                p++;
            } else if (b == '\n') {
                line++;
                p++;
            } else {
                return p;
            }
        }
    }

    private ExportSyntaxException unexpected(byte b, String expected) {
        return new ExportSyntaxException("Unexpected character (" + describe(b) + ") at line " + line + ": expected "
                + expected, line, false);
    }

    private ExportSyntaxException notAnEvent(String why) {
        long at = event.line;
        return new ExportSyntaxException("line " + at + " is not an event (" + why + ")", at, false);
    }

    private static String describe(byte b) {
        int c = b & 0xFF;
        return c >= 0x20 && c < 0x7F ? "'" + (char) c + "'" : String.format("byte 0x%02X", c);
    }

    /**
     * Scans the event object starting at {@code p} (on its '{'), recording fields; returns the end. A line is an
     * event only with an {@code event} string and a {@code properties} object (docs/streams.md "Streams"): anything else,
     * such as an error object Mixpanel sent with status 200, or {@code {}}, makes the window malformed rather than
     * an empty event. The value is validated whole before it is refused, so a truncated line stays a truncation.
     */
    private int scanEvent(int p) throws IOException {
        boolean hasEvent = false;
        boolean hasProperties = false;
        p = ws(p + 1);
        if (buf[p] == '}') throw notAnEvent("it has no \"event\" string");
        while (true) {
            if (buf[p] != '"') throw unexpected(buf[p], "a field name in double quotes");
            int ns = p + 1;
            p = string(p);
            int ne = p - 1;
            boolean nameEscaped = (lastFlags & ExportEvent.ESCAPED) != 0;
            p = ws(p);
            if (buf[p] != ':') throw unexpected(buf[p], "':' after a field name");
            p = ws(p + 1);
            int which = topLevel(ns, ne, nameEscaped);
            if (which == 2 && buf[p] == '{') {
                p = properties(p);
                hasProperties = true;
            } else {
                int vs = p;
                p = value(p, typeOf(buf[p]));
                if (which == 1) {
                    if (lastType != ExportEvent.STRING) throw notAnEvent("its \"event\" is not a string");
                    event.add(ns, ne, vs, p, lastType, lastFlags | ExportEvent.TOP_EVENT | (nameEscaped ? ExportEvent.NAME_ESCAPED : 0));
                    hasEvent = true;
                } else if (which == 2) {
                    throw notAnEvent("its \"properties\" is not an object");
                }
            }
            p = ws(p);
            byte b = buf[p];
            if (b == ',') {
                p = ws(p + 1);
            } else if (b == '}') {
                if (!hasEvent) throw notAnEvent("it has no \"event\" string");
                if (!hasProperties) throw notAnEvent("it has no \"properties\" object");
                return p + 1;
            } else {
                throw unexpected(b, "',' or '}' in the event");
            }
        }
    }

    /** 1 for "event", 2 for "properties", else 0. */
    private int topLevel(int ns, int ne, boolean escaped) throws IOException {
        if (escaped) {
            String name = decodeString(buf, ns - 1, ne + 1);
            return name.equals("event") ? 1 : name.equals("properties") ? 2 : 0;
        }
        if (java.util.Arrays.equals(buf, ns, ne, EVENT, 0, EVENT.length)) return 1;
        if (java.util.Arrays.equals(buf, ns, ne, PROPERTIES, 0, PROPERTIES.length)) return 2;
        return 0;
    }

    /** The members of a top-level properties object, each recorded; returns the end. */
    private int properties(int p) throws IOException {
        int start = p;
        int fl = 0; // the object's flags as a container value (for export_raw_properties)
        spacedFlags = 0;
        p = ws(p + 1);
        if (p != start + 1) fl |= ExportEvent.NOT_COMPACT;
        if (buf[p] == '}') return endProperties(start, p + 1, fl);
        while (true) {
            if (buf[p] != '"') throw unexpected(buf[p], "a property name in double quotes");
            int ns = p + 1;
            p = string(p);
            int ne = p - 1;
            int nameFlags = (lastFlags & ExportEvent.ESCAPED) != 0 ? ExportEvent.NAME_ESCAPED : 0;
            fl |= lastFlags;
            // compact bodies (Mixpanel's) have no whitespace: look for the expected byte before skipping any
            if (p >= limit || buf[p] != ':') p = spaced(p);
            if (buf[p] != ':') throw unexpected(buf[p], "':' after a property name");
            p++;
            if (p >= limit || buf[p] <= ' ') p = spaced(p);
            int vs = p;
            p = value(p, typeOf(buf[p]));
            event.add(ns, ne, vs, p, lastType, lastFlags | nameFlags);
            fl |= lastFlags;
            if (p >= limit || buf[p] <= ' ') p = spaced(p);
            byte b = buf[p];
            if (b == ',') {
                p++;
                if (p >= limit || buf[p] != '"') p = spaced(p);
            } else if (b == '}') {
                return endProperties(start, p + 1, fl | spacedFlags);
            } else {
                throw unexpected(b, "',' or '}' in properties");
            }
        }
    }

    /** Whitespace skipped inside the properties object being scanned makes it not compact (rare path). */
    private int spacedFlags;

    private int spaced(int p) throws IOException {
        int q = ws(p);
        if (q != p) spacedFlags = ExportEvent.NOT_COMPACT;
        return q;
    }

    private int endProperties(int start, int end, int fl) {
        event.propertiesStart = start;
        event.propertiesEnd = end;
        event.propertiesFlags = fl & (ExportEvent.ESCAPED | ExportEvent.NOT_COMPACT);
        spacedFlags = 0;
        return end;
    }

    private static int typeOf(byte b) {
        return switch (b) {
            case '"' -> ExportEvent.STRING;
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> ExportEvent.INTEGER;
            case 't' -> ExportEvent.TRUE;
            case 'f' -> ExportEvent.FALSE;
            case 'n' -> ExportEvent.NULL;
            case '[' -> ExportEvent.ARRAY;
            case '{' -> ExportEvent.OBJECT;
            default -> 0;
        };
    }

    /** Scans one value of the given type (from {@link #typeOf}) at {@code p}; sets lastFlags; returns its end. */
    private int value(int p, int type) throws IOException {
        lastFlags = 0;
        lastType = type;
        switch (type) {
            case ExportEvent.STRING:
                return string(p);
            case ExportEvent.INTEGER:
                return number(p);
            case ExportEvent.TRUE:
                return literal(p, "true");
            case ExportEvent.FALSE:
                return literal(p, "false");
            case ExportEvent.NULL:
                return literal(p, "null");
            case ExportEvent.ARRAY:
            case ExportEvent.OBJECT: {
                int end = container(p);
                lastType = type; // scalars inside overwrote it
                return end;
            }
            default:
                throw unexpected(buf[p], "a JSON value");
        }
    }

    /** Number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}; lastType becomes NUMBER when it is not an integer. */
    private int number(int p) throws IOException {
        byte b = buf[p];
        if (b == '-') b = at(++p);
        if (b == '0') {
            b = at(++p);
        } else if (b >= '1' && b <= '9') {
            do {
                b = at(++p);
            } while (b >= '0' && b <= '9');
        } else {
            throw unexpected(b, "a digit in a number");
        }
        boolean real = false;
        if (b == '.') {
            real = true;
            b = at(++p);
            if (b < '0' || b > '9') throw unexpected(b, "a digit after the decimal point");
            do {
                b = at(++p);
            } while (b >= '0' && b <= '9');
        }
        if (b == 'e' || b == 'E') {
            real = true;
            b = at(++p);
            if (b == '+' || b == '-') b = at(++p);
            if (b < '0' || b > '9') throw unexpected(b, "a digit in an exponent");
            do {
                b = at(++p);
            } while (b >= '0' && b <= '9');
        }
        if (real) lastType = ExportEvent.NUMBER;
        return p;
    }

    private int literal(int p, String word) throws IOException {
        for (int i = 1; i < word.length(); i++) {
            byte b = at(p + i);
            if (b != word.charAt(i)) {
                throw new ExportSyntaxException("Unrecognized token at line " + line + ": expected '" + word + "'", line, false);
            }
        }
        return p + word.length();
    }

    /**
     * The string whose opening quote is at {@code p}; returns the index after its closing quote. Sets lastFlags:
     * {@link ExportEvent#ESCAPED} when it holds an escape, plus {@link ExportEvent#NOT_COMPACT} when one of them
     * is not as Jackson would write it.
     *
     * <p>An escaped surrogate that is not half of a pair ({@code \\ud800} alone, a high one not followed by a low
     * one, a low one alone) is valid JSON but no Unicode text: a strict target cannot store it. It is rewritten in
     * place as {@code \\ufffd}, U+FFFD (docs/streams.md "Streams"), so that every consumer (verbatim copies, names, decoded
     * values) sees the same text; a rescan of the same bytes finds nothing more to rewrite.
     */
    private int string(int p) throws IOException {
        byte[] b = buf;
        int lim = limit;
        int fl = 0;
        int high = -1; // the backslash of a high-surrogate escape not (yet) followed by its low half
        p++;
        while (true) {
            // 8 bytes at a time while none of them is special ('"', '\\', a control byte or a non-ASCII byte)
            while (p + 8 <= lim) {
                long x = (long) LONGS.get(b, p);
                long q = x ^ 0x2222222222222222L;
                long s = x ^ 0x5C5C5C5C5C5C5C5CL;
                long special = (((q - 0x0101010101010101L) & ~q) | ((s - 0x0101010101010101L) & ~s)
                        | (x - 0x2020202020202020L) | x) & 0x8080808080808080L;
                if (special != 0) {
                    p += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
                p += 8;
            }
            if (p >= lim) throw NEED_MORE;
            byte c = b[p];
            if (c >= 0x20) {
                if (c == '"') {
                    if (high >= 0) loneSurrogate(b, high);
                    lastFlags = fl;
                    return p + 1;
                }
                if (c == '\\') {
                    fl |= ExportEvent.ESCAPED;
                    byte e = at(p + 1);
                    switch (e) {
                        case '"', '\\', 'b', 't', 'f', 'n', 'r' -> p += 2;
                        case '/' -> {
                            fl |= ExportEvent.NOT_COMPACT;
                            p += 2;
                        }
                        case 'u' -> {
                            int v = 0;
                            boolean upper = true;
                            for (int i = 2; i < 6; i++) {
                                byte h = at(p + i);
                                int d;
                                if (h >= '0' && h <= '9') d = h - '0';
                                else if (h >= 'A' && h <= 'F') d = h - 'A' + 10;
                                else if (h >= 'a' && h <= 'f') {
                                    d = h - 'a' + 10;
                                    upper = false;
                                } else {
                                    throw new ExportSyntaxException("Unexpected character (" + describe(h)
                                            + ") at line " + line + ": expected a hex digit in a \\u escape", line, false);
                                }
                                v = v * 16 + d;
                            }
                            if (v >= 0x20 || !upper || v == 8 || v == 9 || v == 10 || v == 12 || v == 13) fl |= ExportEvent.NOT_COMPACT;
                            if (v >= 0xD800 && v <= 0xDFFF || high >= 0) {
                                boolean paired = high >= 0 && high + 6 == p && v >= 0xDC00 && v <= 0xDFFF;
                                if (high >= 0 && !paired) loneSurrogate(b, high);
                                high = v >= 0xD800 && v <= 0xDBFF ? p : -1;
                                if (v >= 0xDC00 && v <= 0xDFFF && !paired) loneSurrogate(b, p);
                            }
                            p += 6;
                        }
                        default -> throw new ExportSyntaxException("Unrecognized character escape " + describe(e)
                                + " at line " + line, line, false);
                    }
                } else {
                    p++;
                }
            } else if (c < 0) {
                p = utf8(p);
            } else {
                throw new ExportSyntaxException("Illegal unquoted character (control byte 0x"
                        + Integer.toHexString(c) + ") in a string at line " + line, line, false);
            }
        }
    }

    /** Rewrites the {@code \\uXXXX} escape whose backslash is at {@code at} as {@code \\ufffd}. */
    private static void loneSurrogate(byte[] b, int at) {
        b[at + 2] = 'f';
        b[at + 3] = 'f';
        b[at + 4] = 'f';
        b[at + 5] = 'd';
    }

    /**
     * A multi-byte UTF-8 sequence at {@code p}; returns its end. Only well-formed UTF-8 (RFC 3629) passes: besides
     * bad start and continuation bytes, overlong forms ({@code C0}, {@code C1}, {@code E0 80..9F}, {@code F0
     * 80..8F}), encoded surrogates ({@code ED A0..BF}) and code points past U+10FFFF ({@code F4 90..}, {@code F5..})
     * make the line malformed, never copied to stdout where a strict target could not decode them (docs/streams.md "Streams").
     */
    private int utf8(int p) throws IOException {
        int c = buf[p] & 0xFF;
        int n;
        if (c >= 0xC2 && c <= 0xDF) n = 1;
        else if (c >= 0xE0 && c <= 0xEF) n = 2;
        else if (c >= 0xF0 && c <= 0xF4) n = 3;
        else throw new ExportSyntaxException("Invalid UTF-8 start byte 0x" + Integer.toHexString(c) + " at line " + line, line, false);
        for (int i = 1; i <= n; i++) {
            if ((at(p + i) & 0xC0) != 0x80) {
                throw new ExportSyntaxException("Invalid UTF-8 middle byte at line " + line, line, false);
            }
        }
        if (c == 0xE0 || c == 0xED || c == 0xF0 || c == 0xF4) {
            int second = buf[p + 1] & 0xFF;
            String wrong = c == 0xE0 && second < 0xA0 || c == 0xF0 && second < 0x90 ? "an overlong form"
                    : c == 0xED && second > 0x9F ? "an encoded surrogate"
                    : c == 0xF4 && second > 0x8F ? "a code point past U+10FFFF" : null;
            if (wrong != null) {
                throw new ExportSyntaxException(String.format("Invalid UTF-8 (%s, bytes 0x%02X 0x%02X) at line %d", wrong, c, second, line),
                        line, false);
            }
        }
        return p + n + 1;
    }

    /** An array or object at {@code p}, validated to its matching end; sets lastFlags; returns its end. */
    private int container(int p) throws IOException {
        int depth = 0;
        int fl = 0;
        byte open = buf[p];
        stack[depth++] = open;
        p++;
        boolean first = true;
        while (true) {
            // at the start of a container (first) or after a comma: a value (objects: a member)
            int q = ws(p);
            if (q != p) fl |= ExportEvent.NOT_COMPACT;
            p = q;
            byte top = stack[depth - 1];
            byte c = buf[p];
            boolean closed = false;
            if (first && (c == ']' && top == '[' || c == '}' && top == '{')) {
                depth--;
                p++;
                closed = true;
            } else {
                if (top == '{') {
                    if (c != '"') throw unexpected(c, "a field name in double quotes");
                    p = string(p);
                    fl |= lastFlags;
                    q = ws(p);
                    if (q != p) fl |= ExportEvent.NOT_COMPACT;
                    p = q;
                    if (buf[p] != ':') throw unexpected(buf[p], "':' after a field name");
                    p++;
                    q = ws(p);
                    if (q != p) fl |= ExportEvent.NOT_COMPACT;
                    p = q;
                    c = buf[p];
                }
                if (c == '[' || c == '{') {
                    if (depth == MAX_DEPTH) throw new ExportSyntaxException("nesting deeper than " + MAX_DEPTH + " at line " + line, line, false);
                    if (depth == stack.length) stack = java.util.Arrays.copyOf(stack, depth * 2);
                    stack[depth++] = c;
                    p++;
                    first = true;
                    continue;
                }
                int type = typeOf(c);
                if (type == 0) throw unexpected(c, "a JSON value");
                p = value(p, type);
                if (type == ExportEvent.STRING) fl |= lastFlags;
            }
            // after a value: ',' or the end of its container (possibly several)
            while (true) {
                if (depth == 0) {
                    lastFlags = fl;
                    return p;
                }
                q = ws(p);
                if (q != p) fl |= ExportEvent.NOT_COMPACT;
                p = q;
                c = buf[p];
                byte close = stack[depth - 1] == '[' ? (byte) ']' : (byte) '}';
                if (c == ',') {
                    p++;
                    first = false;
                    break;
                }
                if (c == close) {
                    depth--;
                    p++;
                    continue;
                }
                throw unexpected(c, "',' or '" + (char) close + "'");
            }
        }
    }

    /** Decodes the JSON string whose quotes are at {@code from} and {@code to - 1} (rare paths only). */
    static String decodeString(byte[] b, int from, int to) throws IOException {
        try {
            return MixpanelJson.MAPPER.readValue(b, from, to - from, String.class);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot decode an already validated string", e);
        }
    }
}
