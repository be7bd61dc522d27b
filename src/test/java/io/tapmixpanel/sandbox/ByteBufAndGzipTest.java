package io.tapmixpanel.sandbox;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written number formatting and the gzip-from-pieces assembly the export fast path relies on. */
class ByteBufAndGzipTest {
    @Test
    void numbersFormatLikeLongToString() {
        SplittableRandom r = new SplittableRandom(1);
        long[] edge = {0, 9, 10, 99, 100, 999, 1000, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, Long.MAX_VALUE, -1, -10,
            Long.MIN_VALUE, 1_000_000_000_000_000_000L, 999_999_999_999_999_999L};
        ByteBuf b = new ByteBuf(16);
        for (long v : edge) check(b, v);
        for (int i = 0; i < 100_000; i++) {
            long v = r.nextLong() >> r.nextInt(64);
            check(b, v);
        }
        for (int i = 1; i < 19; i++) assertEquals(i, ByteBuf.digits(Long.parseLong("9".repeat(i))));
        b.clear();
        assertEquals("123.05", new String(b.cents(12305).toArray(), StandardCharsets.US_ASCII));
    }

    private static void check(ByteBuf b, long v) {
        b.clear();
        b.num(v);
        assertEquals(Long.toString(v), new String(b.toArray(), StandardCharsets.US_ASCII));
    }

    @Test
    void piecesMakeOneValidGzipMember() throws Exception {
        byte[][] parts = {"first day\n".repeat(1000).getBytes(StandardCharsets.UTF_8), "é日本🚀\n".repeat(500).getBytes(StandardCharsets.UTF_8),
            "x".getBytes(StandardCharsets.UTF_8)};
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        gz.write(Gzip.HEADER);
        long crc = 0, len = 0;
        for (byte[] p : parts) {
            gz.write(Gzip.deflatePiece(p, 0, p.length));
            crc = Gzip.crcCombine(crc, Gzip.crc(p, 0, p.length), p.length);
            len += p.length;
            plain.write(p);
        }
        gz.write(Gzip.FINAL_BLOCK);
        gz.write(Gzip.trailer(crc, len));
        assertEquals(Gzip.crc(plain.toByteArray(), 0, plain.size()), crc);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.toByteArray()))) {
            assertArrayEquals(plain.toByteArray(), in.readAllBytes());
        }
    }
}
