package io.tapmixpanel.mixpanel.export;

import java.io.IOException;
import java.io.InputStream;

/**
 * The buffered bytes of a raw-export body, as {@link ExportScanner} reads them (docs/performance.md "Performance"):
 * read in large chunks into one buffer, kept from the event being scanned on, grown only while one event fills it,
 * and read up to a line boundary when an event runs past them; whitespace is skipped here, counting lines.
 *
 * <p>A superclass rather than a field of the scanner, so that the scanner's hot path reads {@code buf},
 * {@code limit} and {@code line} as its own fields, with no extra load per byte; every method is final, the class
 * sealed: no call here is virtual.
 */
abstract sealed class ExportBuffer permits ExportScanner {
    static final int CHUNK = 256 * 1024;

    /** Thrown (preallocated, no stack) when scanning reaches the end of the buffered bytes. */
    static final class NeedMore extends RuntimeException {
        private static final long serialVersionUID = 1L;
        NeedMore() { super(null, null, false, false); }
    }

    static final NeedMore NEED_MORE = new NeedMore();

    private final InputStream in;
    byte[] buf = new byte[CHUNK];
    int pos;
    int limit;
    boolean eof;
    long line = 1;
    long rescans;

    ExportBuffer(InputStream in) {
        this.in = in;
    }

    /**
     * Called when the event at {@code pos} ran past the buffered bytes: keeps it (moved to the front of the buffer)
     * and reads until a newline byte arrives after the bytes already scanned, or the body ends. A body has one
     * event per line and a raw newline cannot be inside a string (control bytes are refused), a number or a
     * literal: once a newline is in, the event before it is whole or malformed, and one more scan decides.
     * Scanning again after every read instead restarted a long line from its start hundreds of times (O(length² /
     * read size): a 100 MB line took over 20 s). The search resumes where it stopped, so each byte is searched
     * once. Without a newline, the event is also scanned again each time its buffered bytes have doubled: events
     * may follow one another on one line, and a body without newlines must neither be held whole nor cost more
     * than about twice its scanning. A complete line still goes out as soon as it has arrived; an event spread
     * over several lines is scanned again at most once per read, as before.
     */
    final void readToNewLine() throws IOException {
        int scanned = limit - pos; // a newline among these is inside the event
        int searched = scanned;
        while (readMore(pos)) {
            byte[] b = buf;
            for (int i = pos + searched, lim = limit; i < lim; i++) {
                if (b[i] == '\n') return;
            }
            searched = limit - pos;
            if (searched - scanned >= scanned) return;
        }
    }

    /**
     * Keeps the bytes from {@code keepFrom} on (moving them to the front, growing the buffer if they fill it) and
     * reads more. Returns false at the end of the body. {@code pos} is moved along with the kept bytes. The buffer
     * grows by doubling only while one event fills it, so it stays within a few times the longest event (or
     * {@link #CHUNK}); once the kept bytes are small again, a grown buffer is given back for one of {@link #CHUNK}.
     */
    final boolean readMore(int keepFrom) throws IOException {
        if (eof) return false;
        int kept = limit - keepFrom;
        if (buf.length > CHUNK && kept <= CHUNK / 2) {
            byte[] small = new byte[CHUNK];
            System.arraycopy(buf, keepFrom, small, 0, kept);
            buf = small;
            pos -= keepFrom;
            limit = kept;
        } else if (keepFrom > 0) {
            System.arraycopy(buf, keepFrom, buf, 0, kept);
            pos -= keepFrom;
            limit = kept;
        }
        if (limit == buf.length) buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        // one read: whatever arrived is scanned (and its events delivered) before waiting for more
        int n;
        do {
            n = in.read(buf, limit, buf.length - limit);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    /** How many times an event was scanned again after running past the buffered bytes (for tests). */
    final long rescans() {
        return rescans;
    }

    /** The buffer's size (for tests). */
    final int capacity() {
        return buf.length;
    }

    final byte at(int p) {
        if (p >= limit) throw NEED_MORE;
        return buf[p];
    }

    final int ws(int p) {
        while (true) {
            if (p >= limit) throw NEED_MORE;
            byte b = buf[p];
            if (b == ' ' || b == '\t' || b == '\r') {
                p++;
            } else if (b == '\n') {
                line++;
                p++;
            } else {
                return p;
            }
        }
    }
}
