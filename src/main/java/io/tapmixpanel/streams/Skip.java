package io.tapmixpanel.streams;

/**
 * A stream skipped because Mixpanel said it is not available to this project (docs/reliability.md "When a stream fails"):
 * the kind the run summary shows, and the warning's reason.
 */
public record Skip(Kind kind, String why) {
    public enum Kind { PAYMENT_REQUIRED, FORBIDDEN, NOT_FOUND, TIMEOUT }
}
