package io.tapmixpanel.mixpanel.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a stream on a thread of its own, a few chunks ahead of the reader: for a gzip export body, inflating
 * (about a third of the CPU an event costs) then runs on one core while the reader scans and renders on another,
 * so even a single export window uses both cores of a small machine (docs/performance.md "Performance").
 *
 * <p>What the reader sees is exactly what the underlying stream gives, in order: the same bytes, then the same end
 * of stream or the same exception object (so a transport failure is still recognised as such). Each underlying
 * {@code read} is handed over as it returns, so bytes that arrived before a stall reach the reader before the
 * stall's timeout. The underlying stream is only ever touched by the read-ahead thread, which stops at the end of
 * the stream, at the first exception, or when this stream is closed; closing does not wait for it (a read blocked
 * on the network ends when the connection is aborted, as the client does for any attempt that fails).
 */
final class ReadAheadStream extends InputStream {
    static final int CHUNK = 256 * 1024;
    static final int DEPTH = 3;
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** A read's result: bytes, or the end (len -1), or a failure. */
    private record Chunk(byte[] data, int len, Throwable failure) {}

    private final InputStream in;
    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(DEPTH + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(DEPTH);
    private Thread thread;
    private volatile boolean closed;
    private Chunk current;
    private int pos;

    ReadAheadStream(InputStream in) {
        this.in = in;
    }

    private void start() {
        for (int i = 0; i < DEPTH; i++) free.add(new byte[CHUNK]);
        thread = new Thread(this::pump, "tap-mixpanel-gunzip-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    private void pump() {
        try {
            while (!closed) {
                byte[] buf = free.take();
                Chunk c;
                try {
                    int n;
                    do {
                        n = in.read(buf, 0, buf.length);
                    } while (n == 0);
                    c = new Chunk(buf, n, null);
                } catch (Throwable t) {
                    c = new Chunk(buf, -1, t);
                }
                filled.put(c);
                if (c.len < 0) return;
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** The current chunk with bytes left, or null at the end; rethrows the underlying stream's failure. */
    private Chunk chunk() throws IOException {
        if (current != null && pos < current.len) return current;
        if (current != null && current.len < 0) return rethrow(current);
        if (thread == null) start();
        if (current != null) free.add(current.data);
        try {
            current = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the response");
        }
        pos = 0;
        return current.len < 0 ? rethrow(current) : current;
    }

    private static Chunk rethrow(Chunk c) throws IOException {
        Throwable t = c.failure;
        if (t == null) return null;
        if (t instanceof IOException e) throw e;
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        throw new IOException(t);
    }

    @Override
    public int read() throws IOException {
        Chunk c = chunk();
        return c == null ? -1 : c.data[pos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        Chunk c = chunk();
        if (c == null) return -1;
        int n = Math.min(len, c.len - pos);
        System.arraycopy(c.data, pos, b, off, n);
        pos += n;
        return n;
    }

    /** The read-ahead thread, once started (for tests). */
    Thread thread() { return thread; }

    @Override
    public void close() {
        closed = true;
        if (thread != null) thread.interrupt();
    }
}
