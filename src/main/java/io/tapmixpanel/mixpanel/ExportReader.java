package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;

/**
 * Reads one raw-export body: a sequence of root-level JSON objects, one per line, through one Jackson parser
 * (so escaped newlines and non-ASCII text need no special care, and no per-event string or tree is made here).
 * A body that does not end on a whole record is reported as {@link AttemptFailed} so the window is fetched again:
 * the {@code terminated early} marker Mixpanel appends after a cut record, an end of input inside a record, a
 * reset or timed-out connection. Anything else that is not a JSON object is reported as malformed, with its line.
 */
final class ExportReader {
    /** How far past a parse error the reader looks for the end of the body and a trailing "terminated early". */
    static final long LOOK_AHEAD_LIMIT = 1 << 20;
    static final String TERMINATED_EARLY = "terminated early";

    private ExportReader() {}

    /** Why an attempt's body cannot be trusted. */
    static final class AttemptFailed extends Exception {
        enum Kind { CUT_SHORT, MALFORMED }

        final Kind kind;
        final String reason;
        final long line;

        AttemptFailed(Kind kind, String reason, long line, Throwable cause) {
            super(reason, cause, false, false);
            this.kind = kind;
            this.reason = reason;
            this.line = line;
        }
    }

    /**
     * Hands every event of {@code body} to {@code consumer} and returns how many there were. Consumer failures
     * propagate (IOExceptions wrapped in UncheckedIOException); body failures become {@link AttemptFailed}.
     */
    static long read(InputStream body, ExportConsumer consumer) throws AttemptFailed {
        WatchedBody in = new WatchedBody(body);
        JsonParser p = null;
        long events = 0;
        try {
            p = MixpanelJson.FACTORY.createParser(in);
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.START_OBJECT) {
                    long line = p.currentLocation().getLineNr();
                    throw parseProblem(in, events, line, "line " + line + " is " + t.asString() + "..., not a JSON object", false, null);
                }
                consumer.onEvent(p);
                // databind (readValueAsTree) clears the current token after reading a whole value: null is fine too
                if (p.currentToken() != JsonToken.END_OBJECT && p.currentToken() != null) {
                    throw new IllegalStateException("ExportConsumer.onEvent left the parser on " + p.currentToken()
                            + ", not on the END_OBJECT of its event");
                }
                events++;
            }
            return events;
        } catch (IOException e) {
            IOException transport = in.transportFailure();
            if (transport != null && causedBy(e, transport)) throw transportProblem(transport, events);
            if (p != null && e instanceof StreamReadException sre && sre.getProcessor() == p) {
                JsonLocation loc = sre.getLocation() != null ? sre.getLocation() : p.currentLocation();
                throw parseProblem(in, events, loc.getLineNr(), sre.getOriginalMessage(), e instanceof JsonEOFException, e);
            }
            throw new UncheckedIOException(e);
        } finally {
            if (p != null) {
                try {
                    p.close();
                } catch (IOException ignored) {
                    // the stream itself is closed (or aborted) by the caller
                }
            }
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
