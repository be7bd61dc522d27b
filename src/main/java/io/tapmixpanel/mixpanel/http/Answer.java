package io.tapmixpanel.mixpanel.http;

import java.time.Duration;
import java.util.Optional;

/**
 * What one attempt got back, as it travels up the chain: the handled 2xx body, or an error status with
 * Mixpanel's text that {@link StatusClassifier} turns into a retry or a final error before it goes further.
 */
sealed interface Answer<T> {

    /** A 2xx answer, its body already handled. */
    record Body<T>(T value) implements Answer<T> {}

    /** Any other status, with Mixpanel's error text (collapsed, redacted, bounded) and its Retry-After. */
    record ErrorStatus<T>(int status, String apiMessage, Optional<Duration> retryAfter) implements Answer<T> {}
}
