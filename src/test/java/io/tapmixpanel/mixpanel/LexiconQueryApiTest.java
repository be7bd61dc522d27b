package io.tapmixpanel.mixpanel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * docs/streams.md "Governance streams": the Lexicon read through the query API's {@code data_definitions} routes
 * when the App API's route fails server-side, as Mixpanel's own client reads large projects' definitions: the exact
 * request, the one App attempt, and what does not move the read.
 */
class LexiconQueryApiTest extends WireMockSupport {
    static final long WORKSPACE = 3662;
    static final String APP_EVENTS = "/api/app/workspaces/" + WORKSPACE + "/data-definitions/events/";
    static final String APP_PROPERTIES = "/api/app/workspaces/" + WORKSPACE + "/data-definitions/properties/";
    static final String QUERY_EVENTS = "/api/query/data_definitions/events";
    static final String QUERY_PROPERTIES = "/api/query/data_definitions/properties";
    static final String EVENTS = "{\"status\":\"ok\",\"results\":[{\"id\":101,\"name\":\"Purchase\",\"verified\":true},"
            + "{\"id\":102,\"name\":\"Signup\",\"verified\":false}]}";

    private MixpanelClient workspaceClient() {
        return client(settings(SERVICE_ACCOUNT).withWorkspaceId(WORKSPACE), HttpListener.NOOP);
    }

    private static void stub(String path, int status, String body) {
        wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static List<String> names(List<ObjectNode> items) {
        return items.stream().map(i -> i.get("name").asText()).toList();
    }

    @Test
    void aGatewayTimeoutOnTheAppRouteReadsTheEventsFromTheQueryApiWithProjectAndWorkspace() {
        stub(APP_EVENTS, 504, "<html>504 Gateway Time-out</html>");
        stub(QUERY_EVENTS, 200, EVENTS);
        List<ObjectNode> items = workspaceClient().governance(GovernanceRoute.LEXICON_EVENTS);
        assertEquals(List.of("Purchase", "Signup"), names(items));
        wm.verify(1, getRequestedFor(urlPathEqualTo(APP_EVENTS)));
        wm.verify(1, getRequestedFor(urlPathEqualTo(QUERY_EVENTS))
                .withQueryParam("project_id", equalTo(Long.toString(PROJECT)))
                .withQueryParam("workspace_id", equalTo(Long.toString(WORKSPACE)))
                .withHeader("Authorization", equalTo(SA_AUTH)));
        assertEquals(2, wm.findAll(getRequestedFor(urlPathEqualTo(QUERY_EVENTS))).get(0).getQueryParams().size(),
                "project_id and workspace_id, nothing else");
        assertEquals(1, log().lines().filter(l -> l.startsWith("WARNING") && l.contains("query API")).count(), log());
    }

    @Test
    void propertyReadsSendTheCapitalisedResourceTypeToTheQueryApi() {
        stub(APP_PROPERTIES, 500, "{\"error\":\"internal\"}");
        wm.stubFor(get(urlPathEqualTo(QUERY_PROPERTIES)).withQueryParam("resourceType", equalTo("Event"))
                .willReturn(aResponse().withStatus(200).withBody("{\"status\":\"ok\",\"results\":[{\"name\":\"plan\",\"resourceType\":\"Event\"}]}")));
        wm.stubFor(get(urlPathEqualTo(QUERY_PROPERTIES)).withQueryParam("resourceType", equalTo("User"))
                .willReturn(aResponse().withStatus(200).withBody("{\"status\":\"ok\",\"results\":[{\"name\":\"$email\",\"resourceType\":\"User\"}]}")));
        MixpanelClient c = workspaceClient();
        assertEquals(List.of("plan"), names(c.governance(GovernanceRoute.LEXICON_EVENT_PROPERTIES)));
        assertEquals(List.of("$email"), names(c.governance(GovernanceRoute.LEXICON_USER_PROPERTIES)));
        wm.verify(getRequestedFor(urlPathEqualTo(QUERY_PROPERTIES)).withQueryParam("resourceType", equalTo("User"))
                .withQueryParam("project_id", equalTo(Long.toString(PROJECT)))
                .withQueryParam("workspace_id", equalTo(Long.toString(WORKSPACE))));
        // Once the App route failed, the run's later Lexicon reads go straight to the query API: one App attempt in all.
        wm.verify(1, getRequestedFor(urlPathEqualTo(APP_PROPERTIES)));
        assertEquals(1, log().lines().filter(l -> l.startsWith("WARNING")).count(), log());
    }

    @Test
    void aReadTimeoutOnTheAppRouteIsNotRetriedThere() {
        wm.stubFor(get(urlPathEqualTo(APP_EVENTS)).willReturn(aResponse().withStatus(200).withFixedDelay(1500).withBody(EVENTS)));
        stub(QUERY_EVENTS, 200, EVENTS);
        ClientSettings s = new ClientSettings(SERVICE_ACCOUNT, Region.US, Optional.of(base()), Optional.of(base()),
                Optional.of(base()), Duration.ofMillis(500), 4, "tap-mixpanel/test", FAST_RETRIES).withWorkspaceId(WORKSPACE);
        assertEquals(List.of("Purchase", "Signup"), names(client(s, HttpListener.NOOP).governance(GovernanceRoute.LEXICON_EVENTS)));
        wm.verify(1, getRequestedFor(urlPathEqualTo(APP_EVENTS)));
        wm.verify(1, getRequestedFor(urlPathEqualTo(QUERY_EVENTS)));
    }

    @Test
    void aCutConnectionOnTheAppRouteMovesTheReadToo() {
        wm.stubFor(get(urlPathEqualTo(APP_EVENTS)).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        stub(QUERY_EVENTS, 200, EVENTS);
        assertEquals(List.of("Purchase", "Signup"), names(workspaceClient().governance(GovernanceRoute.LEXICON_EVENTS)));
    }

    @Test
    void aForbiddenOrMissingAppRouteIsNotAServerFailureAndReadsNothingElsewhere() {
        stub(APP_EVENTS, 403, "{\"error\":\"Your plan does not include this feature\"}");
        MixpanelApiException e = assertThrows(MixpanelApiException.class,
                () -> workspaceClient().governance(GovernanceRoute.LEXICON_EVENTS));
        assertEquals(403, e.status());
        wm.verify(0, getRequestedFor(urlPathMatching("/api/query/.*")));
    }

    @Test
    void aHealthyAppRouteIsAllThatIsAsked() {
        stub(APP_EVENTS, 200, EVENTS);
        assertEquals(List.of("Purchase", "Signup"), names(workspaceClient().governance(GovernanceRoute.LEXICON_EVENTS)));
        wm.verify(0, getRequestedFor(urlPathMatching("/api/query/.*")));
        assertTrue(log().lines().noneMatch(l -> l.startsWith("WARNING")), log());
    }

    @Test
    void otherGovernanceRoutesKeepTheirRetriesAndHaveNoQueryApiTwin() {
        String tags = "/api/app/workspaces/" + WORKSPACE + "/data-definitions/tags/";
        stub(tags, 500, "{\"error\":\"internal\"}");
        MixpanelApiException e = assertThrows(MixpanelApiException.class,
                () -> workspaceClient().governance(GovernanceRoute.LEXICON_TAGS));
        assertEquals(500, e.status());
        wm.verify(FAST_RETRIES.maxAttempts(), getRequestedFor(urlPathEqualTo(tags)));
        wm.verify(0, getRequestedFor(urlPathMatching("/api/query/.*")));
    }
}
