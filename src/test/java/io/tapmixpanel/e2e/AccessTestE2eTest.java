package io.tapmixpanel.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.cli.Cli;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README "Command line", {@code --test}: against the sandbox, each stream in scope costs its cheapest call (plus
 * /api/app/me for a service account), one line per stream, exit 0 when every stream is reachable; refused
 * credentials end it at once; {@code --test=schema} runs discovery only and writes SCHEMA messages.
 */
class AccessTestE2eTest {
    private static final SandboxOptions SMALL = SandboxOptions.builder().port(0).events(300).days(3).profiles(20).build();

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void captureLog() {
        Log.redirect(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        Log.redirect(System.err);
    }

    private int run(String... args) {
        return new Cli(out, Map.of()).run(args);
    }

    private String log() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static List<String> paths(Sandbox s) {
        List<String> p = new ArrayList<>();
        for (JsonNode r : TapHarness.served(s)) p.add(r.get("path").asText());
        return p;
    }

    @Test
    void everyStreamIsOkWithOneCallPerStreamPlusTheProjectInfoAndNothingOnStdout() throws Exception {
        try (Sandbox s = Sandbox.start(SMALL)) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of()));
            assertEquals(0, run("--config", config.toString(), "--test"), log());
            String log = log();
            for (String stream : TapHarness.STREAMS) assertTrue(log.contains("INFO " + stream + ": ok\n"), stream + "\n" + log);
            assertTrue(log.contains("INFO credentials: ok (service account, project 1234"), log);
            assertTrue(log.contains("INFO test: 7 streams reachable (7 ok, 0 skipped)"), log);
            assertEquals("", out.toString(StandardCharsets.UTF_8), "--test writes no Singer message");
            // cohort_members reuses the cohort list and the engage page of cohorts and engage
            assertEquals(List.of("/api/app/me", "/api/2.0/export", "/api/2.0/engage", "/api/2.0/funnels/list",
                    "/api/2.0/engage/revenue", "/api/app/projects/1234/annotations", "/api/2.0/cohorts/list"), paths(s));
            List<JsonNode> served = TapHarness.served(s);
            assertEquals("1", served.get(1).get("params").get("limit").asText(), "export asks for one event");
            assertEquals(served.get(1).get("params").get("from_date"), served.get(1).get("params").get("to_date"), "of one day");
            // page_size is no request parameter in Mixpanel's spec (README "Command line"): page 0, distinct ids only
            assertFalse(served.get(2).get("params").has("page_size"), "engage does not rely on page_size");
            assertEquals("[\"$distinct_id\"]", served.get(2).get("params").get("output_properties").asText());
        }
    }

    @Test
    void withACatalogOnlyItsSelectedStreamsAreChecked() throws Exception {
        try (Sandbox s = Sandbox.start(SMALL)) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of()));
            ObjectNode catalog = TapHarness.select(TapHarness.discover(config), "export", "cohort_members");
            Path catalogFile = TapHarness.write(dir, "catalog.json", catalog);
            int before = TapHarness.served(s).size();
            out.reset();
            assertEquals(0, run("--config", config.toString(), "--catalog", catalogFile.toString(), "--test=all"), log());
            assertEquals(List.of("/api/app/me", "/api/2.0/export", "/api/2.0/cohorts/list", "/api/2.0/engage"),
                    paths(s).subList(before, paths(s).size()));
            String log = log();
            assertTrue(log.contains("INFO export: ok\n") && log.contains("INFO cohort_members: ok\n"), log);
            assertFalse(log.contains("funnels: "), log);
            assertTrue(log.contains("INFO test: 2 streams reachable (2 ok, 0 skipped)"), log);
        }
    }

    @Test
    void aStreamWhoseUndocumentedEndpointIsMissingIsSkippedAndTheTestStillPasses() throws Exception {
        try (Sandbox s = Sandbox.start(SMALL.toBuilder().missingEndpoint("/api/2.0/engage/revenue").build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of()));
            assertEquals(0, run("--config", config.toString(), "--test"), log());
            String log = log();
            assertTrue(log.contains("WARNING revenue: skipped: not found (404): "), log);
            assertTrue(log.contains("(a sync skips this stream with a warning)"), log);
            assertTrue(log.contains("INFO test: 7 streams reachable (6 ok, 1 skipped)"), log);
        }
    }

    @Test
    void aRefusedSecretEndsTheTestAtOnceWithExitOneAndTheSecretNowhere() throws Exception {
        try (Sandbox s = Sandbox.start(SMALL)) {
            Path config = TapHarness.write(dir, "config.json",
                    TapHarness.config(s, Map.of("service_account_secret", "wrong-password-123")));
            assertEquals(1, run("--config", config.toString(), "--test"), log());
            String log = log();
            assertTrue(log.contains("CRITICAL HTTP 401"), log);
            assertTrue(log.contains("were refused"), log);
            assertFalse(log.contains("wrong-password-123"), log);
            assertFalse(log.contains(": ok\n"), log);
            assertEquals(List.of("/api/app/me"), paths(s), "no stream is tried after the refusal");
        }
    }

    @Test
    void aProjectTheServiceAccountCannotSeeIsNamedAndEveryStreamFails() throws Exception {
        try (Sandbox s = Sandbox.start(SMALL)) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of("project_id", 999)));
            assertEquals(1, run("--config", config.toString(), "--test"), log());
            String log = log();
            assertTrue(log.contains("WARNING credentials: accepted, but project 999 is not among the service account's projects"), log);
            assertTrue(log.contains("ERROR export: failed: HTTP 403 from GET /api/2.0/export?project_id=999"), log);
            assertTrue(log.contains("ERROR test: 7 of 7 stream(s) failed: export, engage, funnels, revenue, annotations, cohorts, cohort_members"), log);
        }
    }

    @Test
    void schemaTestRunsDiscoveryOnlyAndWritesEachStreamsSchema() throws Exception {
        try (Sandbox s = Sandbox.start(SMALL)) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of()));
            assertEquals(0, run("--config", config.toString(), "--test=schema"), log());
            TapHarness.Messages m = TapHarness.Messages.parse(out.toString(StandardCharsets.UTF_8), false).assertSingerValid();
            List<String> schemas = new ArrayList<>();
            for (ObjectNode msg : m.messages()) {
                assertEquals("SCHEMA", msg.get("type").asText(), msg.toString());
                schemas.add(msg.get("stream").asText());
            }
            assertEquals(TapHarness.STREAMS, schemas);
            assertTrue(m.schema("export").get("schema").get("properties").size() > 5, "export's discovered properties");
            String log = log();
            assertTrue(log.contains("INFO export: ok (schema with "), log);
            assertTrue(log.contains("INFO test: 7 streams discovered (7 ok, 0 skipped)"), log);
            List<String> asked = paths(s);
            assertFalse(asked.contains("/api/2.0/export") || asked.contains("/api/2.0/engage")
                    || asked.contains("/api/2.0/funnels/list"), "discovery's calls only: " + asked);
        }
    }
}
