package io.tapmixpanel.mixpanel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** How an engage page body is read (docs/performance.md "Memory"): checked and counted at once, parsed when read. */
class EngagePageBodyTest extends WireMockSupport {
    private static final EngageQuery PAGE_0 = new EngageQuery(Optional.empty(), List.of(), Optional.empty(), 0,
            OptionalInt.empty(), OptionalLong.empty());

    private EngagePage page(String body) {
        wm.stubFor(post(urlPathEqualTo("/api/2.0/engage")).willReturn(okJson(body)));
        return client(SERVICE_ACCOUNT).engage(PAGE_0);
    }

    @Test
    void aPageKnowsItsSizeWithoutParsingAndParsesItsProfilesAfreshOnEveryRead() {
        EngagePage page = page("""
                {"page":0,"page_size":2,"session_id":"S","total":3,
                 "results":[{"$distinct_id":"d1","$properties":{"a":1}},{"$distinct_id":"d2","$properties":{}}]}""");
        assertEquals(2, page.size());
        assertTrue(page.isFull());
        List<ObjectNode> first = page.results();
        List<ObjectNode> second = page.results();
        assertEquals(first, second);
        // Nothing parsed is kept by the page: the list handed over is the only one, and goes once it is written.
        assertNotSame(first, second);
        assertNotSame(first.get(0), second.get(0));
        assertEquals("d1", first.get(0).get("$distinct_id").asText());
        assertEquals(1, first.get(0).get("$properties").get("a").asInt());
    }

    @Test
    void theLastResultsFieldCountsAndWhatIsNotAnObjectInItIsNoProfile() {
        EngagePage page = page("""
                {"results":[{"$distinct_id":"old"}],"page":0,"meta":{"results":[1]},
                 "results":[{"$distinct_id":"d1"}, 7, null, [1], {"$distinct_id":"d2"}],"page_size":1000}""");
        assertEquals(2, page.size());
        assertEquals(List.of("d1", "d2"), page.results().stream().map(p -> p.get("$distinct_id").asText()).toList());
        assertEquals(1000, page.pageSize());
    }

    @Test
    void aBodyWhoseLastResultsIsNotAnArrayHasNoResults() {
        MixpanelApiException e = assertThrows(MixpanelApiException.class,
                () -> page("{\"results\":[{\"$distinct_id\":\"d1\"}],\"results\":{}}"));
        assertTrue(e.getMessage().contains("no results array"), e.getMessage());
    }

    @Test
    void aBodyCutShortIsFetchedAgain() {
        answerInTurn(() -> post(urlPathEqualTo("/api/2.0/engage")),
                aResponse().withStatus(200).withBody("{\"page\":0,\"results\":[{\"$distinct_id\":\"d1\"},{\"$dis"),
                okJson("{\"page\":0,\"results\":[{\"$distinct_id\":\"d1\"}]}"));
        EngagePage page = client(SERVICE_ACCOUNT).engage(PAGE_0);
        wm.verify(exactly(2), postRequestedFor(urlPathEqualTo("/api/2.0/engage")));
        assertEquals(1, page.size());
    }

    @Test
    void aBodyThatIsNotValidJsonFailsWhenFetchedNotWhenWritten() {
        MixpanelApiException e = assertThrows(MixpanelApiException.class,
                () -> page("{\"page\":0,\"results\":[{\"$distinct_id\":\"d1\"} {}]}"));
        assertTrue(e.getMessage().contains("is not valid JSON"), e.getMessage());
    }
}
