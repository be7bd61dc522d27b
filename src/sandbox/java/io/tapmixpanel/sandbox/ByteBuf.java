package io.tapmixpanel.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte array with fast appenders for hand-written JSON. Not thread-safe. */
final class ByteBuf {
    byte[] a;
    int n;

    ByteBuf(int capacity) { a = new byte[Math.max(16, capacity)]; }

    void ensure(int more) {
        if (n + more > a.length) a = Arrays.copyOf(a, Math.max(a.length * 2, n + more));
    }

    ByteBuf raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, a, n, b.length);
        n += b.length;
        return this;
    }

    ByteBuf raw(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, a, n, len);
        n += len;
        return this;
    }

    ByteBuf b(char c) { ensure(1); a[n++] = (byte) c; return this; }

    /** Appends an ASCII string as is (no escaping). */
    ByteBuf ascii(String s) {
        int len = s.length();
        ensure(len);
        for (int i = 0; i < len; i++) a[n++] = (byte) s.charAt(i);
        return this;
    }

    private static final long[] POW10 = new long[19];
    private static final byte[] TENS = new byte[100];
    private static final byte[] ONES = new byte[100];

    static {
        long p = 1;
        for (int i = 0; i < 19; i++) { POW10[i] = p; p *= 10; }
        for (int i = 0; i < 100; i++) { TENS[i] = (byte) ('0' + i / 10); ONES[i] = (byte) ('0' + i % 10); }
    }

    ByteBuf num(long v) {
        if (v == Long.MIN_VALUE) return ascii(Long.toString(v));
        ensure(20);
        if (v < 0) { a[n++] = '-'; v = -v; }
        int end = n + digits(v);
        int p = end;
        if (v <= Integer.MAX_VALUE) {
            int x = (int) v;
            while (x >= 100) { int q = x % 100; x /= 100; a[--p] = ONES[q]; a[--p] = TENS[q]; }
            if (x >= 10) { a[--p] = ONES[x]; a[--p] = TENS[x]; } else a[--p] = (byte) ('0' + x);
        } else {
            while (v >= 100) { int q = (int) (v % 100); v /= 100; a[--p] = ONES[q]; a[--p] = TENS[q]; }
            if (v >= 10) { a[--p] = ONES[(int) v]; a[--p] = TENS[(int) v]; } else a[--p] = (byte) ('0' + v);
        }
        n = end;
        return this;
    }

    /** Number of decimal digits of v >= 0. */
    static int digits(long v) {
        if (v < 10) return 1;
        int t = ((64 - Long.numberOfLeadingZeros(v)) * 1233) >>> 12;
        return t < 19 && v >= POW10[t] ? t + 1 : t;
    }

    /** Appends {@code hundredths / 100} with exactly two decimals, e.g. 12345 → 123.45. */
    ByteBuf cents(long hundredths) {
        if (hundredths < 0) { b('-'); hundredths = -hundredths; }
        num(hundredths / 100).b('.');
        long c = hundredths % 100;
        ensure(2);
        a[n++] = (byte) ('0' + c / 10);
        a[n++] = (byte) ('0' + c % 10);
        return this;
    }

    /** Appends 32 random hex digits in the 8-4-4-4-12 UUID layout. */
    ByteBuf uuid(long hi, long lo) {
        ensure(36);
        hex(hi >>> 32, 8); a[n++] = '-';
        hex((hi >>> 16) & 0xffff, 4); a[n++] = '-';
        hex(hi & 0xffff, 4); a[n++] = '-';
        hex(lo >>> 48, 4); a[n++] = '-';
        hex(lo & 0xffffffffffffL, 12);
        return this;
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private void hex(long v, int digits) {
        for (int i = digits - 1; i >= 0; i--) { a[n + i] = HEX[(int) (v & 15)]; v >>>= 4; }
        n += digits;
    }

    byte[] toArray() { return Arrays.copyOf(a, n); }

    void clear() { n = 0; }

    /** JSON string literal (with quotes), non-ASCII kept as UTF-8, control characters escaped. */
    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
