package io.tapmixpanel.mixpanel.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tapmixpanel.mixpanel.ClientSettings;
import io.tapmixpanel.mixpanel.HttpListener;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import java.util.List;
import java.util.Optional;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * How one {@link ApiRequest} travels: the pooled HTTP connection, then a chain of links with one job each,
 * outermost first: {@link RetryWithBackoff} (transient failures: 429 with Retry-After, 408, 5xx, resets, timeouts,
 * bodies cut short), {@link HourlyBudgetWait} (an hourly 429 waited out without spending an attempt),
 * the {@link RequestLimiter} (per-family concurrency, start rates and hourly pacing, held for the whole exchange),
 * {@link StatusClassifier} (transient or final, and the error that says what to fix) and {@link SingleAttempt}
 * (one exchange, gzip bodies, Mixpanel's error text). The client says what to ask; the transport knows nothing of
 * what the answers mean. Thread-safe: requests may run in parallel.
 */
public final class HttpTransport implements AutoCloseable {
    private static final int IO_BUFFER = 64 * 1024;

    private final CloseableHttpClient http;
    private final List<Link> links;

    public HttpTransport(ClientSettings settings, HttpListener listener) {
        HttpListener reporting = listener == null ? HttpListener.NOOP : listener;
        RequestLimiter limiter = new RequestLimiter(settings.maxConcurrentRequests(), settings.budgets(), System::nanoTime,
                Sleeper.REAL, reporting);
        Timeout timeout = Timeout.of(settings.requestTimeout());
        int pool = settings.maxConcurrentRequests();
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(pool)
                .setMaxConnPerRoute(pool)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout)
                        .setSocketTimeout(timeout)
                        .build())
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(Http1Config.custom().setBufferSize(IO_BUFFER).build())
                        .build())
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(timeout)
                        .setConnectionRequestTimeout(timeout)
                        .build())
                .setUserAgent(settings.userAgent())
                // Retries, gzip and redirects are the chain's own business: retries need the limiter and the
                // log, gzip is decoded with a large buffer, and a redirect must not carry the credentials away.
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
        this.links = List.of(
                new RetryWithBackoff(settings.retryPolicy(), reporting, Sleeper.REAL),
                new HourlyBudgetWait(limiter, reporting),
                limiter,
                new StatusClassifier(settings.credentials()),
                new SingleAttempt(http, settings.credentials().authorizationHeader(), reporting));
    }

    @Override
    public void close() {
        http.close(CloseMode.IMMEDIATE);
    }

    /**
     * Runs one request through the chain: its 2xx body goes to {@code handler}, whose result is returned; the
     * final failure is a {@link MixpanelApiException} (or a subclass a handler's {@link RetryableFailure} names).
     */
    public <T> T execute(ApiRequest req, BodyHandler<T> handler) {
        return execute(links, req, handler);
    }

    static <T> T execute(List<Link> links, ApiRequest req, BodyHandler<T> handler) {
        Answer<T> answer;
        try {
            answer = new Chain<>(links, 0, new Call<>(req, handler), 1).proceed();
        } catch (RetryableFailure notRetried) {
            // Only a chain without RetryWithBackoff lets one out: then there was one attempt in all.
            throw notRetried.exhausted(1);
        }
        if (answer instanceof Answer.Body<T> body) return body.value();
        throw new IllegalStateException("an error status passed the chain unclassified: " + answer);
    }

    /** GETs (or POSTs) a small JSON document; a body cut short is retried like any transient failure. */
    public JsonNode fetchJson(ApiRequest req) {
        return execute(req, json(req));
    }

    /**
     * {@link #fetchJson} given one attempt only (no retry, no backoff): for a request the server is known to kill
     * again the same way, whose caller has another route to turn to (the Lexicon, docs/streams.md "Governance
     * streams"). A transient failure ends as the {@link MixpanelApiException} of one attempt.
     */
    public JsonNode fetchJsonOnce(ApiRequest req) {
        return execute(links.subList(1, links.size()), req, json(req));
    }

    private static BodyHandler<JsonNode> json(ApiRequest req) {
        return (body, attempt) -> {
            try {
                JsonNode n = MixpanelJson.MAPPER.readTree(body);
                if (n == null || n.isMissingNode()) throw ApiErrors.unexpected(req, "empty body");
                return n;
            } catch (JsonEOFException e) {
                throw new RetryableFailure("response cut short (" + e.getOriginalMessage() + ")", Optional.empty(),
                        attempts -> new MixpanelApiException(req.label() + ": the response was cut short on every one of "
                                + attempts + " attempts", 200, "", req.describe(), e));
            } catch (JsonProcessingException e) {
                throw new MixpanelApiException(req.label() + ": the response of " + req.describe()
                        + " is not valid JSON: " + e.getOriginalMessage(), 200, "", req.describe(), e);
            }
        };
    }
}
