package io.tapmixpanel.mixpanel.http;

import io.tapmixpanel.mixpanel.HttpListener;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * The last link: one HTTP exchange. Sends the request with the credentials header, hands a 2xx body (gzip
 * decoded) to the call's {@link BodyHandler}, reads an error body (bounded) for Mixpanel's text, and reports the
 * response to the {@link HttpListener}. A connection failure is a {@link RetryableFailure} when retrying can help
 * ({@link HttpFailures#isTransient}), else final, as is a body that is not the gzip it claims. Any exchange that
 * does not end normally aborts its connection, so a 300 MB body is never drained just to be dropped.
 */
final class SingleAttempt implements Link {
    private static final int ERROR_BODY_LIMIT = 64 * 1024;
    private static final ContentType FORM = ContentType.create("application/x-www-form-urlencoded", StandardCharsets.UTF_8);

    private final CloseableHttpClient http;
    private final String authorization;
    private final HttpListener listener;

    SingleAttempt(CloseableHttpClient http, String authorization, HttpListener listener) {
        this.http = http;
        this.authorization = authorization;
        this.listener = listener;
    }

    @Override
    public <T> Answer<T> intercept(Chain<T> chain) throws RetryableFailure {
        ApiRequest req = chain.request();
        HttpUriRequestBase request = toHttp(req);
        ClassicHttpResponse response = null;
        boolean complete = false;
        int status = 0;
        long started = System.nanoTime();
        try {
            response = http.executeOpen(null, request, null);
            status = response.getCode();
            chain.call().answered(status);
            if (status >= 200 && status < 300) {
                T result = chain.call().handler().handle(openBody(response.getEntity()), chain.attempt());
                EntityUtils.consume(response.getEntity()); // what is left is at most whitespace: keep the connection
                complete = true;
                return new Answer.Body<>(result);
            }
            String apiMessage = ApiErrors.errorText(readErrorBody(response.getEntity()));
            return new Answer.ErrorStatus<>(status, apiMessage, RetryAfter.of(response));
        } catch (LazyGzipStream.NotGzipException e) {
            throw new MixpanelApiException(req.label() + ": " + req.host() + " labelled its answer gzip "
                    + "(Content-Encoding: gzip) but the body is not valid gzip (" + e.getMessage() + "); not retried: "
                    + "the same server sends the same body, so a proxy or server between the tap and Mixpanel is at "
                    + "fault" + (req.acceptGzip() && req.family() == ApiFamily.EXPORT ? " (export_gzip: false stops "
                    + "the tap asking export for gzip)" : ""), status, "", req.describe(), e);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) throw ApiErrors.interrupted(req, e);
            if (!HttpFailures.isTransient(e)) {
                throw new MixpanelApiException(req.label() + ": cannot reach " + req.host() + " ("
                        + HttpFailures.describe(e) + "); check `region` and the base URL settings", 0, "",
                        req.describe(), e);
            }
            throw transportFailure(req, e);
        } finally {
            if (status > 0) listener.onResponse(req.endpoint(), status, System.nanoTime() - started);
            if (!complete) request.cancel();
            if (response != null) {
                try {
                    response.close();
                } catch (IOException | RuntimeException ignored) {
                    // the connection was aborted on purpose
                }
            }
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

    private static RetryableFailure transportFailure(ApiRequest req, IOException e) {
        String cause = HttpFailures.describe(e);
        return new RetryableFailure(cause, Optional.empty(), attempts -> new MixpanelApiException(req.label() + ": "
                + cause + " (" + req.host() + "); still failing after " + attempts + " attempts", 0, "",
                req.describe(), e));
    }
}
