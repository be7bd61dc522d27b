package io.tapmixpanel.mixpanel.http;

import static io.tapmixpanel.mixpanel.http.ScriptedAttempts.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.CallBudgets;
import io.tapmixpanel.mixpanel.HttpListener;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/rate-limits.md "Rate limits": an hourly 429 is waited out on the family's budget without spending an attempt, a smaller
 * budget Mixpanel names is adopted, and a full window of refusals with nothing accepted ends the request. On a fake
 * clock the fake sleeper advances.
 */
class HourlyBudgetWaitTest {
    private static final long S = 1_000_000_000L;
    private final RequestLimiterTest.FakeTime time = new RequestLimiterTest.FakeTime();
    private final List<String> budgetWaits = new CopyOnWriteArrayList<>();
    private final HttpListener listener = new HttpListener() {
        @Override
        public void onBudgetWait(String budget, Duration wait) {
            budgetWaits.add(budget + " " + wait.toSeconds());
        }
    };
    private final RequestLimiter limiter = new RequestLimiter(4,
            new CallBudgets(60, 60, Duration.ofSeconds(100), Duration.ZERO), time::now, time, listener);
    private final HourlyBudgetWait hourly = new HourlyBudgetWait(limiter, listener);
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() { Log.redirect(new PrintStream(logged, true, StandardCharsets.UTF_8)); }

    @AfterEach
    void restoreLog() { Log.redirect(System.err); }

    private static HourlyRefusal refusal(OptionalInt serverLimit) {
        RetryableFailure asStatus = new RetryableFailure("HTTP 429 rate limited (hourly)", Optional.empty(),
                attempts -> new MixpanelApiException("gave up", 429, "hourly", "GET /x"));
        return new HourlyRefusal(asStatus, "61/60 queries in the last hour", serverLimit);
    }

    @Test
    void anHourlyRefusalIsWaitedOutAndTheSameAttemptRunsAgain() {
        limiter.budget(ApiFamily.QUERY).tryTake(); // one call of ours in the window, 100 s old when it ages out
        ScriptedAttempts script = new ScriptedAttempts(refusal(OptionalInt.empty()), ok());
        assertEquals("ok", script.run(ApiFamily.QUERY, hourly));
        assertEquals(List.of(1, 1), script.attempts);
        assertEquals(List.of(100 * S), time.sleeps);
        assertEquals(List.of("query 100"), budgetWaits);
        String log = logged.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("funnel list: HTTP 429 rate limited (hourly); waiting 1 min 40 s for the query budget, "
                + "until our oldest call of the last 1 min 40 s ages out; no retry attempt used"), log);
    }

    @Test
    void aSmallerBudgetMixpanelNamesIsAdoptedForTheRestOfTheRun() {
        new ScriptedAttempts(refusal(OptionalInt.of(40)), ok()).run(ApiFamily.QUERY, hourly);
        assertEquals(40, limiter.budget(ApiFamily.QUERY).limit());
    }

    @Test
    void aFullWindowOfRefusalsWithNothingAcceptedEndsTheRequest() {
        ScriptedAttempts script = new ScriptedAttempts(refusal(OptionalInt.empty()));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> script.run(ApiFamily.QUERY, hourly));
        assertEquals(429, e.status());
        assertTrue(e.getMessage().contains("still refuses it for the hourly query budget after a full window of 1 min 40 s"),
                e.getMessage());
    }

    @Test
    void aFullWindowIsCountedFromWhenTheFirstRefusedCallWasSentNotFromItsSlowAnswer() {
        CallBudget budget = limiter.budget(ApiFamily.QUERY);
        // Each attempt takes its call from the budget when it is sent (as the limiter does); the first answer comes
        // back 20 s later, the second at once: the second refusal ends a full window after the first call was sent.
        Link slowFirstAnswer = new Link() {
            private int sent;

            @Override
            public <T> Answer<T> intercept(Chain<T> chain) throws RetryableFailure {
                budget.tryTake();
                if (sent++ == 0) time.advance(20 * S);
                return chain.proceed();
            }
        };
        ScriptedAttempts script = new ScriptedAttempts(refusal(OptionalInt.empty()));
        MixpanelApiException e = assertThrows(MixpanelApiException.class,
                () -> script.run(ApiFamily.QUERY, hourly, slowFirstAnswer));
        assertEquals(List.of(1, 1), script.attempts, "refused, waited until the first call aged out, refused again: done");
        assertTrue(e.getMessage().contains("after a full window of 1 min 40 s"), e.getMessage());
    }

    @Test
    void anAnsweredCallIsCountedAsAcceptedARefusedOneIsNot() {
        CallBudget budget = limiter.budget(ApiFamily.QUERY);
        long start = time.now();
        new ScriptedAttempts(refusal(OptionalInt.empty()), ok()).run(ApiFamily.QUERY, hourly);
        assertTrue(budget.acceptedSince(start));
        assertFalse(budget.acceptedSince(time.now() + 1));
    }

    @Test
    void aFamilyWithoutAnHourlyBudgetPassesTheRefusalOnForAnOrdinaryRetry() {
        HourlyRefusal r = refusal(OptionalInt.empty());
        ScriptedAttempts script = new ScriptedAttempts(r);
        assertSame(r, assertThrows(HourlyRefusal.class, () -> new Chain<>(List.of(hourly, script), 0,
                new Call<>(ScriptedAttempts.request(ApiFamily.APP), (body, attempt) -> "unused"), 1).proceed()));
        assertTrue(time.sleeps.isEmpty());
    }
}
