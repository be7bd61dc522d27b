package io.tapmixpanel.mixpanel.http;

import static io.tapmixpanel.mixpanel.http.ScriptedAttempts.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.HttpListener;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.mixpanel.RetryPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Transient failures run the rest of the chain again after a wait, until the policy says stop. */
class RetryWithBackoffTest {
    private static final RetryPolicy ONE_SECOND_STEPS = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofMinutes(1));

    private final List<Long> sleeps = new CopyOnWriteArrayList<>();
    private final List<String> retries = new CopyOnWriteArrayList<>();
    private final HttpListener listener = new HttpListener() {
        @Override
        public void onRetry(String endpoint, String cause, int attempt, Duration wait) {
            retries.add(endpoint + " " + cause + " " + attempt);
        }
    };
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() { Log.redirect(new PrintStream(logged, true, StandardCharsets.UTF_8)); }

    @AfterEach
    void restoreLog() { Log.redirect(System.err); }

    private RetryWithBackoff retry(RetryPolicy policy) {
        return new RetryWithBackoff(policy, listener, sleeps::add);
    }

    private static RetryableFailure failure(String cause, Optional<Duration> retryAfter) {
        return new RetryableFailure(cause, retryAfter,
                attempts -> new MixpanelApiException("gave up after " + attempts, 503, "", "GET /x"));
    }

    @Test
    void aTransientFailureIsRetriedAfterTheBackoffWithTheNextAttemptNumber() {
        ScriptedAttempts script = new ScriptedAttempts(failure("HTTP 503 service unavailable", Optional.empty()),
                failure("connection reset", Optional.empty()), ok());
        assertEquals("ok", script.run(ApiFamily.QUERY, retry(ONE_SECOND_STEPS)));
        assertEquals(List.of(1, 2, 3), script.attempts);
        assertEquals(2, sleeps.size());
        // RetryPolicy's equal jitter: half the 1 s step fixed, half random.
        assertTrue(sleeps.stream().allMatch(n -> n >= 500_000_000L && n <= 1_000_000_000L), sleeps::toString);
        assertEquals(List.of("funnels/list HTTP 503 service unavailable 1", "funnels/list connection reset 2"), retries);
    }

    @Test
    void eachRetryIsOneWarningNamingTheRequestTheCauseAndTheWait() {
        new ScriptedAttempts(failure("HTTP 503 service unavailable", Optional.of(Duration.ofMillis(1_200))), ok())
                .run(ApiFamily.QUERY, retry(ONE_SECOND_STEPS));
        String log = logged.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("funnel list: HTTP 503 service unavailable, retry 1/2 in 1.2 s"), log);
    }

    @Test
    void theServersRetryAfterReplacesTheBackoff() {
        new ScriptedAttempts(failure("HTTP 429 rate limited", Optional.of(Duration.ofMillis(7_300))), ok())
                .run(ApiFamily.QUERY, retry(ONE_SECOND_STEPS));
        assertEquals(List.of(7_300_000_000L), sleeps);
    }

    @Test
    void whenTheAttemptsRunOutTheFailuresOwnFinalErrorIsThrown() {
        ScriptedAttempts script = new ScriptedAttempts(failure("HTTP 503 service unavailable", Optional.empty()));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> script.run(ApiFamily.QUERY, retry(ONE_SECOND_STEPS)));
        assertEquals("gave up after 3", e.getMessage());
        assertEquals(List.of(1, 2, 3), script.attempts);
        assertEquals(2, sleeps.size());
    }

    @Test
    void aWaitThatWouldPassTheTotalBoundEndsTheRetriesAtOnce() {
        RetryPolicy bounded = new RetryPolicy(8, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(1_500));
        ScriptedAttempts script = new ScriptedAttempts(failure("read timed out", Optional.of(Duration.ofSeconds(1))));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> script.run(ApiFamily.QUERY, retry(bounded)));
        assertEquals("gave up after 2", e.getMessage());
        assertEquals(List.of(1_000_000_000L), sleeps);
    }

    @Test
    void aRetryAfterLongerThanTheTapWaitsEndsWithTheWaitAskedTheCapAndWhenToRerun() {
        RetryPolicy bounded = new RetryPolicy(8, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(15));
        ScriptedAttempts script = new ScriptedAttempts(failure("HTTP 429 rate limited", Optional.of(Duration.ofHours(2))));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> script.run(ApiFamily.QUERY, retry(bounded)));
        assertTrue(e.getMessage().startsWith("funnel list: HTTP 429 rate limited from GET "), e.getMessage());
        assertTrue(e.getMessage().contains(": Mixpanel asks to wait 2 h (Retry-After) before retrying, longer than the "
                + "15 min the tap waits for one request at most; rerun the tap after "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" (in 2 h)"), e.getMessage());
        assertTrue(!e.getMessage().contains("still failing"), e.getMessage());
        assertEquals(503, e.status(), "the failure's own status and request are kept");
        assertEquals(List.of(1), script.attempts);
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void aFinalErrorIsNeverRetried() {
        MixpanelApiException fatal = new MixpanelApiException("HTTP 400", 400, "", "GET /x");
        ScriptedAttempts script = new ScriptedAttempts(fatal);
        assertSame(fatal, assertThrows(MixpanelApiException.class, () -> script.run(ApiFamily.QUERY, retry(ONE_SECOND_STEPS))));
        assertEquals(List.of(1), script.attempts);
        assertTrue(sleeps.isEmpty());
    }
}
