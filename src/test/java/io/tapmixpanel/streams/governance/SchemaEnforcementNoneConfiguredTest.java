package io.tapmixpanel.streams.governance;

import io.tapmixpanel.mixpanel.MixpanelApiException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/streams.md "Governance streams": which answers of the schema enforcement route mean "none configured" (a stream
 * with no record) and which mean the route is missing (the stream skipped with a warning).
 */
class SchemaEnforcementNoneConfiguredTest {
    private static MixpanelApiException answer(int status, String apiMessage) {
        return new MixpanelApiException("HTTP " + status, status, apiMessage,
                "GET /api/app/projects/1/data-definitions/schema/");
    }

    @Test
    void a404NamingTheEnforcementIsNoneConfigured() {
        assertTrue(GovernanceStream.noneConfigured(answer(404, "No schema enforcement is configured for this project")));
        assertTrue(GovernanceStream.noneConfigured(answer(404, "SchemaEnforcement matching query does not exist.")));
    }

    @Test
    void a404SayingNotConfiguredIsNoneConfigured() {
        assertTrue(GovernanceStream.noneConfigured(answer(404, "Schema is not configured")));
    }

    @Test
    void aGeneric404OrAPageIsAMissingRoute() {
        assertFalse(GovernanceStream.noneConfigured(answer(404, "not found")));
        assertFalse(GovernanceStream.noneConfigured(answer(404, "not found: /api/app/projects/1/data-definitions/schema/")));
        assertFalse(GovernanceStream.noneConfigured(answer(404, "<html><body><h1>Not Found</h1></body></html>")));
        assertFalse(GovernanceStream.noneConfigured(answer(404, "")));
    }

    @Test
    void anotherStatusNamingTheEnforcementIsNotNoneConfigured() {
        assertFalse(GovernanceStream.noneConfigured(answer(403, "Schema enforcement is not part of your plan")));
        assertFalse(GovernanceStream.noneConfigured(answer(500, "enforcement lookup failed")));
    }
}
