package io.tapmixpanel.mixpanel.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * What to do with a 2xx body, read while the connection is open. IOExceptions thrown here count as transport
 * failures and are retried; a {@link RetryableFailure} is retried with its own cause and final error.
 */
@FunctionalInterface
public interface BodyHandler<T> {
    /** {@code attempt} counts from 1 and grows with each retry (an hourly refusal waited out does not count). */
    T handle(InputStream body, int attempt) throws IOException, RetryableFailure;
}
