package io.tapmixpanel.mixpanel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The hourly budgets against an HTTP server (docs/rate-limits.md "Rate limits"): an hourly 429 is waited out until the
 * oldest call of the window ages out, without using up retry attempts; a smaller budget Mixpanel names is
 * adopted; engage session pages are not counted; workspace_id goes with service-account query calls only.
 * Windows of 1-2 s stand for Mixpanel's hour.
 */
class MixpanelClientBudgetTest extends WireMockSupport {

    private static final String FUNNELS = "/api/2.0/funnels/list";
    private static final String OK_FUNNELS = "[{\"funnel_id\":1,\"name\":\"f\"}]";
    private static final String OK_PROPERTIES = "{\"status\":\"ok\",\"results\":{\"plan\":{\"count\":1,\"type\":\"string\"}}}";
    /** No retries at all: whatever succeeds after a 429 did so without using a retry attempt. */
    private static final RetryPolicy NO_RETRIES = new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1));

    private static ResponseDefinitionBuilder hourly429(String usedOfAllowed) {
        return aResponse().withStatus(429).withBody("{\"request\":\"/api/2.0/funnels/list\",\"error\":\"Query rate limit "
                + "exceeded for project_id: 2526451. 1/5 queries running concurrently and " + usedOfAllowed
                + " queries running in the last hour. Please retry later.\"}");
    }

    private ClientSettings settings(int queryCalls, Duration window) {
        return new ClientSettings(SERVICE_ACCOUNT, Region.US, Optional.of(base()), Optional.of(base()), Optional.of(base()),
                Duration.ofSeconds(5), 4, "tap-mixpanel/test", NO_RETRIES, new CallBudgets(60, queryCalls, window, Duration.ZERO),
                OptionalLong.empty());
    }

    private int requests(String path) {
        return wm.findAll(getRequestedFor(urlPathEqualTo(path))).size();
    }

    @Test
    void anHourlyRefusalWithoutRetryAfterWaitsForTheOldestCallThenSucceedsWithoutARetryAttempt() {
        answerInTurn(() -> get(urlPathEqualTo(FUNNELS)), hourly429("61/60"), okJson(OK_FUNNELS));
        CountingListener listener = new CountingListener();
        long start = System.nanoTime();
        List<Funnel> funnels = client(settings(60, Duration.ofSeconds(1)), listener).funnels();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(List.of(new Funnel(1, "f")), funnels);
        assertEquals(2, requests(FUNNELS));
        assertEquals(List.of(), listener.retries, "an hourly wait is not a retry");
        assertTrue(elapsedMs >= 950, "waited for the refused call to age out of the 1 s window: " + elapsedMs + " ms");
        List<String> waits = log().lines().filter(l -> l.contains("waiting")).toList();
        assertEquals(1, waits.size(), log());
        assertTrue(waits.get(0).startsWith("WARNING funnel list: HTTP 429 rate limited (Query rate limit exceeded"), waits.get(0));
        assertTrue(waits.get(0).matches(".*; waiting \\d+ ms for the query budget, until our oldest call of the last 1 s "
                + "ages out; no retry attempt used"), waits.get(0));
    }

    @Test
    void anHourlyRefusalHonoursALongerRetryAfter() {
        answerInTurn(() -> get(urlPathEqualTo(FUNNELS)), hourly429("61/60").withHeader("Retry-After", "2"), okJson(OK_FUNNELS));
        long start = System.nanoTime();
        assertEquals(1, client(settings(60, Duration.ofSeconds(1)), HttpListener.NOOP).funnels().size());
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(2, requests(FUNNELS));
        assertTrue(elapsedMs >= 2000, "Retry-After: 2 is longer than the 1 s window: " + elapsedMs + " ms");
        assertTrue(log().contains("ages out (Retry-After honoured); no retry attempt used"), log());
    }

    @Test
    void aShorterRetryAfterDoesNotCutTheWaitForTheOldestCall() {
        answerInTurn(() -> get(urlPathEqualTo(FUNNELS)), hourly429("61/60").withHeader("Retry-After", "0"), okJson(OK_FUNNELS));
        long start = System.nanoTime();
        assertEquals(1, client(settings(60, Duration.ofSeconds(2)), HttpListener.NOOP).funnels().size());
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMs >= 1900, "the refused call ages out of the 2 s window: " + elapsedMs + " ms");
        assertTrue(log().contains("waiting 2 s for the query budget"), log());
    }

    @Test
    void aSmallerBudgetNamedByMixpanelIsAdoptedForTheRestOfTheRun() {
        // engage/properties: the client keeps no answer of it (it does keep the funnel and cohort lists)
        String props = "/api/2.0/engage/properties";
        answerInTurn(() -> get(urlPathEqualTo(props)), hourly429("3/2"), okJson(OK_PROPERTIES));
        MixpanelClient client = client(settings(5, Duration.ofSeconds(1)), HttpListener.NOOP);
        client.engageProperties(); // refused, waited out, then sent again: 1 call in the window
        client.engageProperties(); // 2 calls: Mixpanel's budget is full
        assertFalse(log().contains("INFO waiting"), log());
        client.engageProperties(); // waits for a slot, as Mixpanel would otherwise refuse it

        assertEquals(4, requests(props));
        assertEquals(1, log().lines().filter(l -> l.contains("WARNING Mixpanel's hourly query budget is 2 calls (from its "
                + "429 answer), fewer than query_requests_per_hour = 5: using 2 per 1 s for the rest of the run")).count(), log());
        assertTrue(log().contains("for the query budget: 2 calls in the last 1 s (Mixpanel's budget of 2, below "
                + "query_requests_per_hour = 5); next: engage properties"), log());
    }

    @Test
    void aRefusalThatOutlastsAFullWindowWithNoCallOfOursAcceptedGivesUp() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(hourly429("61/60")));
        MixpanelApiException e = assertThrows(MixpanelApiException.class,
                () -> client(settings(60, Duration.ofSeconds(1)), HttpListener.NOOP).funnels());
        assertEquals(429, e.status());
        assertEquals(2, requests(FUNNELS), "refused, waited a full window, refused again");
        assertTrue(e.getMessage().contains("still refuses it for the hourly query budget after a full window of 1 s in which "
                + "no call of ours was accepted"), e.getMessage());
    }

    @Test
    void aConcurrencyRefusalKeepsTheRetryPolicy() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(aResponse().withStatus(429).withBody("{\"error\":\"Query rate "
                + "limit exceeded for project_id: 1. 6/5 queries running concurrently and 12/60 queries running in the last hour.\"}")));
        MixpanelApiException e = assertThrows(MixpanelApiException.class,
                () -> client(settings(60, Duration.ofSeconds(1)), HttpListener.NOOP).funnels());
        assertEquals(1, requests(FUNNELS), "no retries allowed, and no hourly wait");
        assertTrue(e.getMessage().contains("still failing after 1 attempts"), e.getMessage());
    }

    @Test
    void engagePagesWithASessionIdAreNotCountedAgainstTheQueryBudget() {
        wm.stubFor(post(urlPathEqualTo("/api/2.0/engage")).willReturn(okJson(
                "{\"page\":0,\"page_size\":1,\"session_id\":\"S-1\",\"status\":\"ok\",\"results\":[{\"$distinct_id\":\"d\"}]}")));
        MixpanelClient client = client(settings(1, Duration.ofSeconds(3)), HttpListener.NOOP);
        EngageQuery first = new EngageQuery(Optional.empty(), List.of(), Optional.empty(), 0, OptionalInt.of(1), OptionalLong.empty());
        client.engage(first); // the one counted call
        for (int page = 1; page <= 3; page++) client.engage(first.page(page, "S-1"));

        assertEquals(4, wm.findAll(postRequestedFor(urlPathEqualTo("/api/2.0/engage"))).size());
        assertFalse(log().contains("waiting"), "a budget of 1 query call was enough: " + log());
    }

    @Test
    void workspaceIdGoesWithEveryServiceAccountQueryCallButNotExportNorTheAppApi() {
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/api/2.0/funnels")).willReturn(okJson("{\"data\":{}}")));
        wm.stubFor(post(urlPathEqualTo("/api/2.0/cohorts/list")).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/api/2.0/events/properties/top")).willReturn(okJson("{}")));
        wm.stubFor(get(urlPathEqualTo("/api/2.0/engage/revenue")).willReturn(okJson("{\"results\":{}}")));
        wm.stubFor(get(urlPathEqualTo("/api/2.0/engage/properties")).willReturn(okJson("{\"results\":{}}")));
        wm.stubFor(post(urlPathEqualTo("/api/2.0/engage")).willReturn(okJson("{\"page\":0,\"results\":[]}")));
        wm.stubFor(get(urlPathEqualTo("/api/2.0/export")).willReturn(aResponse().withStatus(200).withBody("")));
        wm.stubFor(get(urlPathEqualTo("/api/app/projects/" + PROJECT + "/annotations")).willReturn(okJson("{\"results\":[]}")));
        LocalDate day = LocalDate.of(2024, 1, 1);
        MixpanelClient client = client(settings(SERVICE_ACCOUNT).withWorkspaceId(3141), HttpListener.NOOP);
        client.funnels();
        client.funnel(7, day, day);
        client.cohorts();
        client.topEventProperties();
        client.revenue(day, day);
        client.engageProperties();
        client.engage(new EngageQuery(Optional.empty(), List.of(), Optional.empty(), 0, OptionalInt.empty(), OptionalLong.empty()));
        client.export(new ExportQuery(day, day, List.of(), Optional.empty(), false), new RecordingConsumer());
        client.annotations(day, day);

        for (String path : List.of(FUNNELS, "/api/2.0/funnels", "/api/2.0/events/properties/top",
                "/api/2.0/engage/revenue", "/api/2.0/engage/properties")) {
            wm.verify(1, getRequestedFor(urlPathEqualTo(path)).withQueryParam("project_id", equalTo(Long.toString(PROJECT)))
                    .withQueryParam("workspace_id", equalTo("3141")));
        }
        wm.verify(1, postRequestedFor(urlPathEqualTo("/api/2.0/cohorts/list")).withQueryParam("project_id", equalTo(Long.toString(PROJECT)))
                .withQueryParam("workspace_id", equalTo("3141")));
        wm.verify(1, postRequestedFor(urlPathEqualTo("/api/2.0/engage")).withQueryParam("workspace_id", equalTo("3141")));
        wm.verify(1, getRequestedFor(urlPathEqualTo("/api/2.0/export")).withQueryParam("workspace_id", absent()));
        wm.verify(1, getRequestedFor(urlPathEqualTo("/api/app/projects/" + PROJECT + "/annotations"))
                .withQueryParam("workspace_id", absent()));
    }

    @Test
    void workspaceIdIsNotSentWithAProjectSecret() {
        wm.stubFor(get(urlPathEqualTo("/api/2.0/annotations")).willReturn(okJson("{\"annotations\":[]}")));
        wm.stubFor(get(urlPathEqualTo(FUNNELS)).willReturn(okJson("[]")));
        MixpanelClient client = client(settings(PROJECT_SECRET).withWorkspaceId(3141), HttpListener.NOOP);
        client.annotations(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 1));
        client.funnels();
        wm.verify(1, getRequestedFor(urlPathEqualTo("/api/2.0/annotations")).withQueryParam("workspace_id", absent()));
        wm.verify(1, getRequestedFor(urlPathEqualTo(FUNNELS)).withQueryParam("workspace_id", absent()));
    }
}
