/**
 * How one request to Mixpanel travels (OkHttp's interceptor chain is the model): {@link
 * io.tapmixpanel.mixpanel.http.HttpTransport} runs each {@link io.tapmixpanel.mixpanel.http.ApiRequest} through
 * links with one job each, outermost first: retry with backoff, the hourly-budget wait, the request limiter
 * (concurrency, start rate, hourly pacing), the status classifier and one attempt. Knows the client's public
 * values (settings, credentials, errors, listener), nothing of the endpoints or of export.
 */
package io.tapmixpanel.mixpanel.http;
