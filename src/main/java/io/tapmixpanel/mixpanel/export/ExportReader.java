package io.tapmixpanel.mixpanel.export;

import io.tapmixpanel.mixpanel.http.HttpFailures;
import io.tapmixpanel.mixpanel.http.LazyGzipStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;

/**
 * Reads one raw-export body: a sequence of root-level JSON objects, one per line, through the byte-level
 * {@link ExportScanner} (escaped newlines and non-ASCII text pass through as bytes; no per-event string or tree).
 * A body that does not end on a whole record is reported as {@link AttemptFailed} so the window is fetched again:
 * the {@code terminated early} marker Mixpanel appends after a cut record, an end of input inside a record, a
 * reset or timed-out connection. Anything else that is not an event (a JSON object with an {@code event} string and a
 * {@code properties} object) is reported as malformed, with its line.
 */
public final class ExportReader {
    /** How far past a parse error the reader looks for the end of the body and a trailing "terminated early". */
    static final long LOOK_AHEAD_LIMIT = 1 << 20;
    static final String TERMINATED_EARLY = "terminated early";

    private ExportReader() {}

    /** Why an attempt's body cannot be trusted. */
    public static final class AttemptFailed extends Exception {
        private static final long serialVersionUID = 1L;
        /** A body cut short is fetched again (and may split a window); a malformed one is retried, then named. */
        public enum Kind { CUT_SHORT, MALFORMED }

        final Kind kind;
        final String reason;
        final long line;

        AttemptFailed(Kind kind, String reason, long line, Throwable cause) {
            super(reason, cause, false, false);
            this.kind = kind;
            this.reason = reason;
            this.line = line;
        }

        public Kind kind() { return kind; }

        /** Why, for the log: {@code terminated early (after 12 events, line 13)}, {@code read timed out ...}. */
        public String reason() { return reason; }

        /** 1-based line of the body where it was found; 0 when the connection failed. */
        public long line() { return line; }
    }

    /**
     * Hands every event of {@code body} to {@code consumer} and returns how many there were. Consumer failures
     * propagate (IOExceptions wrapped in UncheckedIOException); body failures become {@link AttemptFailed}.
     */
    public static long read(InputStream body, ExportConsumer consumer) throws AttemptFailed {
        // A gzip body is inflated on a thread of its own, ahead of the scanner (see ReadAheadStream).
        ReadAheadStream ahead = body instanceof LazyGzipStream ? new ReadAheadStream(body) : null;
        WatchedBody in = new WatchedBody(ahead != null ? ahead : body);
        ExportScanner scanner = new ExportScanner(in);
        long events = 0;
        try {
            ExportEvent e;
            while ((e = scanner.next()) != null) {
                consumer.onEvent(e);
                events++;
            }
            return events;
        } catch (ExportSyntaxException e) {
            throw parseProblem(in, events, e.line(), e.getMessage(), e.endOfInput(), e);
        } catch (IOException e) {
            // Interrupted (the sync is being cancelled): not a failed attempt to retry and warn about.
            if (Thread.currentThread().isInterrupted()) throw new UncheckedIOException(e);
            IOException transport = in.transportFailure();
            if (transport != null && causedBy(e, transport)) throw transportProblem(transport, events);
            throw new UncheckedIOException(e);
        } finally {
            if (ahead != null) ahead.close();
        }
    }

    private static boolean causedBy(Throwable e, Throwable cause) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t == cause) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    private static AttemptFailed transportProblem(IOException e, long events) {
        String what = e instanceof SocketTimeoutException
                ? "read timed out"
                : "connection failed mid-body (" + HttpFailures.describe(e) + ")";
        return new AttemptFailed(AttemptFailed.Kind.CUT_SHORT, what + " after " + events + " events", 0, e);
    }

    private static AttemptFailed parseProblem(WatchedBody in, long events, long line, String detail,
                                              boolean endOfInputInsideRecord, Throwable cause) {
        try {
            if (in.drainAtMost(LOOK_AHEAD_LIMIT) && in.endsWith(TERMINATED_EARLY)) {
                return new AttemptFailed(AttemptFailed.Kind.CUT_SHORT,
                        "terminated early (after " + events + " events, line " + line + ")", line, cause);
            }
        } catch (IOException e) {
            return transportProblem(e, events);
        }
        if (endOfInputInsideRecord) {
            return new AttemptFailed(AttemptFailed.Kind.CUT_SHORT,
                    "truncated last record at line " + line + " (after " + events + " events)", line, cause);
        }
        return new AttemptFailed(AttemptFailed.Kind.MALFORMED, detail, line, cause);
    }
}
