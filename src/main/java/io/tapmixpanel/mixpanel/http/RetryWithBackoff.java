package io.tapmixpanel.mixpanel.http;

import io.tapmixpanel.log.Durations;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.HttpListener;
import io.tapmixpanel.mixpanel.RetryPolicy;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The outermost link: runs the rest of the chain again after each {@link RetryableFailure}, waiting the server's
 * Retry-After or else the {@link RetryPolicy}'s backoff, until the policy's attempts or total wait run out; then
 * the failure's final error. Each retry is one WARNING line with its cause and one {@link HttpListener#onRetry}.
 * A Retry-After longer than the policy's whole wait for one request ends at once with an error saying so: the wait
 * asked, the longest the tap waits, and when a rerun can succeed (docs/rate-limits.md "Rate limits").
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
            if (failure.retryAfter().isPresent() && wait.compareTo(policy.maxTotalWait()) > 0) {
                throw waitTooLong(req, failure, attempt, wait);
            }
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

    /**
     * Mixpanel asked for a wait the tap will not make: retrying sooner would only be refused again, so the run
     * stops with the asked wait, the policy's cap and the time after which a rerun can succeed.
     */
    private MixpanelApiException waitTooLong(ApiRequest req, RetryableFailure failure, int attempts, Duration wait) {
        MixpanelApiException last = failure.exhausted(attempts);
        Duration asked = wait.truncatedTo(ChronoUnit.SECONDS); // without RetryAfter's sub-second jitter
        Instant rerun = Instant.now().plus(wait).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        return new MixpanelApiException(req.label() + ": " + failure.cause() + " from " + req.describe()
                + ": Mixpanel asks to wait " + Durations.human(asked) + " (Retry-After) before retrying, longer than the "
                + Durations.human(policy.maxTotalWait()) + " the tap waits for one request at most; rerun the tap after "
                + rerun + " (in " + Durations.human(asked) + ")", last.status(), last.apiMessage(), last.request());
    }

    static String humanDuration(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) return d.toMillis() + " ms";
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
