package io.tapmixpanel.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.cli.Cli;
import io.tapmixpanel.cli.ExitCode;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.singer.Catalog;
import io.tapmixpanel.singer.CatalogEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** --discover through the CLI against the in-process sandbox, and the catalog round trip into a sync. */
class DiscoverySandboxTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static Sandbox sandbox;

    @TempDir
    Path dir;
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(SandboxOptions.builder().port(0).events(300).days(5).profiles(40).cohorts(2).funnels(1).build());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void captureLog() {
        Log.redirect(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        Log.redirect(System.err);
    }

    Path config() throws Exception {
        Path f = dir.resolve("config.json");
        String b = sandbox.baseUrl();
        Files.writeString(f, "{\"service_account_username\":\"" + SandboxOptions.DEFAULT_SERVICE_ACCOUNT_USER + "\","
                + "\"service_account_secret\":\"" + SandboxOptions.DEFAULT_SERVICE_ACCOUNT_SECRET + "\","
                + "\"project_id\":" + SandboxOptions.DEFAULT_PROJECT_ID + ",\"project_timezone\":\"UTC\","
                + "\"start_date\":\"" + sandbox.startDate() + "\",\"end_date\":\"" + sandbox.endDate() + "\","
                + "\"api_base_url\":\"" + b + "\",\"export_base_url\":\"" + b + "\",\"app_base_url\":\"" + b + "\"}");
        return f;
    }

    byte[] runCli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new Cli(out, Map.of()).run(args);
        assertEquals(ExitCode.OK.code(), code, err.toString(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void discoverPrintsACatalogThatIsReadBackUnchangedAndDrivesASync() throws Exception {
        Path config = config();
        byte[] printed = runCli("--config", config.toString(), "--discover");
        Path catalogFile = dir.resolve("catalog.json");
        Files.write(catalogFile, printed);

        JsonNode tree = MAPPER.readTree(printed);
        List<String> ids = tree.findValues("tap_stream_id").stream().map(JsonNode::asText).toList();
        // the governance streams (docs/streams.md "Governance streams") follow: the sandbox serves every route
        assertEquals(List.of("export", "engage", "funnels", "revenue", "annotations", "cohorts", "cohort_members",
                "lexicon_events", "lexicon_properties", "lexicon_tags", "schemas", "custom_properties", "custom_events",
                "drop_filters", "lookup_tables", "schema_enforcement", "data_volume_anomalies", "deletion_requests"), ids);

        // Read back unchanged: same JSON, and the same bytes when written the way --discover writes them.
        Catalog read = Catalog.read(catalogFile);
        assertEquals(tree, read.toJson());
        assertEquals(new String(printed, StandardCharsets.UTF_8),
                MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(read.toJson()) + "\n");

        // The sandbox's dynamic properties made it into the schemas, renamed and typed.
        ObjectNode exportProps = (ObjectNode) read.entry("export").orElseThrow().schema().get("properties");
        ObjectNode engageProps = (ObjectNode) read.entry("engage").orElseThrow().schema().get("properties");
        assertTrue(exportProps.size() > 5, exportProps.toString());
        assertTrue(engageProps.size() > 2, engageProps.toString());
        assertFalse(exportProps.toString().contains("\"$"), "no $ column names");
        assertFalse(engageProps.toString().contains("\"$"), "no $ column names");
        assertEquals("date-time", engageProps.path("mp_reserved_last_seen").path("format").asText());

        // Select everything as a user would (the docs' jq/python one-liner), and deselect one export property.
        ObjectNode edited = (ObjectNode) tree.deepCopy();
        String dropped = null;
        for (JsonNode s : edited.get("streams")) {
            for (JsonNode m : s.get("metadata")) {
                if (m.get("breadcrumb").isEmpty()) ((ObjectNode) m.get("metadata")).put("selected", true);
                if (dropped == null && s.get("tap_stream_id").asText().equals("export") && m.get("breadcrumb").size() == 2
                        && m.get("breadcrumb").get(1).asText().equals("mp_reserved_browser")) {
                    ((ObjectNode) m.get("metadata")).put("selected", false);
                    dropped = "mp_reserved_browser";
                }
            }
        }
        assertEquals("mp_reserved_browser", dropped, "the sandbox reports $browser on events");
        Files.write(catalogFile, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(edited));

        byte[] synced = runCli("--config", config.toString(), "--catalog", catalogFile.toString());
        Map<String, Integer> records = new HashMap<>();
        Set<String> schemas = new HashSet<>();
        int exportRecordsWithBrowser = 0;
        for (String line : new String(synced, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            JsonNode m = MAPPER.readTree(line);
            switch (m.get("type").asText()) {
                case "SCHEMA" -> {
                    schemas.add(m.get("stream").asText());
                    if (m.get("stream").asText().equals("export")) {
                        assertFalse(m.get("schema").get("properties").has(dropped), "deselected property announced");
                    }
                }
                case "RECORD" -> {
                    records.merge(m.get("stream").asText(), 1, Integer::sum);
                    if (m.get("stream").asText().equals("export") && m.get("record").has(dropped)) exportRecordsWithBrowser++;
                }
                default -> { }
            }
        }
        assertEquals(Set.copyOf(ids), schemas, "every selected stream announced");
        JsonNode stats = MAPPER.readTree(sandbox.statsJson());
        assertEquals(stats.get("events").asInt(), records.getOrDefault("export", 0), records.toString());
        assertEquals(stats.get("profiles").asInt(), records.getOrDefault("engage", 0), records.toString());
        assertEquals(stats.get("cohort_members").asInt(), records.getOrDefault("cohort_members", 0), records.toString());
        assertEquals(stats.get("cohorts").asInt(), records.getOrDefault("cohorts", 0), records.toString());
        assertEquals(0, exportRecordsWithBrowser, "deselected property emitted");
    }

    @Test
    void aCatalogWithNothingSelectedSyncsNothing() throws Exception {
        Path config = config();
        Path catalogFile = dir.resolve("catalog.json");
        Files.write(catalogFile, runCli("--config", config.toString(), "--discover"));
        byte[] synced = runCli("--config", config.toString(), "--catalog", catalogFile.toString());
        assertFalse(new String(synced, StandardCharsets.UTF_8).contains("\"RECORD\""), "discovery selects nothing by itself");
        List<CatalogEntry> selected = Catalog.read(catalogFile).selected();
        assertEquals(List.of(), selected);
    }
}
