package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The stream Singer messages reach (the process's stdout), written only in whole lines, and stoppable between two
 * lines (docs/reliability.md "Reliability"): a target must never see a cut message, whether the tap fails, is signalled or finds
 * its target gone. Every write to the underlying stream happens under one lock; {@link #stop} takes that lock for
 * good, so once it returns nothing more reaches the output, and a writer that comes back parks until the process
 * ends. A spool being appended when the stop comes is cut after its current line. Also remembers the last STATE
 * that reached the output, for the line the tap logs when it stops.
 */
public final class WholeLineOutput extends OutputStream {
    /** A spool goes out in pieces of this size, so that a stop waits at most for one piece, then its line's end. */
    static final int TRANSFER_PIECE = 256 * 1024;

    private final OutputStream raw;
    private final FileChannel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean stopping;
    private volatile boolean targetClosed;
    private volatile JsonNode lastState;

    public WholeLineOutput(OutputStream raw) {
        this.raw = raw;
        // A descriptor (the real stdout, a file): spools go kernel-to-kernel with FileChannel.transferTo.
        this.channel = raw instanceof FileOutputStream fos ? fos.getChannel() : null;
    }

    /** Whole lines: {@code len} bytes ending with a newline (or other bytes, for the catalog of --discover). */
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        enter();
        try {
            raw.write(b, off, len);
            raw.flush();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** Records that the STATE message {@code state} reached the output (called after the write that carried it). */
    void stateWritten(JsonNode state) {
        lastState = state;
    }

    /**
     * Appends bytes {@code 0..size} of a spool of whole lines. A stop in the middle lets the current line finish and
     * then parks this thread: the rest of the spool, and anything after it, never reaches the output.
     */
    void transferLines(FileChannel src, long size) throws IOException {
        enter();
        try {
            long pos = 0;
            while (pos < size) {
                long n = Math.min(TRANSFER_PIECE, size - pos);
                long sent = channel != null ? src.transferTo(pos, n, channel) : copy(src, pos, n);
                if (sent <= 0) sent = copy(src, pos, n); // should not happen on a readable regular file
                if (sent <= 0) throw new IOException("export spool ended at byte " + pos + " of " + size);
                pos += sent;
                if (stopping && pos < size) {
                    finishLine(src, pos, size);
                    break;
                }
            }
            raw.flush();
        } finally {
            lock.unlock();
        }
        if (stopping) parkUntilTheProcessEnds();
    }

    /** Writes the spool from {@code pos} through the next newline, if {@code pos} is inside a line. */
    private void finishLine(FileChannel src, long pos, long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        if (pos > 0 && src.read(one, pos - 1) == 1 && one.get(0) == '\n') return;
        ByteBuffer piece = ByteBuffer.allocate(8192);
        while (pos < size) {
            piece.clear();
            int n = src.read(piece, pos);
            if (n <= 0) return;
            byte[] a = piece.array();
            int end = 0;
            while (end < n && a[end] != '\n') end++;
            boolean found = end < n;
            raw.write(a, 0, found ? end + 1 : n);
            if (found) return;
            pos += n;
        }
    }

    private long copy(FileChannel src, long pos, long n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(n, 64 * 1024));
        long done = 0;
        while (done < n) {
            buf.clear();
            if (n - done < buf.capacity()) buf.limit((int) (n - done));
            int r = src.read(buf, pos + done);
            if (r <= 0) break;
            raw.write(buf.array(), 0, r);
            done += r;
        }
        return done;
    }

    @Override
    public void flush() throws IOException {
        enter();
        try {
            raw.flush();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        enter();
        try {
            raw.close();
        } finally {
            lock.unlock();
        }
    }

    private void enter() {
        lock.lock();
        if (stopping) {
            lock.unlock();
            parkUntilTheProcessEnds();
        }
    }

    /**
     * Ends all output: waits up to {@code timeoutMillis} for a write under way to reach the end of its line, then
     * keeps the output closed to every writer. Called once, by whoever ends the process right after (a signal
     * handler, the target watch). True when the output is known to end on a whole line; false when a write was
     * still blocked (a target that stopped reading).
     */
    public boolean stop(long timeoutMillis) {
        stopping = true;
        try {
            return lock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS); // never released: the process is ending
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether {@link #stop} was called. A writer failing then does not report: the stop does. */
    public boolean stopping() { return stopping; }

    /** The STATE value of the last STATE message that reached the output. */
    public Optional<JsonNode> lastState() { return Optional.ofNullable(lastState); }

    void markTargetClosed() { targetClosed = true; }

    /** Whether a write already failed because the reader went away (and is being reported by the writer). */
    public boolean targetClosed() { return targetClosed; }

    /** Called only while the process is being ended by {@link #stop}'s caller; parking keeps this thread silent. */
    static void parkUntilTheProcessEnds() {
        while (true) LockSupport.park(WholeLineOutput.class);
    }
}
