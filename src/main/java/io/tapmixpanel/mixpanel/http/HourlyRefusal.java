package io.tapmixpanel.mixpanel.http;

import java.util.OptionalInt;

/**
 * A 429 whose text says the hourly budget is spent (docs/rate-limits.md "Rate limits"): retryable like any 429, but for the
 * family's budget to wait out ({@link HourlyBudgetWait}) rather than an attempt to spend, when the family has one.
 */
final class HourlyRefusal extends RetryableFailure {
    private static final long serialVersionUID = 1L;
    private final String apiMessage;
    private final OptionalInt serverLimit;

    HourlyRefusal(RetryableFailure asStatus, String apiMessage, OptionalInt serverLimit) {
        super(asStatus.cause(), asStatus.retryAfter(), asStatus::exhausted);
        this.apiMessage = apiMessage;
        this.serverLimit = serverLimit;
    }

    /** Mixpanel's error text. */
    String apiMessage() { return apiMessage; }

    /** The hourly budget Mixpanel's text names ({@code 61/40} names 40), when it names one. */
    OptionalInt serverLimit() { return serverLimit; }
}
