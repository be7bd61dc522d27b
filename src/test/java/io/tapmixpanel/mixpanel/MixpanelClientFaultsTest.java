package io.tapmixpanel.mixpanel;


import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.Fault;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Transient failures are retried with backoff (and logged); final errors say what to fix. */
class MixpanelClientFaultsTest extends WireMockSupport {

    private static final String FUNNELS = "/api/2.0/funnels/list";
    private static final String OK_FUNNELS = "[{\"funnel_id\":1,\"name\":\"f\"}]";

    private int requests(String path) {
        return wm.findAll(anyRequestedFor(urlPathEqualTo(path))).size(); // any method: cohorts/list is a POST
    }

    @Test
    void rateLimitedWithRetryAfterWaitsThatLongThenSucceeds() {
        answerInTurn(() -> get(urlPathEqualTo(FUNNELS)),
                aResponse().withStatus(429).withHeader("Retry-After", "1").withBody(
                        "{\"request\":\"/api/2.0/funnels/list\",\"error\":\"Query rate limit exceeded for project_id: 2526451. 6/5 queries running concurrently and 12/60 queries running in the last hour.\"}"),
                okJson(OK_FUNNELS));
        CountingListener listener = new CountingListener();
        long start = System.nanoTime();
        List<Funnel> funnels = client(settings(SERVICE_ACCOUNT), listener).funnels();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(List.of(new Funnel(1, "f")), funnels);
        assertEquals(2, requests(FUNNELS));
        assertTrue(elapsedMs >= 1000, "Retry-After: 1 honoured, waited " + elapsedMs + " ms");
        assertEquals(1, listener.retries.size());
        assertEquals(List.of(429, 200), listener.statuses);
        assertTrue(log().contains("WARNING funnel list: HTTP 429 rate limited (Query rate limit exceeded"), log());
        assertTrue(log().contains("retry 1/3 in 1."), log());
    }

    @Test
    void rateLimitedWithoutRetryAfterBacksOffAndRetries() {
        answerInTurn(() -> get(urlPathEqualTo(FUNNELS)),
                aResponse().withStatus(429).withBody("{\"error\":\"slow down\"}"),
                aResponse().withStatus(429).withBody("{\"error\":\"slow down\"}"),
                okJson(OK_FUNNELS));
        assertEquals(1, client(SERVICE_ACCOUNT).funnels().size());
        assertEquals(3, requests(FUNNELS));
        assertTrue(log().contains("retry 2/3"), log());
    }

    @Test
    void serverErrors500And502AreRetried() {
        answerInTurn(() -> get(urlPathEqualTo(FUNNELS)),
                aResponse().withStatus(500).withBody("Internal Server Error"),
                aResponse().withStatus(502).withBody("<html>Bad Gateway</html>"),
                okJson(OK_FUNNELS));
        CountingListener listener = new CountingListener();
        assertEquals(1, client(settings(SERVICE_ACCOUNT), listener).funnels().size());
        assertEquals(3, requests(FUNNELS));
        assertEquals(List.of(500, 502, 200), listener.statuses);
        assertTrue(log().contains("HTTP 500 server error (Internal Server Error)"), log());
        assertTrue(log().contains("HTTP 502 bad gateway"), log());
    }

    @Test
    void persistentServerErrorsGiveUpAfterMaxAttempts() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(503).withBody("{\"error\":\"down\"}")));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(SERVICE_ACCOUNT).funnels());
        assertEquals(4, requests(FUNNELS));
        assertEquals(503, e.status());
        assertEquals("down", e.apiMessage());
        assertTrue(e.getMessage().contains("still failing after 4 attempts"), e.getMessage());
        assertTrue(e.request().startsWith("GET /api/2.0/funnels/list?project_id="), e.request());
    }

    @Test
    void aRetryAfterBeyondTheTotalWaitBudgetFailsAtOnce() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(SERVICE_ACCOUNT).funnels());
        assertEquals(1, requests(FUNNELS));
        assertEquals(429, e.status());
    }

    @Test
    void aRetryAfterBeyondTheTotalWaitBudgetSaysTheWaitAskedTheCapAndWhenToRerun() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")
                .withBody("{\"error\":\"Too many requests\"}")));
        java.time.Instant before = java.time.Instant.now();
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(SERVICE_ACCOUNT).funnels());
        String m = e.getMessage();
        assertTrue(m.startsWith("funnel list: HTTP 429 rate limited (Too many requests) from GET /api/2.0/funnels/list?"), m);
        // FAST_RETRIES waits at most 10 s for one request.
        assertTrue(m.contains(": Mixpanel asks to wait 60 min (Retry-After) before retrying, longer than the 10 s the tap "
                + "waits for one request at most; rerun the tap after "), m);
        assertTrue(m.endsWith(" (in 60 min)"), m);
        assertTrue(!m.contains("still failing after"), m);
        java.time.Instant rerun = java.time.Instant.parse(m.substring(m.indexOf("rerun the tap after ") + 20, m.indexOf(" (in ")));
        assertTrue(!rerun.isBefore(before.plusSeconds(3600)) && rerun.isBefore(before.plusSeconds(3660)), rerun.toString());
        assertEquals(429, e.status());
        assertEquals("Too many requests", e.apiMessage());
        assertEquals(1, requests(FUNNELS));
    }

    @Test
    void connectionResetIsRetried() {
        answerInTurn(() -> get(urlPathEqualTo(FUNNELS)),
                aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), okJson(OK_FUNNELS));
        CountingListener listener = new CountingListener();
        assertEquals(1, client(settings(SERVICE_ACCOUNT), listener).funnels().size());
        assertEquals(2, requests(FUNNELS));
        assertEquals(1, listener.retries.size());
    }

    @Test
    void malformedChunkAndRandomDataAreRetried() {
        answerInTurn(() -> get(urlPathEqualTo(FUNNELS)),
                aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK),
                aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE),
                aResponse().withFault(Fault.EMPTY_RESPONSE),
                okJson(OK_FUNNELS));
        assertEquals(1, client(SERVICE_ACCOUNT).funnels().size());
        assertEquals(4, requests(FUNNELS));
    }

    @Test
    void aResponseSlowerThanTheTimeoutIsRetried() {
        answerInTurn(() -> get(urlPathEqualTo(FUNNELS)),
                okJson(OK_FUNNELS).withFixedDelay(3000), okJson(OK_FUNNELS));
        ClientSettings s = new ClientSettings(SERVICE_ACCOUNT, Region.US, Optional.of(base()), Optional.of(base()),
                Optional.of(base()), Duration.ofMillis(300), 2, "ua", FAST_RETRIES);
        long start = System.nanoTime();
        assertEquals(1, client(s, HttpListener.NOOP).funnels().size());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2500, "did not wait for the slow answer");
        assertEquals(2, requests(FUNNELS));
        assertTrue(log().contains("read timed out"), log());
    }

    @Test
    void aTruncatedJsonBodyIsRetried() {
        answerInTurn(() -> get(urlPathEqualTo(FUNNELS)),
                aResponse().withStatus(200).withBody("[{\"funnel_id\":1,\"na"), okJson(OK_FUNNELS));
        assertEquals(1, client(SERVICE_ACCOUNT).funnels().size());
        assertEquals(2, requests(FUNNELS));
    }

    @Test
    void invalidJsonThatIsNotATruncationFailsWithoutRetry() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(200).withBody("<html>hello</html>")));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(SERVICE_ACCOUNT).funnels());
        assertEquals(1, requests(FUNNELS));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void toDateLaterThanTodayNamesProjectTimezone() {
        wm.stubFor(get(urlPathEqualTo("/api/2.0/export")).willReturn(aResponse().withStatus(400).withBody(
                "{\"request\":\"/api/2.0/export?from_date=2024-03-01&to_date=2024-03-02\",\"error\":\"to_date cannot be later than today\"}")));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(SERVICE_ACCOUNT)
                .export(ExportQuery.of(LocalDate.of(2024, 3, 1), LocalDate.of(2024, 3, 2)), new RecordingConsumer()));
        assertEquals(1, requests("/api/2.0/export"));
        assertEquals(400, e.status());
        assertEquals("to_date cannot be later than today", e.apiMessage());
        assertTrue(e.getMessage().startsWith("Mixpanel says to_date 2024-03-02 is later than today in the project's "
                + "timezone: set project_timezone to the project's timezone (Project Settings) or use an earlier end_date"),
                e.getMessage());
    }

    @Test
    void unauthorizedNamesCredentialsAndRegionWithoutTheSecret() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(401)
                .withBody("{\"error\":\"Invalid username or password\"}")));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(SERVICE_ACCOUNT).funnels());
        assertEquals(1, requests(FUNNELS));
        assertEquals(401, e.status());
        assertTrue(e.getMessage().startsWith("HTTP 401 from 127.0.0.1:" + wm.port() + ": the credentials (service account "
                + SA_USER + ") were refused; check api_secret / service_account_username+service_account_secret and "
                + "that `region` (US/EU/IN) matches the project's data residency"), e.getMessage());
        assertTrue(e.getMessage().endsWith(": Invalid username or password"), e.getMessage());
        assertFalse(e.getMessage().contains(SA_SECRET));
        assertFalse(e.getMessage().contains(SA_AUTH.substring(6)));
    }

    @Test
    void unableToAuthenticateIn400IsACredentialsError() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(400)
                .withBody("{\"request\":\"/api/2.0/funnels/list\",\"error\":\"Unable to authenticate request\"}")));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(PROJECT_SECRET).funnels());
        assertTrue(e.getMessage().contains("the credentials (project API secret) were refused"), e.getMessage());
    }

    @Test
    void paymentRequiredIsItsOwnExceptionAndNotRetried() {
        wm.stubFor(post(urlPathEqualTo("/api/2.0/cohorts/list")).willReturn(aResponse().withStatus(402)
                .withBody("{\"error\":\"Your plan does not allow API calls. Upgrade at mixpanel.com/pricing\"}")));
        PaymentRequiredException e = assertThrows(PaymentRequiredException.class, () -> client(SERVICE_ACCOUNT).cohorts());
        assertEquals(1, requests("/api/2.0/cohorts/list"));
        assertEquals(402, e.status());
        assertTrue(e.getMessage().contains("does not include this API"), e.getMessage());
    }

    @Test
    void forbiddenNamesTheProjectAndProjectId() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(403)
                .withBody("{\"status\":\"error\",\"error\":\"You do not have permission to view this project\"}")));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(SERVICE_ACCOUNT).funnels());
        assertEquals(1, requests(FUNNELS));
        assertEquals("You do not have permission to view this project", e.apiMessage());
        assertTrue(e.getMessage().contains("has no access to project " + PROJECT), e.getMessage());
        assertTrue(e.getMessage().contains("check project_id"), e.getMessage());
    }

    @Test
    void plainTextErrorBodiesAreReadAndLongOnesTruncated() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(400)
                .withBody("from_date cannot be\nbefore 2000-01-01\n")));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(SERVICE_ACCOUNT).funnels());
        assertEquals("from_date cannot be before 2000-01-01", e.apiMessage());

        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(404).withBody("x".repeat(5000))));
        MixpanelApiException long404 = assertThrows(MixpanelApiException.class, () -> client(SERVICE_ACCOUNT).funnels());
        assertEquals(404, long404.status());
        assertTrue(long404.apiMessage().length() < 600, long404.apiMessage().length() + " chars");
        assertTrue(long404.apiMessage().endsWith("(5000 chars)"), long404.apiMessage());
    }

    @Test
    void gzipErrorBodiesAreDecoded() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Encoding", "gzip").withBody(gzip("{\"error\":\"bad where\"}"))));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(SERVICE_ACCOUNT).funnels());
        assertEquals("bad where", e.apiMessage());
    }

    @Test
    void nothingLoggedOrThrownCarriesASecret() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(500).withBody("boom")));
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(SERVICE_ACCOUNT).funnels());
        String all = log() + e.getMessage() + e.request() + e.apiMessage();
        assertFalse(all.contains(SA_SECRET), all);
        assertFalse(all.contains(SA_AUTH.substring(6)), all);
        assertFalse(all.contains("Authorization"), all);
    }

    @Test
    void unknownHostFailsAtOnceNamingRegionAndBaseUrl() {
        ClientSettings s = new ClientSettings(SERVICE_ACCOUNT, Region.US,
                Optional.of(java.net.URI.create("http://no-such-host.invalid")), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(2), 1, "ua", FAST_RETRIES);
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(s, HttpListener.NOOP).funnels());
        assertTrue(e.getMessage().contains("cannot reach no-such-host.invalid"), e.getMessage());
        assertInstanceOf(java.net.UnknownHostException.class, e.getCause());
    }

    @Test
    void clientErrorsOtherThanTheDocumentedOnesAreNeverRetried() {
        for (int status : new int[] {400, 401, 403, 404, 405, 409, 413, 422, 501, 505}) {
            wm.resetRequests();
            wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(status).withBody("{\"error\":\"no\"}")));
            CountingListener listener = new CountingListener();
            MixpanelApiException e = assertThrows(MixpanelApiException.class,
                    () -> client(settings(SERVICE_ACCOUNT), listener).funnels());
            assertEquals(status, e.status());
            assertEquals(1, requests(FUNNELS), "HTTP " + status + " is sent once");
            assertTrue(listener.retries.isEmpty(), () -> "HTTP " + status + " retried: " + listener.retries);
        }
    }

    @Test
    void aRequestTheHttpClientRefusesToSendIsNotRetried() {
        // Config validation refuses user:password@ in base URLs; were one to reach the client, it must fail once.
        ClientSettings s = new ClientSettings(SERVICE_ACCOUNT, Region.US,
                Optional.of(java.net.URI.create("http://user:pw@127.0.0.1:" + wm.port())), Optional.empty(),
                Optional.empty(), Duration.ofSeconds(2), 1, "ua", FAST_RETRIES);
        CountingListener listener = new CountingListener();
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(s, listener).funnels());
        assertTrue(listener.retries.isEmpty(), () -> "retried: " + listener.retries + "; " + e.getMessage());
        assertFalse(e.getMessage().contains("pw"), e.getMessage());
    }

    @Test
    void aPlainBodyLabelledGzipFailsAtOnceSayingSoNotAsAConnectionFailure() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Encoding", "gzip").withBody(OK_FUNNELS)));
        CountingListener listener = new CountingListener();
        MixpanelApiException e = assertThrows(MixpanelApiException.class,
                () -> client(settings(SERVICE_ACCOUNT), listener).funnels());
        assertEquals(1, requests(FUNNELS));
        assertTrue(listener.retries.isEmpty(), listener.retries::toString);
        assertTrue(e.getMessage().contains("labelled its answer gzip (Content-Encoding: gzip) but the body is not valid gzip"),
                e.getMessage());
        assertFalse(e.getMessage().contains("connection"), e.getMessage());
    }

    @Test
    void aPlainExportBodyLabelledGzipFailsAtOnceNamingExportGzip() {
        String path = "/api/2.0/export";
        String shortBody = "{}"; // shorter than a gzip header: must not read as a body cut short either
        for (String body : new String[] {"{\"event\":\"e\",\"properties\":{\"time\":1}}\n", shortBody}) {
            wm.resetAll();
            wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Encoding", "gzip").withBody(body)));
            CountingListener listener = new CountingListener();
            RecordingConsumer consumer = new RecordingConsumer();
            MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> client(settings(SERVICE_ACCOUNT), listener)
                    .export(ExportQuery.of(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 2)), consumer));
            assertEquals(1, requests(path), body);
            assertTrue(listener.retries.isEmpty(), listener.retries::toString);
            assertTrue(e.getMessage().contains("not valid gzip") && e.getMessage().contains("export_gzip: false"),
                    e.getMessage());
        }
    }

    @Test
    void aNanRetryAfterWaitsTheBackoffNotZeroMilliseconds() {
        answerInTurn(() -> get(urlPathEqualTo(FUNNELS)),
                aResponse().withStatus(503).withHeader("Retry-After", "NaN"), okJson(OK_FUNNELS));
        List<Duration> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpListener listener = new HttpListener() {
            @Override
            public void onRetry(String endpoint, String cause, int attempt, Duration wait) {
                waits.add(wait);
            }
        };
        RetryPolicy policy = new RetryPolicy(2, Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofSeconds(10));
        ClientSettings s = new ClientSettings(SERVICE_ACCOUNT, Region.US, Optional.of(base()), Optional.of(base()),
                Optional.of(base()), Duration.ofSeconds(5), 1, "ua", policy);
        assertEquals(1, client(s, listener).funnels().size());
        assertEquals(1, waits.size());
        assertTrue(waits.get(0).compareTo(Duration.ofMillis(100)) >= 0, "the backoff (100-200 ms), not " + waits.get(0));
    }
}
