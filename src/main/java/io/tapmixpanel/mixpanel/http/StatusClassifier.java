package io.tapmixpanel.mixpanel.http;

import io.tapmixpanel.mixpanel.Credentials;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Decides what an error status means: 429, 408 and 5xx but 501/505 are transient ({@link RetryableFailure}, an
 * {@link HourlyRefusal} when a 429's text names the hourly budget); any other status is final, an exception that
 * says what to fix ({@link ApiErrors#forStatus}). 2xx answers pass through untouched.
 */
final class StatusClassifier implements Link {
    private final Credentials credentials;

    StatusClassifier(Credentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public <T> Answer<T> intercept(Chain<T> chain) throws RetryableFailure {
        Answer<T> answer = chain.proceed();
        if (!(answer instanceof Answer.ErrorStatus<T> error)) return answer;
        ApiRequest req = chain.request();
        int status = error.status();
        String apiMessage = error.apiMessage();
        if (!isTransient(status)) throw ApiErrors.forStatus(req, status, apiMessage, credentials);
        RetryableFailure failure = statusFailure(req, status, apiMessage, error.retryAfter());
        if (status == 429) {
            Optional<OptionalInt> hourly = CallBudget.hourlyRefusal(apiMessage);
            if (hourly.isPresent()) throw new HourlyRefusal(failure, apiMessage, hourly.get());
        }
        throw failure;
    }

    static boolean isTransient(int status) {
        return status == 429 || status == 408 || (status >= 500 && status != 501 && status != 505);
    }

    private static RetryableFailure statusFailure(ApiRequest req, int status, String apiMessage, Optional<Duration> retryAfter) {
        String what = switch (status) {
            case 429 -> "HTTP 429 rate limited";
            case 408 -> "HTTP 408 request timeout";
            case 502 -> "HTTP 502 bad gateway";
            case 503 -> "HTTP 503 service unavailable";
            case 504 -> "HTTP 504 gateway timeout";
            default -> "HTTP " + status + " server error";
        };
        String cause = what + (apiMessage.isEmpty() ? "" : " (" + shorten(apiMessage, 200) + ")");
        return new RetryableFailure(cause, retryAfter, attempts -> new MixpanelApiException(
                req.label() + ": " + what + " from " + req.describe() + (apiMessage.isEmpty() ? "" : ": " + apiMessage)
                + "; still failing after " + attempts + " attempts", status, apiMessage, req.describe()));
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
