package io.tapmixpanel.mixpanel.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tapmixpanel.mixpanel.http.LazyGzipStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The read-ahead thread between the gzip decoder and the export scanner changes nothing the reader can see. */
class ReadAheadStreamTest {

    /** Gives {@code data} in reads of 1..max bytes, then ends or throws {@code failure}. */
    private static final class Source extends InputStream {
        final byte[] data;
        final Random sizes = new Random(7);
        final int max;
        final IOException failure;
        int pos;
        volatile int reads;

        Source(byte[] data, int max, IOException failure) {
            this.data = data;
            this.max = max;
            this.failure = failure;
        }

        @Override
        public int read() {
            throw new AssertionError("single-byte reads are not used");
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            reads++;
            if (pos == data.length) {
                if (failure != null) throw failure;
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + sizes.nextInt(max)), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    /** Reads everything in reads of 1..max bytes. */
    private static byte[] drain(InputStream in, int max, ByteArrayOutputStream got) throws IOException {
        Random sizes = new Random(11);
        byte[] buf = new byte[max];
        int n;
        while ((n = in.read(buf, 0, 1 + sizes.nextInt(max))) >= 0) got.write(buf, 0, n);
        return got.toByteArray();
    }

    @Test
    void theReaderGetsTheSameBytesWhateverTheReadSizesOnEitherSide() throws IOException {
        for (int[] sizes : new int[][] {{1, 1}, {7, 100_000}, {300_000, 3}, {ReadAheadStream.CHUNK, ReadAheadStream.CHUNK}}) {
            byte[] data = random(sizes[0] == 1 ? 20_000 : 3 * ReadAheadStream.CHUNK + 12_345); // 1-byte reads: a handover each
            ReadAheadStream in = new ReadAheadStream(new Source(data, sizes[0], null));
            assertArrayEquals(data, drain(in, sizes[1], new ByteArrayOutputStream()));
            assertEquals(-1, in.read(), "the end stays the end");
            in.close();
        }
    }

    @Test
    void singleByteReadsWork() throws IOException {
        ReadAheadStream in = new ReadAheadStream(new Source(new byte[] {1, 2, (byte) 0xFF}, 2, null));
        assertEquals(1, in.read());
        assertEquals(2, in.read());
        assertEquals(0xFF, in.read());
        assertEquals(-1, in.read());
    }

    @Test
    void aFailureArrivesAfterEveryByteBeforeIt_asTheSameObject_andStays() throws IOException {
        byte[] data = random(ReadAheadStream.CHUNK + 999);
        SocketTimeoutException timeout = new SocketTimeoutException("Read timed out");
        ReadAheadStream in = new ReadAheadStream(new Source(data, 50_000, timeout));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        assertSame(timeout, assertThrows(SocketTimeoutException.class, () -> drain(in, 4096, got)));
        assertArrayEquals(data, got.toByteArray());
        assertSame(timeout, assertThrows(SocketTimeoutException.class, () -> in.read(new byte[10], 0, 10)));
    }

    @Test
    void aRuntimeFailureOfTheSourceIsRethrownAsItIs() {
        IllegalStateException boom = new IllegalStateException("inflater broke");
        ReadAheadStream in = new ReadAheadStream(new InputStream() {
            @Override
            public int read() {
                throw boom;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                throw boom;
            }
        });
        assertSame(boom, assertThrows(IllegalStateException.class, () -> in.read(new byte[10], 0, 10)));
    }

    @Test
    void closingStopsTheThreadWithoutReadingTheRestOfTheSource() throws Exception {
        Source source = new Source(random(100 * ReadAheadStream.CHUNK), ReadAheadStream.CHUNK, null);
        ReadAheadStream in = new ReadAheadStream(source);
        in.read(new byte[100], 0, 100);
        in.close();
        in.thread().join(5000);
        assertEquals(false, in.thread().isAlive(), "the read-ahead thread ended");
        int reads = source.reads;
        assertEquals(true, reads <= ReadAheadStream.DEPTH + 2, "read ahead at most its buffers, read " + reads + " times");
    }

    @Test
    void aReaderInterruptedWhileWaitingForTheBodyStopsWithoutAFailedAttemptToRetry() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InputStream stalled = new InputStream() { // the server sends nothing yet; the read times out later
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return read();
            }

            @Override
            public int read() throws IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new SocketTimeoutException("Read timed out");
            }
        };
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                ExportReader.read(new LazyGzipStream(stalled), new ExportConsumer() {
                    @Override public void beginAttempt(int attempt) {}

                    @Override public void onEvent(ExportEvent e) {}

                    @Override public void discardAttempt(String reason) {}
                });
                outcome.set(new AssertionError("the read ended normally"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        reader.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (reader.getState() != Thread.State.WAITING && System.nanoTime() < deadline) Thread.sleep(5);
        reader.interrupt(); // what cancelling the window's future does
        reader.join(10_000);
        release.countDown();
        // Not ExportReader.AttemptFailed (which the client retries with a "connection failed" warning).
        assertEquals(UncheckedIOException.class, outcome.get().getClass(), String.valueOf(outcome.get()));
        assertEquals(InterruptedIOException.class, outcome.get().getCause().getClass());
    }
}
