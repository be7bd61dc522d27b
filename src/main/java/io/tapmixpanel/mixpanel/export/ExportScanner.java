package io.tapmixpanel.mixpanel.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static io.tapmixpanel.mixpanel.export.ExportSyntaxException.describe;

/**
 * The byte-level reader of a raw-export body (docs/performance.md "Performance"): one pass over the decompressed bytes, read in large
 * chunks into one buffer, validating JSON as strictly as Jackson (control bytes in strings, escapes, UTF-8
 * sequences, literals, number syntax, balanced containers, junk between tokens) and recording where each field of
 * an event lies, without decoding any string. Each event is validated whole before it is handed on, so a consumer
 * never sees invalid JSON. An event that runs past the end of the buffered bytes is scanned again once the rest of
 * its line (a newline) or the end of the body is in, so each line is scanned about once. Errors are
 * {@link ExportSyntaxException}s with the line; {@code endOfInput} when the body ends inside a record. The buffered
 * bytes and the reading up to a line boundary are {@link ExportBuffer}'s, the UTF-8 and surrogate rules
 * {@link ExportText}'s; the JSON grammar is here.
 */
public final class ExportScanner extends ExportBuffer {
    static final int MAX_DEPTH = 1000;
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PROPERTIES = "properties".getBytes(StandardCharsets.US_ASCII);

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private final ExportEvent event = new ExportEvent();
    private byte[] stack = new byte[32];
    /** Flags of the last string or container scanned. */
    private int lastFlags;
    /** Type of the last value scanned (numbers: INTEGER or NUMBER). */
    private int lastType;

    public ExportScanner(InputStream in) {
        super(in);
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

    private ExportSyntaxException unexpected(byte b, String expected) {
        return new ExportSyntaxException("Unexpected character (" + describe(b) + ") at line " + line + ": expected "
                + expected, line, false);
    }

    private ExportSyntaxException notAnEvent(String why) {
        long at = event.line;
        return new ExportSyntaxException("line " + at + " is not an event (" + why + ")", at, false);
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
            String name = ExportText.decodeString(buf, ns - 1, ne + 1);
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
                    if (high >= 0) ExportText.loneSurrogate(b, high);
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
                                if (high >= 0 && !paired) ExportText.loneSurrogate(b, high);
                                high = v >= 0xD800 && v <= 0xDBFF ? p : -1;
                                if (v >= 0xDC00 && v <= 0xDFFF && !paired) ExportText.loneSurrogate(b, p);
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
                p = ExportText.utf8(b, p, lim, line);
            } else {
                throw new ExportSyntaxException("Illegal unquoted character (control byte 0x"
                        + Integer.toHexString(c) + ") in a string at line " + line, line, false);
            }
        }
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

}
