package io.tapmixpanel.mixpanel.http;

import io.tapmixpanel.log.Durations;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.CallBudgets;
import io.tapmixpanel.mixpanel.HttpListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The calls one API family (export or query) sent in the last rolling window, so that the client waits for a
 * free slot instead of running into Mixpanel's hourly 429 (docs/rate-limits.md "Rate limits"). Every attempt counts, retries
 * included: Mixpanel counts them too. Thread-safe; the clock is injected so that tests need no real hours.
 */
final class CallBudget {
    private static final long NEVER = Long.MIN_VALUE;
    /** {@code 61/60 queries running in the last hour}: the used and allowed counts of Mixpanel's hourly clause. */
    private static final Pattern HOURLY = Pattern.compile("(\\d+)\\s*/\\s*(\\d+)[^/.;]*?(?:last|per|an) hour");

    private final String name;
    private final String settingKey;
    private final int configured;
    private final long windowNanos;
    /** How much longer than the window a call is counted (see {@link CallBudgets}). */
    private final long marginNanos;
    private final LongSupplier clock;
    private final ArrayDeque<Long> sent = new ArrayDeque<>();
    private int limit;
    private long blockedUntil = NEVER;
    private String blockReason = "";
    private long lastAccepted = NEVER;
    private int waiters;

    /**
     * @param name       how the log names it: {@code query}, {@code export}
     * @param settingKey the config key that sets {@code calls}, for the log
     */
    CallBudget(String name, String settingKey, int calls, Duration window, Duration margin, LongSupplier clock) {
        if (calls < 1) throw new IllegalArgumentException("calls must be >= 1");
        this.name = name;
        this.settingKey = settingKey;
        this.configured = calls;
        this.limit = calls;
        this.windowNanos = window.toNanos();
        this.marginNanos = margin.toNanos();
        this.clock = clock;
    }

    String name() { return name; }

    long windowNanos() { return windowNanos; }

    long now() { return clock.getAsLong(); }

    synchronized int limit() { return limit; }

    /** Counts a call sent now and returns 0 when the window has room; else takes nothing and returns how long to wait. */
    synchronized long tryTake() {
        long now = clock.getAsLong();
        prune(now);
        if (blockedUntil != NEVER && now < blockedUntil) return blockedUntil - now;
        if (sent.size() < limit) {
            sent.addLast(now);
            return 0;
        }
        return untilRoom(now);
    }

    /** Nanos until the window has room for one more call: the oldest call ages out, or more of them under an adopted lower limit. */
    private long untilRoom(long now) {
        if (sent.isEmpty()) return windowNanos;
        Iterator<Long> it = sent.iterator();
        long t = it.next();
        for (int i = 0; i < sent.size() - limit; i++) t = it.next();
        return Math.max(1, t + windowNanos + marginNanos - now);
    }

    /** Why a {@link #tryTake} returned a wait, for the log line: {@code 60 calls in the last 60 min (query_requests_per_hour = 60)}. */
    synchronized String waitReason() {
        long now = clock.getAsLong();
        if (blockedUntil != NEVER && now < blockedUntil) return blockReason;
        prune(now);
        String budget = limit == configured
                ? settingKey + " = " + configured
                : "Mixpanel's budget of " + limit + ", below " + settingKey + " = " + configured;
        return sent.size() + " calls in the last " + Durations.human(Duration.ofNanos(windowNanos)) + " (" + budget + ")";
    }

    /**
     * The least wait after an hourly 429: until the oldest counted call leaves the window (and as many more as an
     * adopted lower limit needs); a full window when none is counted.
     */
    synchronized long untilOldestAgesOut() {
        long now = clock.getAsLong();
        prune(now);
        return untilRoom(now);
    }

    /** After an hourly 429, no call of this family is sent before {@code until}, and waits say {@code reason}. */
    synchronized void blockUntil(long until, String reason) {
        if (blockedUntil == NEVER || until > blockedUntil) {
            blockedUntil = until;
            blockReason = reason;
        }
    }

    /** A call of this family was answered with anything but an hourly 429. */
    synchronized void accepted() { lastAccepted = clock.getAsLong(); }

    /** Whether a call of this family was answered, other than with an hourly 429, at or after {@code since}. */
    synchronized boolean acceptedSince(long since) {
        return lastAccepted != NEVER && lastAccepted - since >= 0;
    }

    /**
     * Mixpanel's 429 named its budget ({@code 61/40}): a lower one than ours is used for the rest of the run, so
     * that the client stops running into it. Logged once per change.
     */
    void adopt(int serverLimit) {
        synchronized (this) {
            if (serverLimit < 1 || serverLimit >= limit) return;
            limit = serverLimit;
        }
        Log.warning("Mixpanel's hourly %s budget is %d calls (from its 429 answer), fewer than %s = %d: "
                + "using %d per %s for the rest of the run", name, serverLimit, settingKey, configured, serverLimit,
                Durations.human(Duration.ofNanos(windowNanos)));
    }

    /**
     * Sleeps {@code nanos} for a free slot. One log line per wait: threads waiting at the same time for the same
     * budget are one wait, logged by the first of them. {@code what} names the request that waits.
     */
    void await(long nanos, String what, Sleeper sleeper, HttpListener listener) throws InterruptedException {
        boolean first;
        synchronized (this) {
            first = waiters++ == 0;
        }
        try {
            if (first) {
                Log.info("%s", "waiting " + Durations.human(Duration.ofNanos(nanos)) + " for the " + name + " budget: "
                        + waitReason() + "; next: " + what);
            }
            listener.onBudgetWait(name, Duration.ofNanos(nanos));
            sleeper.sleep(nanos);
        } finally {
            synchronized (this) {
                waiters--;
            }
            listener.onBudgetWaitOver(name);
        }
    }

    private void prune(long now) {
        while (!sent.isEmpty() && now - sent.peekFirst() >= windowNanos + marginNanos) sent.pollFirst();
    }

    /** What a 429's text says about the hourly budget: present when it is the hourly one, with Mixpanel's limit when named. */
    static Optional<OptionalInt> hourlyRefusal(String apiMessage) {
        String text = apiMessage.toLowerCase(Locale.ROOT);
        Matcher m = HOURLY.matcher(text);
        if (m.find()) {
            try {
                long used = Long.parseLong(m.group(1));
                long allowed = Long.parseLong(m.group(2));
                // "6/5 queries running concurrently and 30/60 ... in the last hour" is the concurrency limit.
                if (used < allowed) return Optional.empty();
                return Optional.of(allowed <= Integer.MAX_VALUE ? OptionalInt.of((int) allowed) : OptionalInt.empty());
            } catch (NumberFormatException tooLong) {
                return Optional.of(OptionalInt.empty());
            }
        }
        return text.contains("last hour") || text.contains("per hour") || text.contains("hourly")
                ? Optional.of(OptionalInt.empty()) : Optional.empty();
    }

}
