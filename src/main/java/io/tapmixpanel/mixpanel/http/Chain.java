package io.tapmixpanel.mixpanel.http;

import java.util.List;

/**
 * The rest of the chain as one link sees it: the call, the attempt it is part of, and {@link #proceed()} to run
 * the links after it. Immutable; a link that retries proceeds again with another attempt number.
 */
final class Chain<T> {
    private final List<Link> links;
    private final int next;
    private final Call<T> call;
    private final int attempt;

    Chain(List<Link> links, int next, Call<T> call, int attempt) {
        this.links = links;
        this.next = next;
        this.call = call;
        this.attempt = attempt;
    }

    Call<T> call() { return call; }

    ApiRequest request() { return call.request(); }

    /** The attempt this run of the chain is, counting from 1. */
    int attempt() { return attempt; }

    /** Runs the links after this one for the same attempt. */
    Answer<T> proceed() throws RetryableFailure {
        return proceed(attempt);
    }

    /** Runs the links after this one as attempt {@code number}. */
    Answer<T> proceed(int number) throws RetryableFailure {
        if (next >= links.size()) throw new IllegalStateException("the last link of the chain has no next one");
        return links.get(next).intercept(new Chain<>(links, next + 1, call, number));
    }
}
