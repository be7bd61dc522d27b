package io.tapmixpanel.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/migrating.md "Project secrets retire on 2027-03-03": a run configured with {@code api_secret} (and a
 * {@code project_id}) logs one WARNING naming the date and the service account keys, and calls no app-API route:
 * Mixpanel's app API accepts service accounts only, as the sandbox does (401 for a project secret).
 */
class ProjectSecretE2eTest {
    private static final SandboxOptions SMALL = SandboxOptions.builder().port(0).events(300).days(3).profiles(20).build();
    private static final String RETIREMENT = "WARNING api_secret: Mixpanel retires project secrets on 2027-03-03";

    @TempDir
    Path dir;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() { Log.redirect(new PrintStream(err, true, StandardCharsets.UTF_8)); }

    @AfterEach
    void restoreLog() { Log.redirect(System.err); }

    private static ObjectNode secretConfig(Sandbox s) {
        ObjectNode c = TapHarness.config(s, Map.of());
        c.remove("service_account_username");
        c.remove("service_account_secret");
        c.put("api_secret", s.options().apiSecret);
        return c;
    }

    private List<String> warnings() {
        return err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("WARNING ")).toList();
    }

    private static long appCalls(Sandbox s) {
        return TapHarness.served(s).stream().map(r -> r.get("path").asText()).filter(p -> p.startsWith("/api/app/")).count();
    }

    @Test
    void aSecretConfiguredDiscoveryAndSyncCallNoAppRouteAndWarnOnceEachOfTheRetirement() throws Exception {
        try (Sandbox s = Sandbox.start(SMALL)) {
            Path config = TapHarness.write(dir, "config.json", secretConfig(s));
            ObjectNode catalog = TapHarness.discover(config);
            assertEquals(1, warnings().size(), String.join("\n", warnings()));
            assertTrue(warnings().get(0).startsWith(RETIREMENT), warnings().get(0));
            for (String key : List.of("service_account_username", "service_account_secret", "project_id", "docs/migrating.md")) {
                assertTrue(warnings().get(0).contains(key), key + " in " + warnings().get(0));
            }
            assertEquals(0, appCalls(s), TapHarness.served(s).toString());

            err.reset();
            Path catalogFile = TapHarness.write(dir, "catalog.json",
                    TapHarness.select(catalog, TapHarness.STREAMS.toArray(String[]::new)));
            TapHarness.tap("--config", config.toString(), "--catalog", catalogFile.toString());
            assertEquals(1, warnings().size(), String.join("\n", warnings()));
            assertTrue(warnings().get(0).startsWith(RETIREMENT), warnings().get(0));
            assertEquals(0, appCalls(s), TapHarness.served(s).toString());
            List<String> paths = TapHarness.served(s).stream().map(r -> r.get("path").asText()).toList();
            assertTrue(paths.contains("/api/2.0/annotations"), "annotations from the legacy route: " + paths);
        }
    }

    @Test
    void withoutProjectTimezoneTheSecretRunDoesNotAskAppMeAndSaysToSetIt() throws Exception {
        try (Sandbox s = Sandbox.start(SMALL)) {
            ObjectNode c = secretConfig(s);
            c.remove("project_timezone");
            Path config = TapHarness.write(dir, "config.json", c);
            Path catalogFile = TapHarness.write(dir, "catalog.json",
                    TapHarness.select(TapHarness.discover(config), "cohorts", "annotations"));
            err.reset();
            TapHarness.tap("--config", config.toString(), "--catalog", catalogFile.toString());
            assertEquals(0, appCalls(s), TapHarness.served(s).toString());
            List<String> w = warnings();
            assertEquals(2, w.size(), String.join("\n", w));
            assertTrue(w.get(0).startsWith(RETIREMENT), w.get(0));
            assertTrue(w.get(1).contains("project_timezone"), w.get(1));
        }
    }

    @Test
    void aSecretConfiguredTestCallsNoAppRoute() throws Exception {
        try (Sandbox s = Sandbox.start(SMALL)) {
            Path config = TapHarness.write(dir, "config.json", secretConfig(s));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, new io.tapmixpanel.cli.Cli(out, Map.of()).run(new String[]{"--config", config.toString(), "--test"}),
                    err.toString(StandardCharsets.UTF_8));
            assertEquals(0, appCalls(s), TapHarness.served(s).toString());
            assertEquals(1, warnings().size(), String.join("\n", warnings()));
            assertTrue(warnings().get(0).startsWith(RETIREMENT), warnings().get(0));
            assertFalse(err.toString(StandardCharsets.UTF_8).contains("401"), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theSandboxRefusesAProjectSecretOnTheAppRoutesWith401() throws Exception {
        try (Sandbox s = Sandbox.start(SMALL)) {
            String secret = "Basic " + java.util.Base64.getEncoder().encodeToString((s.options().apiSecret + ":").getBytes(StandardCharsets.UTF_8));
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            for (String path : List.of("/api/app/me", "/api/app/projects/1234/annotations?fromDate=2024-01-01&toDate=2024-01-02",
                    "/api/app/projects/1234/schemas", "/api/app/projects/1234/workspaces/public")) {
                java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.baseUrl() + path))
                        .header("Authorization", secret).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(401, r.statusCode(), path + ": " + r.body());
                JsonNode body = TapHarness.JSON.readTree(r.body());
                assertTrue(body.get("error").asText().contains("service account"), r.body());
            }
        }
    }
}
