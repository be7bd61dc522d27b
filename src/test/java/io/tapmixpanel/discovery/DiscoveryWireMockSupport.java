package io.tapmixpanel.discovery;

import io.tapmixpanel.testing.WireMockTestBase;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.ClientSettings;
import io.tapmixpanel.mixpanel.Credentials;
import io.tapmixpanel.mixpanel.HttpListener;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.mixpanel.Region;
import io.tapmixpanel.mixpanel.RetryPolicy;
import io.tapmixpanel.singer.Catalog;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/** One WireMock server per test class, reset before each test; the log captured; clients with tiny backoffs. */
abstract class DiscoveryWireMockSupport extends WireMockTestBase {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final long PROJECT = 2526451L;
    static final Credentials SERVICE_ACCOUNT = new Credentials.ServiceAccount("sa-user", "sa-secret", PROJECT);
    static final Credentials API_SECRET_ONLY = new Credentials.ProjectSecret("0123456789abcdef", OptionalLong.empty());
    static final RetryPolicy FAST_RETRIES = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(5));
    static final String LEXICON_PATH = "/api/app/projects/" + PROJECT + "/schemas";

    static ClientSettings settings(Credentials credentials) {
        return new ClientSettings(credentials, Region.US, Optional.of(base()), Optional.of(base()), Optional.of(base()),
                Duration.ofSeconds(5), 4, "tap-mixpanel/test", FAST_RETRIES);
    }

    static Catalog discover(Credentials credentials, boolean selectByDefault) {
        try (MixpanelClient client = new MixpanelClient(settings(credentials), HttpListener.NOOP)) {
            return new Discovery(client, selectByDefault).discover();
        }
    }

    static Catalog discover(Credentials credentials) {
        return discover(credentials, true);
    }

    static void stubJson(String path, int status, String body) {
        wm.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    static void stubEngageProperties(String resultsJson) {
        stubJson("/api/2.0/engage/properties", 200, "{\"status\":\"ok\",\"results\":" + resultsJson + "}");
    }

    static void stubTopProperties(String json) {
        stubJson("/api/2.0/events/properties/top", 200, json);
    }

    static void stubLexicon(String resultsJson) {
        stubJson(LEXICON_PATH, 200, "{\"status\":\"ok\",\"results\":" + resultsJson + "}");
    }

    /** A minimal project: a few properties on each endpoint, an empty Lexicon. */
    static void stubMinimalProject() {
        stubEngageProperties("{\"$browser\":{\"count\":3,\"type\":\"string\"},\"$last_seen\":{\"count\":3,\"type\":\"datetime\"}}");
        stubTopProperties("{\"$browser\":{\"count\":5},\"plan\":{\"count\":2}}");
        stubLexicon("[]");
    }

    static void anyAppRequestIsAnError() {
        wm.stubFor(get(urlPathMatching("/api/app/.*")).atPriority(10).willReturn(aResponse().withStatus(500)));
    }

    /** The streams selected by default (all but the governance streams), in catalog order. */
    static java.util.List<String> defaultStreams(Catalog c) {
        return c.streams().stream().filter(io.tapmixpanel.singer.CatalogEntry::selectedByDefault)
                .map(io.tapmixpanel.singer.CatalogEntry::tapStreamId).toList();
    }

    static ObjectNode schemaOf(Catalog c, String stream) {
        return c.entry(stream).orElseThrow(() -> new AssertionError("no stream " + stream + " in " + c.toJson())).schema();
    }

    static ObjectNode prop(Catalog c, String stream, String column) {
        ObjectNode p = (ObjectNode) schemaOf(c, stream).path("properties").get(column);
        if (p == null) throw new AssertionError("no property " + column + " in " + stream + ": " + schemaOf(c, stream));
        return p;
    }

    static ObjectNode json(String s) {
        try {
            return (ObjectNode) MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
