package io.tapmixpanel.sandbox;

import static io.tapmixpanel.sandbox.SandboxTest.SA;
import static io.tapmixpanel.sandbox.SandboxTest.SECRET;
import static io.tapmixpanel.sandbox.SandboxTest.get;
import static io.tapmixpanel.sandbox.SandboxTest.json;
import static io.tapmixpanel.sandbox.SandboxTest.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * docs/sandbox.md "Data governance": the Lexicon under the query API's {@code data_definitions} routes, the App
 * route's gateway deadline ({@code --lexicon-app-timeout-ms}) and a spec-strict events/properties/top
 * ({@code --strict-properties-top}).
 */
class LexiconQueryApiRoutesTest {

    static JsonNode results(HttpResponse<byte[]> r) throws Exception {
        assertEquals(200, r.statusCode(), new String(r.body()));
        return json(r).get("results");
    }

    @Test
    void theQueryApiServesTheSameDefinitionsAsTheAppRoutes() throws Exception {
        try (Sandbox sb = Sandbox.start(small().port(0).build())) {
            String app = "/api/app/projects/1234/";
            assertArrayEquals(get(sb, app + "data-definitions/events/", SA).body(),
                    get(sb, "/api/query/data_definitions/events?project_id=1234", SA).body());
            for (String type : new String[] {"Event", "User"}) {
                assertArrayEquals(get(sb, app + "data-definitions/properties/?resourceType=" + type, SA).body(),
                        get(sb, "/api/query/data_definitions/properties?project_id=1234&resourceType=" + type, SA).body(), type);
            }
            assertTrue(results(get(sb, "/api/query/data_definitions/events?project_id=1234", SA)).size() > 0);
        }
    }

    @Test
    void theQueryApiRoutesAreStrictLikeMixpanels() throws Exception {
        try (Sandbox sb = Sandbox.start(small().port(0).build())) {
            assertEquals(400, get(sb, "/api/query/data_definitions/events", SA).statusCode(), "a service account names its project");
            assertEquals(401, get(sb, "/api/query/data_definitions/events", SECRET).statusCode(), "a service account only");
            assertEquals(400, get(sb, "/api/query/data_definitions/properties?project_id=1234&resourceType=event", SA).statusCode());
            assertEquals(403, get(sb, "/api/query/data_definitions/events?project_id=1234&workspace_id=999999", SA).statusCode());
        }
        try (Sandbox sb = Sandbox.start(small().port(0).noGovernance(true).build())) {
            assertEquals(403, get(sb, "/api/query/data_definitions/events?project_id=1234", SA).statusCode());
        }
    }

    @Test
    void withTheAppTimeoutTheAppLexiconRoutesAnswer504AfterTheDelayAndTheQueryApiStillAnswers() throws Exception {
        try (Sandbox sb = Sandbox.start(SandboxOptions.parse("--port", "0", "--events", "200", "--profiles", "10",
                "--lexicon-app-timeout-ms", "300"))) {
            long t0 = System.nanoTime();
            assertEquals(504, get(sb, "/api/app/projects/1234/data-definitions/events/", SA).statusCode());
            assertTrue(System.nanoTime() - t0 >= 300_000_000L, "the gateway waits before it gives up");
            assertEquals(504, get(sb, "/api/app/projects/1234/data-definitions/properties/?resourceType=User", SA).statusCode());
            // only the Lexicon's large reads: custom events and tags answer at once
            assertEquals(200, get(sb, "/api/app/projects/1234/data-definitions/events/?custom_event=true", SA).statusCode());
            assertEquals(200, get(sb, "/api/app/projects/1234/data-definitions/tags/", SA).statusCode());
            assertTrue(results(get(sb, "/api/query/data_definitions/events?project_id=1234", SA)).size() > 0);
        }
    }

    @Test
    void aStrictPropertiesTopWantsAnEvent() throws Exception {
        try (Sandbox sb = Sandbox.start(SandboxOptions.parse("--port", "0", "--events", "200", "--profiles", "10",
                "--strict-properties-top"))) {
            HttpResponse<byte[]> all = get(sb, "/api/2.0/events/properties/top?limit=2000", SECRET);
            assertEquals(400, all.statusCode());
            assertTrue(json(all).get("error").asText().contains("event"), new String(all.body()));
            assertEquals(200, get(sb, "/api/2.0/events/properties/top?event=Purchase", SECRET).statusCode());
        }
        try (Sandbox sb = Sandbox.start(small().port(0).build())) {
            assertEquals(200, get(sb, "/api/2.0/events/properties/top?limit=2000", SECRET).statusCode(), "production servers answer without it");
        }
    }
}
