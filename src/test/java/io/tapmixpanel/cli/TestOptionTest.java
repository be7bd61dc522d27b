package io.tapmixpanel.cli;

import io.tapmixpanel.testing.WireMockTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README "Command line", {@code --test} with a project secret, against pinned answers: a 402 (a plan without the API)
 * is a stream a sync would skip, so reachable; a 403 on one stream fails the test (exit 1) after the others are
 * checked; a refused secret ends it at the first call; a bad {@code --test} value is a usage error (exit 2).
 */
class TestOptionTest extends WireMockTestBase {
    private static final String PAYMENT = "{\"error\":\"Your plan does not allow API calls. Upgrade at mixpanel.com/pricing\"}";

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private Path config;

    @BeforeEach
    void projectSecretConfigAndHealthyAnswers() throws Exception {
        String url = base().toString();
        config = Files.writeString(dir.resolve("config.json"), "{\"api_secret\":\"s3cr3t-value\",\"start_date\":\"2024-01-01\","
                + "\"api_base_url\":\"" + url + "\",\"export_base_url\":\"" + url + "\",\"app_base_url\":\"" + url + "\"}");
        answer("/api/2.0/export", 200, "");
        answer("/api/2.0/engage", 200, "{\"page\":0,\"page_size\":1,\"session_id\":\"s-1\",\"status\":\"ok\",\"total\":1,"
                + "\"results\":[{\"$distinct_id\":\"u1\",\"$properties\":{}}]}");
        answer("/api/2.0/funnels/list", 200, "[{\"funnel_id\":7,\"name\":\"Signup\"}]");
        answer("/api/2.0/engage/revenue", 200, "{\"status\":\"ok\",\"results\":{}}");
        answer("/api/2.0/annotations", 200, "{\"annotations\":[]}");
        answer("/api/2.0/cohorts/list", 200, "[{\"id\":1000,\"name\":\"One\",\"count\":1}]");
    }

    private static void answer(String path, int status, String body) {
        wm.stubFor(any(urlPathEqualTo(path)).willReturn(aResponse().withStatus(status).withBody(body)));
    }

    private int test(String... more) {
        String[] args = new String[2 + more.length];
        args[0] = "--config";
        args[1] = config.toString();
        System.arraycopy(more, 0, args, 2, more.length);
        return new Cli(out, Map.of()).run(args);
    }

    @Test
    void aPlanWithoutAnApiIsReportedSkippedAndTheTestPasses() {
        answer("/api/2.0/engage", 402, PAYMENT);
        answer("/api/2.0/cohorts/list", 402, PAYMENT);
        assertEquals(0, test("--test"), log());
        String log = log();
        assertTrue(log.contains("WARNING engage: skipped: plan (402): HTTP 402 from POST /api/2.0/engage"), log);
        assertTrue(log.contains("WARNING cohorts: skipped: plan (402)"), log);
        assertTrue(log.contains("WARNING cohort_members: skipped: plan (402)"), log);
        assertTrue(log.contains("INFO export: ok\n") && log.contains("INFO annotations: ok\n"), log);
        assertTrue(log.contains("INFO test: 7 streams reachable (4 ok, 3 skipped)"), log);
        // cohort_members asks nothing cohorts did not ask already
        wm.verify(1, postRequestedFor(urlPathEqualTo("/api/2.0/cohorts/list")));
        wm.verify(6, anyRequestedFor(anyUrl())); // one per stream but cohort_members
    }

    @Test
    void aStreamWithoutAccessFailsTheTestWithExitOneAfterTheOthersAreChecked() {
        answer("/api/2.0/funnels/list", 403, "{\"error\":\"Permission denied\"}");
        assertEquals(1, test("--test"), log());
        String log = log();
        assertTrue(log.contains("ERROR funnels: failed: HTTP 403 from GET /api/2.0/funnels/list"), log);
        assertTrue(log.contains("INFO cohort_members: ok\n"), log);
        assertTrue(log.contains("ERROR test: 1 of 7 stream(s) failed: funnels"), log);
        assertFalse(log.contains("s3cr3t-value"), log);
    }

    @Test
    void theExportCallAsksOneEventOfYesterdayWithTheConfiguredFilters() throws Exception {
        Path filters = Files.writeString(dir.resolve("filters.json"),
                "{\"export_events\":[\"Purchase\"],\"export_where\":\"properties[\\\"plan\\\"]==\\\"pro\\\"\"}");
        assertEquals(0, test("--config", filters.toString(), "--test"), log());
        String yesterday = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString();
        wm.verify(1, getRequestedFor(urlPathEqualTo("/api/2.0/export")).withQueryParam("limit", equalTo("1"))
                .withQueryParam("from_date", equalTo(yesterday)).withQueryParam("to_date", equalTo(yesterday))
                .withQueryParam("event", equalTo("[\"Purchase\"]"))
                .withQueryParam("where", equalTo("properties[\"plan\"]==\"pro\"")));
    }

    @Test
    void aRefusedSecretEndsTheTestAtTheFirstCall() {
        answer("/api/2.0/export", 401, "{\"error\":\"Unable to authenticate request\"}");
        assertEquals(1, test("--test"), log());
        assertTrue(log().contains("CRITICAL HTTP 401"), log());
        assertTrue(log().contains("were refused"), log());
        wm.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void anUnknownTestValueOrTestWithDiscoverIsAUsageErrorBeforeAnyRequest() {
        assertEquals(2, test("--test=everything"), log());
        assertTrue(log().contains("CRITICAL --test: 'everything' is not one of all, schema"), log());
        assertEquals(2, test("--test", "--discover"), log());
        assertTrue(log().contains("CRITICAL give --test or --discover, not both"), log());
        wm.verify(0, anyRequestedFor(anyUrl()));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theCohortListIsPostedAndTheEngageProbeAsksNoPageSizeOnlyDistinctIds() {
        assertEquals(0, test("--test"), log());
        wm.verify(1, postRequestedFor(urlPathEqualTo("/api/2.0/cohorts/list")));
        wm.verify(0, getRequestedFor(urlPathEqualTo("/api/2.0/cohorts/list")));
        // page_size is no request parameter in Mixpanel's spec: the probe reads page 0, distinct ids only
        wm.verify(1, postRequestedFor(urlPathEqualTo("/api/2.0/engage")).withFormParam("page", equalTo("0"))
                .withFormParam("output_properties", equalTo("[\"$distinct_id\"]")));
        wm.verify(0, anyRequestedFor(urlPathEqualTo("/api/2.0/engage")).withFormParam("page_size", matching(".*")));
    }
}
