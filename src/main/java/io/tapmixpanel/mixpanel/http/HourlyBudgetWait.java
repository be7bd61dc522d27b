package io.tapmixpanel.mixpanel.http;

import io.tapmixpanel.log.Durations;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.HttpListener;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import java.time.Duration;

/**
 * Waits out Mixpanel's hourly refusals ({@link HourlyRefusal}) of export and query calls, without spending a retry
 * attempt, and tells the family's {@link CallBudget} which calls were answered otherwise. Families without an
 * hourly budget pass straight through: their 429s are retried like any other.
 */
final class HourlyBudgetWait implements Link {
    private final RequestLimiter limiter;
    private final HttpListener listener;

    HourlyBudgetWait(RequestLimiter limiter, HttpListener listener) {
        this.limiter = limiter;
        this.listener = listener;
    }

    @Override
    public <T> Answer<T> intercept(Chain<T> chain) throws RetryableFailure {
        CallBudget budget = limiter.budget(chain.request().family());
        if (budget == null) return chain.proceed();
        Call<T> call = chain.call();
        while (true) {
            HourlyRefusal refusal;
            call.answered(0); // what the attempt before got says nothing of this one
            // A full window of refusals is measured from when the first refused call was sent, not from when its
            // answer came back: a slow answer must not make the next refusal look short of a full window.
            long sent = budget.now();
            try {
                Answer<T> answer = chain.proceed();
                if (call.wasAnswered()) budget.accepted();
                return answer;
            } catch (HourlyRefusal r) {
                refusal = r;
            } catch (RetryableFailure | RuntimeException | Error e) {
                if (call.wasAnswered()) budget.accepted();
                throw e;
            }
            if (call.hourlyRefusedSince == Call.NOT_REFUSED) call.hourlyRefusedSince = sent;
            waitOut(chain.request(), budget, refusal, call.hourlyRefusedSince);
        }
    }

    /**
     * Mixpanel refused a call for its hourly budget although the client paced itself (other clients share the
     * project's budget, or it is smaller than configured): adopt a smaller budget it names, then wait until the
     * oldest call of the window ages out, or longer when Retry-After says so, holding back the family's other
     * calls too (docs/rate-limits.md "Rate limits"). Gives up only when Mixpanel still refuses after a full window in which
     * none of the family's calls was accepted: then the budget is spent by someone else, and waiting more would
     * not help.
     */
    private void waitOut(ApiRequest req, CallBudget budget, HourlyRefusal failure, long refusedSince) {
        String apiMessage = failure.apiMessage();
        long now = budget.now();
        // "A full window" give or take how late the first refusal's answer came (at most 1 s), so that the wait
        // until the first refused call ages out counts as one whatever the sleep's precision.
        long fullWindow = budget.windowNanos() - Math.min(1_000_000_000L, budget.windowNanos() / 10);
        if (now - refusedSince >= fullWindow && !budget.acceptedSince(refusedSince)) {
            throw new MixpanelApiException(req.label() + ": HTTP 429 from " + req.describe() + ": Mixpanel still "
                    + "refuses it for the hourly " + budget.name() + " budget after a full window of "
                    + Durations.human(Duration.ofNanos(budget.windowNanos())) + " in which no call of ours was "
                    + "accepted; another client may be using the project's budget: " + apiMessage, 429, apiMessage,
                    req.describe());
        }
        failure.serverLimit().ifPresent(budget::adopt);
        long waitNanos = Math.max(budget.untilOldestAgesOut(), failure.retryAfter().map(Duration::toNanos).orElse(0L));
        String wait = Durations.human(Duration.ofNanos(waitNanos));
        budget.blockUntil(now + waitNanos, "Mixpanel refused a call for the hourly limit (429), held back until "
                + "our oldest " + budget.name() + " call of the window ages out");
        Log.warning("%s", req.label() + ": " + failure.cause() + "; waiting " + wait + " for the " + budget.name()
                + " budget, until our oldest call of the last " + Durations.human(Duration.ofNanos(budget.windowNanos()))
                + " ages out" + (failure.retryAfter().isPresent() ? " (Retry-After honoured)" : "")
                + "; no retry attempt used");
        listener.onBudgetWait(budget.name(), Duration.ofNanos(waitNanos));
        try {
            limiter.sleeper().sleep(waitNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiErrors.interrupted(req, e);
        } finally {
            listener.onBudgetWaitOver(budget.name());
        }
    }
}
