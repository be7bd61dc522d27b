package io.tapmixpanel.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fault switches (docs/sandbox.md "Flags"): a delay before every answer, 429 (with {@code Retry-After})
 * or 500 every Nth API request, and on every Nth non-empty export a body that is terminated early or cut by a
 * dropped connection. Plain counters, so a run is deterministic and a retry usually succeeds.
 */
final class Faults {
    /** What happens to one non-empty export response. */
    enum ExportFault { NONE, TERMINATED_EARLY, RESET }

    private static final byte[] TERMINATED = "\nterminated early\n".getBytes(StandardCharsets.US_ASCII);

    private final SandboxOptions opt;
    private final AtomicLong apiRequests = new AtomicLong();
    private final AtomicLong exportResponses = new AtomicLong();

    Faults(SandboxOptions opt) { this.opt = opt; }

    /** {@code --delay-ms}: every request, {@code /sandbox/stats} included. */
    void delay() throws InterruptedException {
        if (opt.delayMs > 0) Thread.sleep(opt.delayMs);
    }

    /**
     * Counts one routed API request; throws its 429 or 500 when it is due (429 wins on a tie). The 429 is the
     * concurrency one, transient: Mixpanel's hourly one asks a client to wait for its window instead.
     */
    void onApiRequest(Request q) {
        long n = apiRequests.incrementAndGet();
        if (opt.fault429Every > 0 && n % opt.fault429Every == 0) {
            if (!opt.noRetryAfter) q.ex.getResponseHeaders().set("Retry-After", Integer.toString(opt.retryAfter));
            throw new ApiError(429, "Query rate limit exceeded for project_id: " + opt.projectId
                + ". 6/5 queries running concurrently and 1/60 queries running in the last hour. Please retry later.");
        }
        if (opt.fault500Every > 0 && n % opt.fault500Every == 0) throw new ApiError(500, "Internal server error (sandbox fault)");
    }

    /** Counts one non-empty export response and says how to fault it (terminated early wins on a tie). */
    ExportFault onExport() {
        long n = exportResponses.incrementAndGet();
        if (opt.faultTerminatedEarlyEvery > 0 && n % opt.faultTerminatedEarlyEvery == 0) return ExportFault.TERMINATED_EARLY;
        if (opt.faultResetEvery > 0 && n % opt.faultResetEvery == 0) return ExportFault.RESET;
        return ExportFault.NONE;
    }

    /** The body cut in the middle of the record about half-way, then {@code \nterminated early\n}. */
    static byte[] terminatedEarly(byte[] all) {
        int half = all.length / 2;
        int ls = half;
        while (ls > 0 && all[ls - 1] != '\n') ls--;
        int le = half;
        while (le < all.length && all[le] != '\n') le++;
        int cut = ls + Math.max(1, (le - ls) / 2);
        ByteBuf b = new ByteBuf(cut + TERMINATED.length);
        b.raw(all, 0, cut).raw(TERMINATED);
        SLog.debug("fault: terminated early after " + cut + " bytes");
        return b.toArray();
    }

    /** How many bytes of a {@code bodyLength} body a reset sends before dropping the connection. */
    static long resetAfter(long bodyLength) { return bodyLength / 2; }
}
