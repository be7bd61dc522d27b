package io.tapmixpanel.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/streams.md "Governance streams", end to end against the sandbox: discovery with a service account lists the
 * governance streams (and group_profiles with data_group_ids), a sync of all of them matches the sandbox's counts
 * with every RECORD valid against its SCHEMA and 64-bit ids exact, and a plan without governance skips them with
 * warnings and exit 0.
 */
class GovernanceE2eTest {
    static final List<String> GOVERNANCE = List.of("lexicon_events", "lexicon_properties", "lexicon_tags", "schemas",
            "custom_properties", "custom_events", "drop_filters", "lookup_tables", "schema_enforcement",
            "data_volume_anomalies", "deletion_requests");
    static final long GROUP = 9_007_199_254_740_993L;

    @TempDir
    Path dir;

    private static List<String> streams(ObjectNode catalog) {
        List<String> ids = new ArrayList<>();
        catalog.get("streams").forEach(s -> ids.add(s.get("tap_stream_id").asText()));
        return ids;
    }

    @Test
    void everyGovernanceStreamAndTheGroupProfilesMatchTheSandbox() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(200).days(2).dataGroupId(GROUP).build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of("data_group_ids", List.of(GROUP))));
            ObjectNode discovered = TapHarness.discover(config);
            assertTrue(streams(discovered).containsAll(GOVERNANCE), streams(discovered).toString());
            assertTrue(streams(discovered).contains("group_profiles"));
            List<String> wanted = new ArrayList<>(GOVERNANCE);
            wanted.add("group_profiles");
            Path catalog = TapHarness.write(dir, "catalog.json", TapHarness.select(discovered, wanted.toArray(String[]::new)));
            TapHarness.Messages m = TapHarness.tap("--config", config.toString(), "--catalog", catalog.toString()).assertSingerValid();
            JsonNode stats = TapHarness.stats(s);
            for (String stream : wanted) {
                assertEquals(stats.get(stream).asInt(), m.records(stream).size(), stream);
            }
            assertTrue(m.records("lookup_tables").stream().anyMatch(r -> new BigInteger(r.get("id").asText()).compareTo(BigInteger.TWO.pow(53)) > 0),
                    "a lookup table id past 2^53, exact (its decimal text)");
            assertTrue(m.records("lookup_tables").stream().anyMatch(r -> r.get("id").asText().startsWith("-")), "a negative id, signed");
            for (ObjectNode r : m.records("group_profiles")) assertEquals(GROUP, r.get("data_group_id").asLong());
        }
    }

    @Test
    void aPlanWithoutGovernanceSkipsThoseStreamsWithWarningsAndExitsZero() throws Exception {
        Path catalog;
        try (Sandbox full = Sandbox.start(SandboxOptions.builder().port(0).events(200).days(2).build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(full, Map.of()));
            catalog = TapHarness.write(dir, "catalog.json", TapHarness.select(TapHarness.discover(config), GOVERNANCE.toArray(String[]::new)));
        }
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(200).days(2).noGovernance(true).build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of()));
            ObjectNode discovered = TapHarness.discover(config);
            for (String g : GOVERNANCE) assertFalse(streams(discovered).contains(g), "discovery leaves out " + g);
            // a catalog written when the plan had them: the sync skips each with a warning, exit 0
            TapHarness.Messages m = TapHarness.tap("--config", config.toString(), "--catalog", catalog.toString()).assertSingerValid();
            for (String g : GOVERNANCE) assertEquals(0, m.records(g).size(), g);
        }
    }

    @Test
    void schemaEnforcementNotConfiguredIsOkWithNoRecordWhileItsRouteMissingIsSkippedWithAWarning() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(200).days(2).noSchemaEnforcement(true).build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of()));
            Path catalog = TapHarness.write(dir, "catalog.json", TapHarness.select(TapHarness.discover(config), "schema_enforcement"));
            TapHarness.SyncRun run = TapHarness.sync(config, TapHarness.FAST, java.util.Optional.of(catalog), java.util.Optional.empty());
            assertEquals(null, run.failure());
            assertEquals(0, TapHarness.Messages.parse(run.stdout(), false).assertSingerValid().records("schema_enforcement").size());
            assertTrue(run.log().stream().noneMatch(l -> l.startsWith("WARNING")), run.log().toString());
            assertTrue(run.log().stream().anyMatch(l -> l.matches("INFO\\s+schema_enforcement\\s+0\\s.*\\sok")), run.log().toString());
        }
        // the route itself missing (read under the project's paths: no workspace list to find the global one)
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(200).days(2)
                .missingEndpoint("/api/app/me").missingEndpoint("/api/app/projects/1234/workspaces/public")
                .missingEndpoint("/api/app/projects/1234/data-definitions/schema").build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of()));
            List<String> offered = streams(TapHarness.discover(config));
            assertFalse(offered.contains("schema_enforcement"), "discovery leaves out a missing route: " + offered);
            assertTrue(offered.contains("lexicon_tags"), offered.toString());
            // a catalog written when the route answered: schema_enforcement selected beside lexicon_tags
            Path both;
            try (Sandbox full = Sandbox.start(SandboxOptions.builder().port(0).events(200).days(2).build())) {
                Path fullConfig = TapHarness.write(dir, "full-config.json", TapHarness.config(full, Map.of()));
                both = TapHarness.write(dir, "both.json", TapHarness.select(TapHarness.discover(fullConfig), "schema_enforcement", "lexicon_tags"));
            }
            TapHarness.SyncRun run = TapHarness.sync(config, TapHarness.FAST, java.util.Optional.of(both), java.util.Optional.empty());
            assertEquals(null, run.failure());
            TapHarness.Messages m = TapHarness.Messages.parse(run.stdout(), false).assertSingerValid();
            assertEquals(0, m.records("schema_enforcement").size());
            assertTrue(m.records("lexicon_tags").size() > 0);
            assertTrue(run.log().stream().anyMatch(l -> l.startsWith("WARNING stream schema_enforcement skipped: Mixpanel answered 404")),
                    run.log().toString());
            assertTrue(run.log().stream().anyMatch(l -> l.matches("INFO\\s+schema_enforcement\\s.*skipped \\(404\\)")), run.log().toString());
        }
    }
}
