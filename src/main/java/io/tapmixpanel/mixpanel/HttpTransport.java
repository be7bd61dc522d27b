package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tapmixpanel.log.Durations;
import io.tapmixpanel.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * How one {@link ApiRequest} travels: the pooled HTTP connection, the credentials header, the per-family limiter,
 * retries of transient failures (429 with Retry-After, 408, 5xx, resets, timeouts, bodies cut short) with the
 * {@link RetryPolicy}'s backoff (never of client errors, bad URIs or bodies that are not the gzip they claim), gzip bodies, Mixpanel's error text, and the typed exception each final failure
 * becomes. {@link MixpanelClient} says what to ask; this class knows nothing of what the answers mean.
 * Thread-safe: requests may run in parallel.
 */
final class HttpTransport implements AutoCloseable {
    private static final int IO_BUFFER = 64 * 1024;
    private static final int ERROR_BODY_LIMIT = 64 * 1024;
    private static final long NOT_REFUSED = Long.MIN_VALUE;
    private static final ContentType FORM = ContentType.create("application/x-www-form-urlencoded", StandardCharsets.UTF_8);

    private final RetryPolicy policy;
    private final Credentials credentials;
    private final HttpListener listener;
    private final RequestLimiter limiter;
    private final CloseableHttpClient http;
    private final String authorization;

    HttpTransport(ClientSettings settings, HttpListener listener) {
        this.policy = settings.retryPolicy();
        this.credentials = settings.credentials();
        this.listener = listener == null ? HttpListener.NOOP : listener;
        this.limiter = new RequestLimiter(settings.maxConcurrentRequests(), settings.budgets(), System::nanoTime,
                Sleeper.REAL, this.listener);
        this.authorization = credentials.authorizationHeader();
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
                // Retries, gzip and redirects are this class's own business: retries need the limiter and the
                // log, gzip is decoded with a large buffer, and a redirect must not carry the credentials away.
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    @Override
    public void close() {
        http.close(CloseMode.IMMEDIATE);
    }

    /** What to do with a 2xx body. IOExceptions thrown here count as transport failures and are retried. */
    @FunctionalInterface
    interface BodyHandler<T> {
        T handle(InputStream body, int attempt) throws IOException, RetryableFailure;
    }

    /** A transient failure of one attempt: its cause for the log, an optional server-imposed wait, the final error. */
    static final class RetryableFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final String cause;
        final Optional<Duration> retryAfter;
        final IntFunction<MixpanelApiException> exhausted;

        /** {@code exhausted} makes the final error from the number of attempts made. */
        RetryableFailure(String cause, Optional<Duration> retryAfter, IntFunction<MixpanelApiException> exhausted) {
            super(cause, null, false, false);
            this.cause = cause;
            this.retryAfter = retryAfter;
            this.exhausted = exhausted;
        }
    }

    /** GETs (or POSTs) a small JSON document; a body cut short is retried like any transient failure. */
    JsonNode fetchJson(ApiRequest req) {
        return execute(req, (body, attempt) -> {
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
        });
    }

    /**
     * Runs one request under the limiter, retrying transient failures with backoff until the policy says stop.
     * Non-2xx bodies are read (bounded) for their error text; 2xx bodies go to {@code handler}. Any attempt that
     * does not end normally aborts its connection, so a 300 MB body is never drained just to be dropped.
     */
    <T> T execute(ApiRequest req, BodyHandler<T> handler) {
        long waitedNanos = 0;
        CallBudget budget = limiter.budget(req.family());
        long refusedHourlySince = NOT_REFUSED;
        for (int attempt = 1; ; attempt++) {
            RetryableFailure failure;
            Optional<OptionalInt> hourly = Optional.empty();
            String refusal = "";
            try {
                limiter.acquire(req.family(), req.countsAgainstHourlyBudget(), req.label());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(req, e);
            }
            HttpUriRequestBase request = toHttp(req);
            ClassicHttpResponse response = null;
            boolean complete = false;
            int status = 0;
            long started = System.nanoTime();
            try {
                response = http.executeOpen(null, request, null);
                status = response.getCode();
                if (status >= 200 && status < 300) {
                    T result = handler.handle(openBody(response.getEntity()), attempt);
                    EntityUtils.consume(response.getEntity()); // what is left is at most whitespace: keep the connection
                    complete = true;
                    return result;
                }
                String apiMessage = ApiErrors.errorText(readErrorBody(response.getEntity()));
                if (status == 429) {
                    hourly = CallBudget.hourlyRefusal(apiMessage);
                    refusal = apiMessage;
                }
                if (!isTransient(status)) {
                    throw ApiErrors.forStatus(req, status, apiMessage, credentials);
                }
                failure = statusFailure(req, status, apiMessage, retryAfter(response));
            } catch (RetryableFailure f) {
                failure = f;
            } catch (LazyGzipStream.NotGzipException e) {
                throw new MixpanelApiException(req.label() + ": " + req.host() + " labelled its answer gzip "
                        + "(Content-Encoding: gzip) but the body is not valid gzip (" + e.getMessage() + "); not retried: "
                        + "the same server sends the same body, so a proxy or server between the tap and Mixpanel is at "
                        + "fault" + (req.acceptGzip() && req.family() == ApiFamily.EXPORT ? " (export_gzip: false stops "
                        + "the tap asking export for gzip)" : ""), status, "", req.describe(), e);
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) throw interrupted(req, e);
                if (!HttpFailures.isTransient(e)) {
                    throw new MixpanelApiException(req.label() + ": cannot reach " + req.host() + " ("
                            + HttpFailures.describe(e) + "); check `region` and the base URL settings", 0, "",
                            req.describe(), e);
                }
                failure = transportFailure(req, e);
            } finally {
                if (budget != null && status > 0 && hourly.isEmpty()) budget.accepted();
                if (status > 0) listener.onResponse(req.endpoint(), status, System.nanoTime() - started);
                if (!complete) request.cancel();
                if (response != null) {
                    try {
                        response.close();
                    } catch (IOException | RuntimeException ignored) {
                        // the connection was aborted on purpose
                    }
                }
                limiter.release(req.family());
            }

            if (hourly.isPresent() && budget != null) {
                if (refusedHourlySince == NOT_REFUSED) refusedHourlySince = budget.now();
                waitOutHourlyRefusal(req, budget, failure, refusal, hourly.get(), refusedHourlySince);
                attempt--; // an hourly refusal is a matter of time, not a failed attempt
                continue;
            }
            int failed = attempt;
            Duration wait = failure.retryAfter.orElseGet(() -> policy.backoff(failed));
            if (attempt >= policy.maxAttempts() || waitedNanos + wait.toNanos() > policy.maxTotalWait().toNanos()) {
                throw failure.exhausted.apply(attempt);
            }
            Log.warning("%s", req.label() + ": " + failure.cause + ", retry " + attempt + "/"
                    + (policy.maxAttempts() - 1) + " in " + humanDuration(wait));
            listener.onRetry(req.endpoint(), failure.cause, attempt, wait);
            try {
                Thread.sleep(wait.toMillis(), wait.toNanosPart() % 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(req, e);
            }
            waitedNanos += wait.toNanos();
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
    private void waitOutHourlyRefusal(ApiRequest req, CallBudget budget, RetryableFailure failure, String apiMessage,
                                      OptionalInt serverLimit, long refusedSince) {
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
        serverLimit.ifPresent(budget::adopt);
        long waitNanos = Math.max(budget.untilOldestAgesOut(), failure.retryAfter.map(Duration::toNanos).orElse(0L));
        String wait = Durations.human(Duration.ofNanos(waitNanos));
        budget.blockUntil(now + waitNanos, "Mixpanel refused a call for the hourly limit (429), held back until "
                + "our oldest " + budget.name() + " call of the window ages out");
        Log.warning("%s", req.label() + ": " + failure.cause + "; waiting " + wait + " for the " + budget.name()
                + " budget, until our oldest call of the last " + Durations.human(Duration.ofNanos(budget.windowNanos()))
                + " ages out" + (failure.retryAfter.isPresent() ? " (Retry-After honoured)" : "")
                + "; no retry attempt used");
        listener.onBudgetWait(budget.name(), Duration.ofNanos(waitNanos));
        try {
            limiter.sleeper().sleep(waitNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(req, e);
        } finally {
            listener.onBudgetWaitOver(budget.name());
        }
    }

    private HttpUriRequestBase toHttp(ApiRequest req) {
        HttpUriRequestBase r = new HttpUriRequestBase(req.method(), req.uri());
        r.setHeader("Authorization", authorization);
        if (req.family() != ApiFamily.EXPORT) r.setHeader("Accept", "application/json");
        if (req.acceptGzip()) r.setHeader("Accept-Encoding", "gzip");
        req.formBody().ifPresent(form -> r.setEntity(new StringEntity(form, FORM)));
        return r;
    }

    private static InputStream openBody(HttpEntity entity) throws IOException {
        if (entity == null) return InputStream.nullInputStream();
        InputStream content = entity.getContent();
        if (content == null) return InputStream.nullInputStream();
        String encoding = entity.getContentEncoding();
        if (encoding != null) {
            String e = encoding.trim().toLowerCase(Locale.ROOT);
            if (e.equals("gzip") || e.equals("x-gzip")) return new LazyGzipStream(content);
        }
        return content;
    }

    private static String readErrorBody(HttpEntity entity) {
        if (entity == null) return "";
        try {
            InputStream in = openBody(entity);
            byte[] bytes = in.readNBytes(ERROR_BODY_LIMIT);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException | LazyGzipStream.NotGzipException e) {
            return "";
        }
    }

    private static boolean isTransient(int status) {
        return status == 429 || status == 408 || (status >= 500 && status != 501 && status != 505);
    }

    private static RetryableFailure statusFailure(ApiRequest req, int status, String apiMessage, Optional<Duration> retryAfter) {
        String what = switch (status) {
            case 429 -> "HTTP 429 rate limited";
            case 408 -> "HTTP 408 request timeout";
            case 502 -> "HTTP 502 bad gateway";
            case 503 -> "HTTP 503 service unavailable";
            case 504 -> "HTTP 504 gateway timeout";
            default -> "HTTP " + status + " server error";
        };
        String cause = what + (apiMessage.isEmpty() ? "" : " (" + shorten(apiMessage, 200) + ")");
        return new RetryableFailure(cause, retryAfter, attempts -> new MixpanelApiException(req.label() + ": "
                + what + " from " + req.describe() + (apiMessage.isEmpty() ? "" : ": " + apiMessage)
                + "; still failing after " + attempts + " attempts", status, apiMessage, req.describe()));
    }

    private static RetryableFailure transportFailure(ApiRequest req, IOException e) {
        String cause = HttpFailures.describe(e);
        return new RetryableFailure(cause, Optional.empty(), attempts -> new MixpanelApiException(req.label() + ": "
                + cause + " (" + req.host() + "); still failing after " + attempts + " attempts", 0, "",
                req.describe(), e));
    }

    private static MixpanelApiException interrupted(ApiRequest req, Exception e) {
        return new MixpanelApiException(req.label() + ": interrupted", 0, "", req.describe(), e);
    }

    /**
     * Retry-After in seconds or as an HTTP date, with a little jitter on top so parallel workers spread out. A
     * value that says no wait a server could mean (NaN, a negative number, infinity, a date in the past, text)
     * is ignored: the normal backoff applies, never a burst of immediate retries. 0 is honoured.
     */
    static Optional<Duration> retryAfter(ClassicHttpResponse response) {
        Header h = response.getFirstHeader("Retry-After");
        if (h == null || h.getValue() == null) return Optional.empty();
        String v = h.getValue().trim();
        Duration d;
        try {
            double seconds = Double.parseDouble(v);
            if (!Double.isFinite(seconds) || seconds < 0 || seconds > Long.MAX_VALUE / 1000.0) return Optional.empty();
            d = Duration.ofMillis(Math.round(seconds * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
            if (d.isNegative()) return Optional.empty();
        }
        long jitterMax = Math.min(d.toMillis() / 10, 1000);
        return Optional.of(jitterMax > 0 ? d.plusMillis(ThreadLocalRandom.current().nextLong(jitterMax + 1)) : d);
    }

    private static String humanDuration(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) return d.toMillis() + " ms";
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
