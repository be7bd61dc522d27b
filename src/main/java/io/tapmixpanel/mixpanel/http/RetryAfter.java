package io.tapmixpanel.mixpanel.http;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;

/** The wait a response's Retry-After header asks for. */
final class RetryAfter {
    private RetryAfter() {}

    /**
     * Retry-After in seconds or as an HTTP date, with a little jitter on top so parallel workers spread out. A
     * value that says no wait a server could mean (NaN, a negative number, infinity, a date in the past, text)
     * is ignored: the normal backoff applies, never a burst of immediate retries. 0 is honoured.
     */
    static Optional<Duration> of(ClassicHttpResponse response) {
        Header h = response.getFirstHeader("Retry-After");
        if (h == null || h.getValue() == null) return Optional.empty();
        String v = h.getValue().trim();
        Duration d;
        try {
            double seconds = Double.parseDouble(v);
            if (!Double.isFinite(seconds) || seconds < 0 || seconds > Long.MAX_VALUE / 1000.0) return Optional.empty();
            d = Duration.ofMillis(Math.round(seconds * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
            if (d.isNegative()) return Optional.empty();
        }
        long jitterMax = Math.min(d.toMillis() / 10, 1000);
        return Optional.of(jitterMax > 0 ? d.plusMillis(ThreadLocalRandom.current().nextLong(jitterMax + 1)) : d);
    }
}
