package io.tapmixpanel.cli;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.tapmixpanel.testing.WireMockTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The errors a newcomer meets first each give one line that says what to change (README "Command line"):
 * wrong region (401), wrong timezone (400 to_date), a free plan (402), the rate limit (429). A bad catalog or state
 * is found before the first request (exit 2, nothing asked of Mixpanel).
 */
class NewcomerErrorsTest extends WireMockTestBase {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int syncRevenue() throws Exception {
        String url = "http://127.0.0.1:" + wm.port();
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"api_secret\":\"s3cr3t-value\",\"start_date\":\"2024-01-01\",\"end_date\":\"2024-01-03\","
                + "\"project_timezone\":\"UTC\",\"api_base_url\":\"" + url + "\",\"export_base_url\":\"" + url + "\"}");
        Path catalog = dir.resolve("catalog.json");
        Files.writeString(catalog, "{\"streams\":[{\"tap_stream_id\":\"revenue\",\"stream\":\"revenue\",\"key_properties\":[\"date\"],"
                + "\"schema\":{\"type\":\"object\",\"properties\":{\"date\":{\"type\":[\"null\",\"string\"]}}},"
                + "\"metadata\":[{\"breadcrumb\":[],\"metadata\":{\"selected\":true}}]}]}");
        return new Cli(out, Map.of()).run(new String[]{"--config", config.toString(), "--catalog", catalog.toString()});
    }

    /**
     * A config that makes the tap ask the app API first: no project_timezone, a service account with a project
     * id, so the project's timezone would be read from /api/app/me.
     */
    private Path configAskingTheAppApi() throws Exception {
        String url = "http://127.0.0.1:" + wm.port();
        return Files.writeString(dir.resolve("app-config.json"), "{\"service_account_username\":\"u\","
                + "\"service_account_secret\":\"s3cr3t-value\",\"project_id\":1234,\"start_date\":\"2024-01-01\","
                + "\"end_date\":\"2024-01-03\",\"api_base_url\":\"" + url + "\",\"export_base_url\":\"" + url + "\","
                + "\"app_base_url\":\"" + url + "\"}");
    }

    private int sync(Path config, String... more) {
        String[] args = new String[2 + more.length];
        args[0] = "--config";
        args[1] = config.toString();
        System.arraycopy(more, 0, args, 2, more.length);
        return new Cli(out, Map.of()).run(args);
    }

    @Test
    void aBadCatalogIsExitTwoBeforeAnyRequest() throws Exception {
        wm.stubFor(any(urlPathEqualTo("/api/app/me")).willReturn(aResponse().withStatus(200)
                .withBody("{\"status\":\"ok\",\"results\":{\"projects\":{}}}")));
        Path catalog = Files.writeString(dir.resolve("bad-catalog.json"), "{\"streams\":[{\"tap_stream_id\":\"evnts\","
                + "\"schema\":{},\"metadata\":[{\"breadcrumb\":[],\"metadata\":{\"selected\":true}}]}]}");
        assertEquals(2, sync(configAskingTheAppApi(), "--catalog", catalog.toString()), log());
        assertTrue(critical().contains("unknown stream 'evnts'"), critical());
        assertEquals(0, wm.getAllServeEvents().size(), this::requests);
    }

    @Test
    void aBadStateIsExitTwoBeforeAnyRequestWithOrWithoutACatalog() throws Exception {
        Path state = Files.writeString(dir.resolve("bad-state.json"),
                "{\"bookmarks\":{\"revenue\":{\"replication_key\":\"date\",\"replication_key_value\":\"2024-02-30\"}}}");
        assertEquals(2, sync(configAskingTheAppApi(), "--state", state.toString()), log());
        assertTrue(critical().contains("bookmarks.revenue: '2024-02-30' is not a date"), critical());
        Path catalog = Files.writeString(dir.resolve("catalog.json"), "{\"streams\":[{\"tap_stream_id\":\"revenue\","
                + "\"schema\":{},\"metadata\":[{\"breadcrumb\":[],\"metadata\":{\"selected\":true}}]}]}");
        assertEquals(2, sync(configAskingTheAppApi(), "--catalog", catalog.toString(), "--state", state.toString()), log());
        assertEquals(0, wm.getAllServeEvents().size(), this::requests);
    }

    private String requests() {
        return "requests: " + wm.getAllServeEvents().stream().map(e -> e.getRequest().getUrl()).toList();
    }

    private String critical() {
        return log().lines().filter(l -> l.startsWith("CRITICAL")).reduce("", (a, b) -> a + b);
    }

    @Test
    void wrongRegionSays401AndNamesRegion() throws Exception {
        wm.stubFor(any(urlPathEqualTo("/api/2.0/engage/revenue")).willReturn(aResponse().withStatus(401)
                .withBody("{\"request\":\"/api/2.0/engage/revenue\",\"error\":\"Unauthorized\"}")));
        assertEquals(1, syncRevenue());
        String line = critical();
        assertTrue(line.contains("HTTP 401") && line.contains("`region` (US/EU/IN)"), line);
        assertFalse(log().contains("s3cr3t-value"));
    }

    @Test
    void wrongTimezoneSays400AndNamesProjectTimezone() throws Exception {
        wm.stubFor(any(urlPathEqualTo("/api/2.0/engage/revenue")).willReturn(aResponse().withStatus(400)
                .withBody("{\"request\":\"/api/2.0/engage/revenue\",\"error\":\"to_date cannot be later than today\"}")));
        assertEquals(1, syncRevenue());
        assertTrue(critical().contains("set project_timezone to the project's timezone"), critical());
    }

    @Test
    void freePlanSkipsTheStreamWithAWarningAndTheRunSucceeds() throws Exception {
        wm.stubFor(any(urlPathEqualTo("/api/2.0/engage/revenue")).willReturn(aResponse().withStatus(402)
                .withBody("{\"error\":\"Your plan does not allow API calls. Upgrade at mixpanel.com/pricing\"}")));
        assertEquals(0, syncRevenue());
        String log = log();
        assertTrue(log.contains("WARNING stream revenue skipped: Mixpanel answered 402"), log);
        assertTrue(log.contains("skipped (402)"), log);
    }

    @Test
    void rateLimitIsRetriedWithTheReasonLogged() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/api/2.0/engage/revenue")).inScenario("rl").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")
                        .withBody("{\"error\":\"Query rate limit exceeded for project_id: 1. 6/5 queries running concurrently and 12/60 queries in the last hour\"}"))
                .willSetStateTo("ok"));
        wm.stubFor(get(urlPathEqualTo("/api/2.0/engage/revenue")).inScenario("rl").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody("{\"status\":\"ok\",\"results\":{\"$overall\":{\"amount\":1,\"count\":1,\"paid_count\":0},"
                        + "\"2024-01-02\":{\"amount\":1.5,\"count\":3,\"paid_count\":1}}}")));
        assertEquals(0, syncRevenue(), log());
        String log = log();
        assertTrue(log.lines().anyMatch(l -> l.startsWith("WARNING") && l.contains("HTTP 429 rate limited") && l.contains("retry 1/")), log);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"date\":\"2024-01-02\""));
    }

    private static final String ECHO_USER = "sa-echo.mp-service-account";
    private static final String ECHO_SECRET = "Echo-s3cr3t-9f8e7d";

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Syncs revenue with the given credentials (JSON members) at debug level, so stack traces are logged too. */
    private int syncRevenueAtDebug(String credentials) throws Exception {
        String url = "http://127.0.0.1:" + wm.port();
        Path config = dir.resolve("echo-config.json");
        Files.writeString(config, "{" + credentials + ",\"start_date\":\"2024-01-01\",\"end_date\":\"2024-01-03\","
                + "\"project_timezone\":\"UTC\",\"api_base_url\":\"" + url + "\",\"export_base_url\":\"" + url + "\"}");
        Path catalog = dir.resolve("catalog.json");
        Files.writeString(catalog, "{\"streams\":[{\"tap_stream_id\":\"revenue\",\"stream\":\"revenue\",\"key_properties\":[\"date\"],"
                + "\"schema\":{\"type\":\"object\",\"properties\":{\"date\":{\"type\":[\"null\",\"string\"]}}},"
                + "\"metadata\":[{\"breadcrumb\":[],\"metadata\":{\"selected\":true}}]}]}");
        return new Cli(out, Map.of()).run(new String[]{"--config", config.toString(), "--catalog", catalog.toString(),
                "--log-level", "debug"});
    }

    private void assertNoSecretIn(String log, String... forms) {
        for (String form : forms) {
            assertFalse(log.contains(form), () -> "printed " + form + ":\n" + log);
            assertFalse(log.contains(form.replace("=", "")), () -> "printed " + form + " without padding:\n" + log);
        }
    }

    @Test
    void aServerEchoingTheAuthorizationHeaderAndTheSecretGetsNeitherPrintedAtAnyLevel() throws Exception {
        String[][] auths = {
                {"\"service_account_username\":\"" + ECHO_USER + "\",\"service_account_secret\":\"" + ECHO_SECRET
                        + "\",\"project_id\":7", b64(ECHO_USER + ":" + ECHO_SECRET)},
                {"\"api_secret\":\"" + ECHO_SECRET + "\"", b64(ECHO_SECRET + ":")},
        };
        for (String[] auth : auths) {
            wm.resetAll();
            logged.reset();
            // 401 ends the run (not only the stream): the CRITICAL line and, at debug level, the stack trace
            wm.stubFor(any(urlPathEqualTo("/api/2.0/engage/revenue")).willReturn(aResponse().withStatus(401)
                    .withBody("{\"error\":\"bad header {{request.headers.Authorization}} for secret " + ECHO_SECRET
                            + " (" + b64(ECHO_SECRET) + ")\"}")
                    .withTransformers("response-template")));
            assertEquals(1, syncRevenueAtDebug(auth[0]));
            String log = log();
            assertTrue(critical().contains("bad header Basic *** for secret *** (***)"), log);
            assertTrue(log.contains("DEBUG \tat "), "the stack trace was logged, redacted: " + log);
            assertNoSecretIn(log, ECHO_SECRET, auth[1], b64(ECHO_SECRET), b64(ECHO_SECRET + ":"));
            assertTrue(wm.getAllServeEvents().get(0).getResponse().getBodyAsString().contains(auth[1]),
                    "the server did echo the header");
        }
    }

    @Test
    void aParserErrorQuotingAnEchoedCredentialDoesNotPrintIt() throws Exception {
        String basic = b64(ECHO_USER + ":" + ECHO_SECRET);
        wm.stubFor(any(urlPathEqualTo("/api/2.0/engage/revenue")).willReturn(aResponse().withStatus(200)
                .withBody(basic.replace("=", "") + " " + ECHO_SECRET)));
        assertEquals(1, syncRevenueAtDebug("\"service_account_username\":\"" + ECHO_USER
                + "\",\"service_account_secret\":\"" + ECHO_SECRET + "\",\"project_id\":7"));
        String log = log();
        assertTrue(critical().contains("is not valid JSON") && critical().contains("***"), log);
        assertNoSecretIn(log, ECHO_SECRET, basic);
    }

    @Test
    void aMissingSpoolFolderSaysItIsTheExportSpoolInTheTempFolderAndHowToMoveIt() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/api/2.0/export")).willReturn(aResponse().withStatus(200)
                .withBody("{\"event\":\"e\",\"properties\":{\"time\":1704067200,\"distinct_id\":\"u\"}}\n")));
        String url = "http://127.0.0.1:" + wm.port();
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"api_secret\":\"s3cr3t-value\",\"start_date\":\"2024-01-01\",\"end_date\":\"2024-01-01\","
                + "\"project_timezone\":\"UTC\",\"api_base_url\":\"" + url + "\",\"export_base_url\":\"" + url + "\"}");
        Path catalog = dir.resolve("catalog.json");
        Files.writeString(catalog, "{\"streams\":[{\"tap_stream_id\":\"export\",\"stream\":\"export\",\"key_properties\":[],"
                + "\"schema\":{\"type\":\"object\",\"properties\":{}},"
                + "\"metadata\":[{\"breadcrumb\":[],\"metadata\":{\"selected\":true}}]}]}");
        Path missing = dir.resolve("no-such-tmp");
        String tmp = System.getProperty("java.io.tmpdir");
        int code;
        try {
            System.setProperty("java.io.tmpdir", missing.toString());
            code = new Cli(out, Map.of()).run(new String[]{"--config", config.toString(), "--catalog", catalog.toString()});
        } finally {
            System.setProperty("java.io.tmpdir", tmp);
        }
        assertEquals(1, code, log());
        String line = critical();
        assertTrue(line.contains("I/O error: cannot create an export spool file in " + missing + " (no such folder)"), line);
        assertTrue(line.contains("in the temp folder (java.io.tmpdir); point TMPDIR (bin/tap-mixpanel) or -Djava.io.tmpdir"), line);
    }
}
