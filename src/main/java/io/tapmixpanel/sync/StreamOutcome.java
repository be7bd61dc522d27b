package io.tapmixpanel.sync;

/** How a stream's part of a run ended, as the summary table shows it (docs/observability.md "Observability"). */
enum StreamOutcome {
    /** Known to the metrics (it made requests, e.g. during discovery) but not synced. */
    NOT_SELECTED("not selected"),
    RUNNING("running"),
    OK("ok"),
    /** Mixpanel answered 402: the plan lacks this API; the run goes on without the stream. */
    SKIPPED_PAYMENT_REQUIRED("skipped (402)"),
    /** An undocumented endpoint answered 404 (docs/reliability.md "When a stream fails"): the run goes on without the stream. */
    SKIPPED_NOT_FOUND("skipped (404)"),
    /** A governance route answered 403 (the plan or role lacks the feature): the run goes on without the stream. */
    SKIPPED_FORBIDDEN("skipped (403)"),
    /** A governance stream with a project secret, which its routes do not accept: the run goes on without it. */
    SKIPPED_NO_SERVICE_ACCOUNT("skipped (service account needed)"),
    /** revenue's 400 Timeout Error (EU servers): the run goes on without the stream. */
    SKIPPED_TIMEOUT("skipped (timeout)"),
    /** Failed after its retries; the other streams still synced and the run exits 1. */
    FAILED("failed");

    private final String label;

    StreamOutcome(String label) { this.label = label; }

    /** The word of the summary table. */
    @Override
    public String toString() { return label; }
}
