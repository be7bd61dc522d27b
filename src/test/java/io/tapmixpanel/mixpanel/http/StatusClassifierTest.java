package io.tapmixpanel.mixpanel.http;

import static io.tapmixpanel.mixpanel.http.ScriptedAttempts.ok;
import static io.tapmixpanel.mixpanel.http.ScriptedAttempts.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapmixpanel.mixpanel.Credentials;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.mixpanel.PaymentRequiredException;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What an error status means: retried (and how it is named) or final (and what it tells the user to fix). */
class StatusClassifierTest {
    private static final Credentials SA = new Credentials.ServiceAccount("sa.user", "s3cret", 42);
    private final StatusClassifier classifier = new StatusClassifier(SA);

    private RetryableFailure retryable(int status, String apiMessage) {
        return assertThrows(RetryableFailure.class, () -> classifier.intercept(
                new Chain<>(List.of(new ScriptedAttempts(status(status, apiMessage))), 0,
                        new Call<>(ScriptedAttempts.request(ApiFamily.QUERY), (body, attempt) -> "unused"), 1)));
    }

    private MixpanelApiException fatal(int status, String apiMessage) {
        return assertThrows(MixpanelApiException.class, () -> new ScriptedAttempts(status(status, apiMessage))
                .run(ApiFamily.QUERY, classifier));
    }

    @Test
    void aTwoHundredAnswerPassesThroughUntouched() {
        assertEquals("ok", new ScriptedAttempts(ok()).run(ApiFamily.QUERY, classifier));
    }

    @Test
    void rateLimitsTimeoutsAndServerErrorsAreRetriedUnderTheirOwnNames() {
        assertEquals("HTTP 429 rate limited (slow down)", retryable(429, "slow down").cause());
        assertEquals("HTTP 408 request timeout", retryable(408, "").cause());
        assertEquals("HTTP 500 server error (boom)", retryable(500, "boom").cause());
        assertEquals("HTTP 502 bad gateway", retryable(502, "").cause());
        assertEquals("HTTP 503 service unavailable", retryable(503, "").cause());
        assertEquals("HTTP 504 gateway timeout", retryable(504, "").cause());
    }

    @Test
    void aRetriedStatusThatNeverClearsSaysHowManyAttemptsFailed() {
        MixpanelApiException e = retryable(503, "busy").exhausted(8);
        assertEquals("funnel list: HTTP 503 service unavailable from GET /api/2.0/funnels/list: busy; still failing "
                + "after 8 attempts", e.getMessage());
        assertEquals(503, e.status());
    }

    @Test
    void aLongApiMessageIsShortenedInTheRetryCauseOnly() {
        String text = "x".repeat(300);
        RetryableFailure f = retryable(500, text);
        assertEquals("HTTP 500 server error (" + "x".repeat(200) + "...)", f.cause());
        assertTrue(f.exhausted(2).getMessage().contains(text));
    }

    @Test
    void anHourly429IsAnHourlyRefusalWithTheBudgetMixpanelNames() {
        HourlyRefusal r = assertInstanceOf(HourlyRefusal.class,
                retryable(429, "Query rate limit exceeded: 61/40 queries running in the last hour"));
        assertEquals(OptionalInt.of(40), r.serverLimit());
        assertTrue(r.cause().startsWith("HTTP 429 rate limited ("), r.cause());
    }

    @Test
    void aConcurrency429IsNotAnHourlyRefusal() {
        RetryableFailure f = retryable(429, "6/5 queries running concurrently and 12/60 queries running in the last hour");
        assertEquals(RetryableFailure.class, f.getClass());
    }

    @Test
    void clientErrorsAndTheStatusesNoRetryCanFixAreFinal() {
        for (int status : new int[] {400, 404, 501, 505}) {
            assertEquals(status, fatal(status, "no").status());
        }
    }

    @Test
    void refusedCredentialsNameTheSettingsToCheck() {
        MixpanelApiException e = fatal(401, "Invalid credentials");
        assertTrue(e.getMessage().contains("service account sa.user") && e.getMessage().contains("`region`"),
                e.getMessage());
        assertTrue(e.credentialsRefused());
    }

    @Test
    void paymentRequiredHasItsOwnType() {
        assertInstanceOf(PaymentRequiredException.class, fatal(402, "upgrade"));
    }
}
