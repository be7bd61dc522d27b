package io.tapmixpanel.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Gzip helpers. Cached export days are compressed once as independent raw-deflate pieces ending in a full
 * flush (not final), so any run of consecutive days is sent as ONE gzip member: header, the days' pieces, an
 * empty final block, and the CRC-32 combined from the days' CRCs. That is a plain single-member gzip stream
 * every decoder reads, with no per-request compression.
 */
final class Gzip {
    private Gzip() {}

    static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    /** A final, empty, fixed-Huffman deflate block. */
    static final byte[] FINAL_BLOCK = {0x03, 0x00};

    /** Deflate level of the cached export days (tuning knob: -Dmixpanel.sandbox.gzip.level=1..9). */
    static final int LEVEL = Integer.getInteger("mixpanel.sandbox.gzip.level", Deflater.BEST_SPEED);

    /** A raw-deflate piece of {@code data} ending in a full flush (byte-aligned, dictionary reset, not final). */
    static byte[] deflatePiece(byte[] data, int off, int len) {
        Deflater d = new Deflater(LEVEL, true);
        try {
            d.setInput(data, off, len);
            byte[] out = new byte[Math.max(64, len / 3 + 64)];
            int n = 0;
            while (true) {
                int w = d.deflate(out, n, out.length - n, Deflater.FULL_FLUSH);
                n += w;
                if (n < out.length && d.needsInput()) break;
                if (n == out.length) out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            return java.util.Arrays.copyOf(out, n);
        } finally {
            d.end();
        }
    }

    static long crc(byte[] data, int off, int len) {
        CRC32 c = new CRC32();
        c.update(data, off, len);
        return c.getValue();
    }

    static byte[] trailer(long crc, long totalLength) {
        long size = totalLength & 0xffffffffL;
        return new byte[] {
            (byte) crc, (byte) (crc >>> 8), (byte) (crc >>> 16), (byte) (crc >>> 24),
            (byte) size, (byte) (size >>> 8), (byte) (size >>> 16), (byte) (size >>> 24)};
    }

    /** One-shot gzip of a whole body. */
    static byte[] gzip(byte[] data, int off, int len) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(Math.max(64, len / 4));
        try (GZIPOutputStream gz = new GZIPOutputStream(bos, 65536) {{ def.setLevel(Deflater.BEST_SPEED); }}) {
            gz.write(data, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    // CRC-32 combination, after zlib's crc32_combine (GF(2) matrix method).
    private static long times(long[] mat, long vec) {
        long sum = 0;
        int i = 0;
        while (vec != 0) {
            if ((vec & 1) != 0) sum ^= mat[i];
            vec >>>= 1;
            i++;
        }
        return sum;
    }

    private static void square(long[] sq, long[] mat) {
        for (int n = 0; n < 32; n++) sq[n] = times(mat, mat[n]);
    }

    /** CRC-32 of A||B given crc(A), crc(B) and len(B). */
    static long crcCombine(long crc1, long crc2, long len2) {
        if (len2 <= 0) return crc1;
        long[] even = new long[32];
        long[] odd = new long[32];
        odd[0] = 0xedb88320L;
        long row = 1;
        for (int n = 1; n < 32; n++) { odd[n] = row; row <<= 1; }
        square(even, odd);
        square(odd, even);
        do {
            square(even, odd);
            if ((len2 & 1) != 0) crc1 = times(even, crc1);
            len2 >>= 1;
            if (len2 == 0) break;
            square(odd, even);
            if ((len2 & 1) != 0) crc1 = times(odd, crc1);
            len2 >>= 1;
        } while (len2 != 0);
        return crc1 ^ crc2;
    }
}
