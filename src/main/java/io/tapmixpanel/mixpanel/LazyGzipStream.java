package io.tapmixpanel.mixpanel;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;

/**
 * Gzip decoding that tolerates an empty body (a gzip-labelled empty export is zero events, where
 * GZIPInputStream would throw at construction), and that reads its header lazily, on the first read, so that a
 * transport failure there surfaces where the reader expects it.
 */
final class LazyGzipStream extends InputStream {
    static final int BUFFER = 64 * 1024;
    private final InputStream raw;
    private InputStream decoded;

    LazyGzipStream(InputStream raw) {
        this.raw = raw;
    }

    private InputStream decoded() throws IOException {
        if (decoded == null) {
            PushbackInputStream p = new PushbackInputStream(raw, 1);
            int first = p.read();
            if (first < 0) {
                decoded = InputStream.nullInputStream();
            } else {
                p.unread(first);
                decoded = new GZIPInputStream(p, BUFFER);
            }
        }
        return decoded;
    }

    @Override
    public int read() throws IOException {
        return decoded().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return decoded().read(b, off, len);
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
