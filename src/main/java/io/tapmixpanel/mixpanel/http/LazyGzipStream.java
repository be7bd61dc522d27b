package io.tapmixpanel.mixpanel.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Gzip decoding that tolerates an empty body (a gzip-labelled empty export is zero events, where
 * GZIPInputStream would throw at construction), that reads its header lazily, on the first read, so that a
 * transport failure there surfaces where the reader expects it, and that reads every member of a multi-member
 * body (see {@link MemberBoundaryAware}).
 */
public final class LazyGzipStream extends InputStream {
    static final int BUFFER = 64 * 1024;
    private final InputStream raw;
    private InputStream decoded;

    public LazyGzipStream(InputStream raw) {
        this.raw = raw;
    }

    /**
     * A body that is not the gzip its Content-Encoding says: a server's (or a proxy's) fault that a retry would
     * only repeat, unlike a connection cut mid-body (an EOFException, not this). Unchecked, so that no reader
     * mistakes it for a transport failure of its own; {@link SingleAttempt} makes it a final error.
     */
    static final class NotGzipException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotGzipException(ZipException cause) {
            super(cause.getMessage() == null ? "corrupt gzip data" : cause.getMessage(), cause);
        }
    }

    private InputStream decoded() throws IOException {
        if (decoded == null) {
            PushbackInputStream p = new PushbackInputStream(raw, 1);
            int first = p.read();
            if (first < 0) {
                decoded = InputStream.nullInputStream();
            } else {
                // Checked here, since a plain body shorter than a gzip header ("[]") would end in an EOFException
                // that reads as a connection cut short.
                if (first != 0x1f) throw new NotGzipException(new ZipException("Not in GZIP format"));
                p.unread(first);
                try {
                    decoded = new GZIPInputStream(new MemberBoundaryAware(p), BUFFER);
                } catch (ZipException e) {
                    throw new NotGzipException(e);
                }
            }
        }
        return decoded;
    }

    @Override
    public int read() throws IOException {
        try {
            return decoded().read();
        } catch (ZipException e) {
            throw new NotGzipException(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return decoded().read(b, off, len);
        } catch (ZipException e) {
            throw new NotGzipException(e);
        }
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }

    /**
     * GZIPInputStream only looks for a next member when {@code available() > 0} at the end of one: over a network
     * that is often 0 at a member boundary, and it would silently end the body there, losing every later event.
     * Here {@code available()} waits for (and keeps) the next byte, so that 0 really means the end of the body.
     * GZIPInputStream calls it only at member ends, so this costs nothing on the hot path.
     */
    static final class MemberBoundaryAware extends InputStream {
        private final InputStream in;
        private int peeked = -2; // -2: nothing peeked; -1: end of stream seen; else the byte

        MemberBoundaryAware(InputStream in) {
            this.in = in;
        }

        @Override
        public int available() throws IOException {
            if (peeked == -2) peeked = in.read();
            return peeked >= 0 ? 1 : 0;
        }

        @Override
        public int read() throws IOException {
            if (peeked != -2) {
                int b = peeked;
                if (b >= 0) peeked = -2;
                return b;
            }
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (peeked != -2) {
                if (peeked < 0) return -1;
                b[off] = (byte) peeked;
                peeked = -2;
                return 1;
            }
            return in.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
