package io.tapmixpanel.mixpanel.http;

import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.HttpListener;
import io.tapmixpanel.mixpanel.RetryPolicy;
import java.time.Duration;
import java.util.Locale;

/**
 * The outermost link: runs the rest of the chain again after each {@link RetryableFailure}, waiting the server's
 * Retry-After or else the {@link RetryPolicy}'s backoff, until the policy's attempts or total wait run out; then
 * the failure's final error. Each retry is one WARNING line with its cause and one {@link HttpListener#onRetry}.
 */
final class RetryWithBackoff implements Link {
    private final RetryPolicy policy;
    private final HttpListener listener;
    private final Sleeper sleeper;

    RetryWithBackoff(RetryPolicy policy, HttpListener listener, Sleeper sleeper) {
        this.policy = policy;
        this.listener = listener;
        this.sleeper = sleeper;
    }

    @Override
    public <T> Answer<T> intercept(Chain<T> chain) {
        ApiRequest req = chain.request();
        long waitedNanos = 0;
        for (int attempt = 1; ; attempt++) {
            RetryableFailure failure;
            try {
                return chain.proceed(attempt);
            } catch (RetryableFailure f) {
                failure = f;
            }
            int failed = attempt;
            Duration wait = failure.retryAfter().orElseGet(() -> policy.backoff(failed));
            if (attempt >= policy.maxAttempts() || waitedNanos + wait.toNanos() > policy.maxTotalWait().toNanos()) {
                throw failure.exhausted(attempt);
            }
            Log.warning("%s", req.label() + ": " + failure.cause() + ", retry " + attempt + "/"
                    + (policy.maxAttempts() - 1) + " in " + humanDuration(wait));
            listener.onRetry(req.endpoint(), failure.cause(), attempt, wait);
            try {
                sleeper.sleep(wait.toNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiErrors.interrupted(req, e);
            }
            waitedNanos += wait.toNanos();
        }
    }

    static String humanDuration(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) return d.toMillis() + " ms";
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
