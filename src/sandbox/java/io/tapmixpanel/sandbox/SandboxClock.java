package io.tapmixpanel.sandbox;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sandbox's "now" (docs/sandbox.md "Time"): the real clock until {@code --now} or
 * {@code POST /sandbox/clock} sets a simulated instant, which then stands still until it is moved again (any
 * direction). Only a simulated clock hides events Mixpanel has not processed yet: the real clock keeps serving
 * every generated event, later today included, as the sandbox always did.
 *
 * <p>One volatile long holds the whole state, so a request reads "now" and "simulated or not" at once.
 */
final class SandboxClock {
    /** The state of a clock that follows the real one. */
    static final long REAL = Long.MIN_VALUE;
    /** Instants the sandbox accepts: Mixpanel has no data before 2000, and epoch ms must not overflow. */
    static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private volatile long simulatedMs;

    SandboxClock(Instant start) { simulatedMs = start == null ? REAL : start.toEpochMilli(); }

    /** The simulated instant in epoch ms, or {@link #REAL}; read once per request. */
    long state() { return simulatedMs; }

    static long nowMs(long state) { return state == REAL ? System.currentTimeMillis() : state; }

    /** The newest processing time export may serve at this state: none hidden on the real clock. */
    static long visibleUpToMs(long state) { return state == REAL ? Long.MAX_VALUE : state; }

    /** Today in {@code zone} at this state. */
    static LocalDate today(long state, ZoneId zone) { return LocalDate.ofInstant(Instant.ofEpochMilli(nowMs(state)), zone); }

    Instant now() { return Instant.ofEpochMilli(nowMs(state())); }

    boolean simulated() { return state() != REAL; }

    void set(Instant now) { simulatedMs = check(now).toEpochMilli(); }

    static Instant check(Instant now) {
        if (now.isBefore(EARLIEST) || now.isAfter(LATEST))
            throw new IllegalArgumentException("must be between " + EARLIEST + " and " + LATEST + ": " + now);
        return now;
    }

    /** Parses an ISO-8601 instant such as {@code 2026-11-30T12:00:00Z}; the message names what was wrong. */
    static Instant parse(String v) {
        Instant i;
        try {
            i = Instant.parse(v.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("not an ISO-8601 instant such as 2026-11-30T12:00:00Z: '" + v + "'");
        }
        return check(i);
    }

    /**
     * {@code GET /sandbox/clock} answers the clock; {@code POST /sandbox/clock?now=<instant>} (or {@code now} in a
     * form body) moves it and answers the new one. No auth, never logged or counted, like {@code /sandbox/stats}.
     */
    void serve(Request q) throws IOException {
        String method = q.ex.getRequestMethod();
        if (method.equals("POST")) {
            q.parseParams();
            String v = q.p("now");
            if (v == null || v.isBlank()) throw new ApiError(400, "now is a required parameter (an ISO-8601 instant such as 2026-11-30T12:00:00Z)");
            try {
                set(parse(v));
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "now: " + e.getMessage());
            }
        } else if (!method.equals("GET")) {
            throw new ApiError(405, "method not allowed: " + method + " (GET reads the clock, POST ?now=<instant> moves it)");
        }
        long s = state();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("now", Instant.ofEpochMilli(nowMs(s)).toString());
        m.put("simulated", s != REAL);
        Responses.json(q, m);
    }
}
