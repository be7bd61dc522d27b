package io.tapmixpanel.mixpanel.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for the links after the one under test: each run answers with the next step of a script (an
 * {@link Answer} to return, or an exception to throw; the last step repeats), and records the attempt number it
 * ran as. An answer marks the call answered with its status, as {@link SingleAttempt} does.
 */
final class ScriptedAttempts implements Link {
    private final List<Object> script;
    final List<Integer> attempts = new ArrayList<>();

    ScriptedAttempts(Object... steps) {
        this.script = List.of(steps);
    }

    static Answer<String> ok() { return new Answer.Body<>("ok"); }

    static Answer<String> status(int status, String apiMessage) {
        return new Answer.ErrorStatus<>(status, apiMessage, java.util.Optional.empty());
    }

    static ApiRequest request(ApiFamily family) {
        return ApiRequest.get(family, URI.create("http://127.0.0.1:9"), "/api/2.0/funnels/list")
                .endpoint("funnels/list").label("funnel list");
    }

    /** Runs {@code links}, then this script, for one request of {@code family}. */
    String run(ApiFamily family, Link... links) {
        List<Link> chain = new ArrayList<>(List.of(links));
        chain.add(this);
        return HttpTransport.execute(chain, request(family), (body, attempt) -> "unused");
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Answer<T> intercept(Chain<T> chain) throws RetryableFailure {
        attempts.add(chain.attempt());
        Object step = script.get(Math.min(attempts.size() - 1, script.size() - 1));
        if (step instanceof RetryableFailure f) throw f;
        if (step instanceof RuntimeException e) throw e;
        Answer<T> answer = (Answer<T>) step;
        chain.call().answered(answer instanceof Answer.ErrorStatus<T> e ? e.status() : 200);
        return answer;
    }
}
