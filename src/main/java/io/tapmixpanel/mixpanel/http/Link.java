package io.tapmixpanel.mixpanel.http;

/**
 * One link of the transport's chain (OkHttp's interceptors are the model): it does its one job around the rest of
 * the chain, which it runs with {@link Chain#proceed()} as often as its job needs (a retry runs it again). Links
 * hold no state of their own for a request: what must outlive one run of the rest of the chain is on the
 * {@link Call}.
 */
interface Link {
    <T> Answer<T> intercept(Chain<T> chain) throws RetryableFailure;
}
