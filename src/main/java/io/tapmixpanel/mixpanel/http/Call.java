package io.tapmixpanel.mixpanel.http;

/**
 * One request's trip through the chain, from its first attempt to its answer or final error: the request, what
 * to do with its body, and the little state that links share across attempts. Used by one thread.
 */
final class Call<T> {
    static final long NOT_REFUSED = Long.MIN_VALUE;

    private final ApiRequest request;
    private final BodyHandler<T> handler;
    /** The HTTP status of the latest attempt, 0 while it has none (connection failed, not sent yet). */
    private int status;
    /**
     * When Mixpanel first refused this request for its hourly budget (budget clock), or {@link #NOT_REFUSED}: kept
     * across retries, so that giving up after a full window of refusals counts from the first one.
     */
    long hourlyRefusedSince = NOT_REFUSED;

    Call(ApiRequest request, BodyHandler<T> handler) {
        this.request = request;
        this.handler = handler;
    }

    ApiRequest request() { return request; }

    BodyHandler<T> handler() { return handler; }

    /** The latest attempt got an HTTP answer with {@code httpStatus} (0: an attempt starts, nothing answered yet). */
    void answered(int httpStatus) { this.status = httpStatus; }

    /** Whether the latest attempt got any HTTP answer. */
    boolean wasAnswered() { return status > 0; }
}
