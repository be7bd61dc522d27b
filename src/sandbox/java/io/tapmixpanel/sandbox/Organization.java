package io.tapmixpanel.sandbox;

import java.util.ArrayDeque;

/**
 * A Mixpanel organization as the sandbox models it (docs/sandbox.md "Data governance"): its id, and the budget its
 * projects share, the schema registry's calls per rolling minute (Mixpanel's limit is per organization, not per
 * project). A sandbox serves one project; sandboxes given the same organization are projects of one organization
 * and spend one budget. Thread-safe.
 */
public final class Organization {
    private static final long MINUTE_NANOS = 60_000_000_000L;
    private final long id;
    private final ArrayDeque<Long> schemaCalls = new ArrayDeque<>();

    public Organization(long id) {
        if (id <= 0) throw new IllegalArgumentException("organization id must be positive: " + id);
        this.id = id;
    }

    public long id() { return id; }

    /**
     * Counts one schema registry call made at {@code now} (System.nanoTime) if fewer than {@code limit} were counted
     * in the minute before; returns 0 then. Otherwise counts nothing and returns the nanoseconds until the oldest
     * counted call ages out (at least 1).
     */
    synchronized long chargeSchemaCall(int limit, long now) {
        while (!schemaCalls.isEmpty() && now - schemaCalls.peekFirst() >= MINUTE_NANOS) schemaCalls.pollFirst();
        if (schemaCalls.size() < limit) {
            schemaCalls.addLast(now);
            return 0;
        }
        return Math.max(1, schemaCalls.peekFirst() + MINUTE_NANOS - now);
    }

    /** Schema registry calls counted in the rolling minute that ends at {@code now}. */
    synchronized int schemaCallsInMinute(long now) {
        while (!schemaCalls.isEmpty() && now - schemaCalls.peekFirst() >= MINUTE_NANOS) schemaCalls.pollFirst();
        return schemaCalls.size();
    }

    @Override public String toString() { return "Organization[" + id + "]"; }
}
