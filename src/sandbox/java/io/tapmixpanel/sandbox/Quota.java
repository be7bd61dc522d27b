package io.tapmixpanel.sandbox;

import java.util.ArrayDeque;

/**
 * The hourly budgets (docs/sandbox.md "Hourly budgets"): per family (export, query API) a rolling window of
 * {@code --quota-window-s} seconds holding the times of the calls it counted. A call past the budget gets 429
 * with Mixpanel's rate-limit text and is not counted itself.
 */
final class Quota {
    private final SandboxOptions opt;
    private final long windowNanos;
    private final ArrayDeque<Long> export = new ArrayDeque<>();
    private final ArrayDeque<Long> query = new ArrayDeque<>();
    private final Organization organization;

    Quota(SandboxOptions opt, Organization organization) {
        this.opt = opt;
        this.organization = organization;
        this.windowNanos = opt.quotaWindowS * 1_000_000_000L;
    }

    /**
     * Counts one call of the request's family, or throws its 429. Engage pages that carry a {@code session_id}
     * are free, as Mixpanel does not count them; the app API has no hourly budget here, but its schema registry
     * allows {@code --schema-limit-per-minute} calls per rolling minute to the project's whole {@link Organization}.
     */
    void charge(Request q) {
        ArrayDeque<Long> calls;
        int limit;
        if (q.family == Request.Family.EXPORT) { calls = export; limit = opt.hourlyLimitExport; }
        else if (q.family == Request.Family.QUERY) { calls = query; limit = opt.hourlyLimitQuery; }
        else {
            if (opt.schemaLimitPerMinute > 0 && q.endpoint.matches("projects/[^/]+/schemas(/.*)?")) chargeSchemas(q);
            return;
        }
        if (limit <= 0) return;
        if (q.endpoint.equals("engage") && q.p("session_id") != null && !q.p("session_id").isEmpty()) return;
        long now = System.nanoTime();
        long waitNanos;
        int inWindow;
        synchronized (calls) {
            while (!calls.isEmpty() && now - calls.peekFirst() >= windowNanos) calls.pollFirst();
            if (calls.size() < limit) {
                calls.addLast(now);
                return;
            }
            inWindow = calls.size() + 1;
            waitNanos = calls.peekFirst() + windowNanos - now;
        }
        if (!opt.noRetryAfter) {
            long s = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            q.ex.getResponseHeaders().set("Retry-After", Long.toString(s));
        }
        // Mixpanel says "last hour" whatever the window; clients match that text
        throw new ApiError(429, "Query rate limit exceeded for project_id: " + opt.projectId + ". 1/5 queries running "
            + "concurrently and " + inWindow + "/" + limit + " queries running in the last hour. Please retry later.");
    }

    private void chargeSchemas(Request q) {
        long now = System.nanoTime();
        long waitNanos = organization.chargeSchemaCall(opt.schemaLimitPerMinute, now);
        if (waitNanos == 0) return;
        int inWindow = organization.schemaCallsInMinute(now) + 1;
        if (!opt.noRetryAfter) q.ex.getResponseHeaders().set("Retry-After", Long.toString(Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L)));
        throw new ApiError(429, "Rate limit exceeded for organization " + organization.id() + ": " + inWindow + "/" + opt.schemaLimitPerMinute
            + " requests to the schemas API in the last minute. Please retry later.");
    }
}
