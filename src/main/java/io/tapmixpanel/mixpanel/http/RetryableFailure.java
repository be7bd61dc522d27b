package io.tapmixpanel.mixpanel.http;

import io.tapmixpanel.mixpanel.MixpanelApiException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * A transient failure of one attempt, for {@link RetryWithBackoff} to retry: its cause for the log, an optional
 * server-imposed wait (Retry-After), and how to word the final error once the attempts run out. Body handlers throw
 * it for a body cut short; the transport's own links for a retryable status or connection failure.
 */
public class RetryableFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final String cause;
    private final Optional<Duration> retryAfter;
    private final IntFunction<MixpanelApiException> exhausted;

    /** {@code exhausted} makes the final error from the number of attempts made. */
    public RetryableFailure(String cause, Optional<Duration> retryAfter, IntFunction<MixpanelApiException> exhausted) {
        super(cause, null, false, false);
        this.cause = cause;
        this.retryAfter = retryAfter;
        this.exhausted = exhausted;
    }

    /** What went wrong, for the retry's log line: {@code HTTP 503 service unavailable}, {@code connection reset}. */
    public String cause() { return cause; }

    /** The wait the server asked for, if it did. */
    public Optional<Duration> retryAfter() { return retryAfter; }

    /** The error to throw when no attempt is left, after {@code attempts} attempts. */
    public MixpanelApiException exhausted(int attempts) { return exhausted.apply(attempts); }
}
