package io.tapmixpanel.mixpanel.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A response body stream that remembers what the reader needs to explain a failure: whether the end was
 * reached, the last bytes read (to recognise a trailing {@code terminated early}), how many bytes were read,
 * and the IOException the transport threw, if any (to tell a reset connection from a consumer's own failure).
 */
final class WatchedBody extends InputStream {
    private static final int TAIL = 64;
    private final InputStream in;
    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    private boolean ended;
    private IOException transportFailure;

    WatchedBody(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = in.read();
        } catch (IOException e) {
            transportFailure = e;
            throw e;
        }
        if (b < 0) {
            ended = true;
        } else {
            remember(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            transportFailure = e;
            throw e;
        }
        if (n < 0) {
            ended = true;
        } else if (n > 0) {
            remember(b, off, n);
        }
        return n;
    }

    private void remember(byte[] b, int off, int n) {
        if (n >= TAIL) {
            System.arraycopy(b, off + n - TAIL, tail, 0, TAIL);
            tailLength = TAIL;
            return;
        }
        int keep = Math.min(tailLength, TAIL - n);
        System.arraycopy(tail, tailLength - keep, tail, 0, keep);
        System.arraycopy(b, off, tail, keep, n);
        tailLength = keep + n;
    }

    /**
     * Reads on, discarding, until the end of the body or {@code limit} more bytes. Returns true when the end
     * was reached. Transport failures propagate (and are remembered).
     */
    boolean drainAtMost(long limit) throws IOException {
        byte[] scratch = new byte[8192];
        long left = limit;
        while (!ended && left > 0) {
            int n = read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n > 0) left -= n;
        }
        return ended;
    }

    /** True when the body's last non-whitespace bytes are {@code suffix}. Only meaningful once {@link #ended()}. */
    boolean endsWith(String suffix) {
        byte[] s = suffix.getBytes(StandardCharsets.US_ASCII);
        int end = tailLength;
        while (end > 0 && (tail[end - 1] == '\n' || tail[end - 1] == '\r' || tail[end - 1] == ' ' || tail[end - 1] == '\t')) {
            end--;
        }
        if (end < s.length) return false;
        for (int i = 0; i < s.length; i++) {
            if (tail[end - s.length + i] != s[i]) return false;
        }
        return true;
    }

    boolean ended() { return ended; }

    /** The IOException the underlying stream threw, or null. */
    IOException transportFailure() { return transportFailure; }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
