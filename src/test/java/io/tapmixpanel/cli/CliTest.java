package io.tapmixpanel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tapmixpanel.config.Setting;
import io.tapmixpanel.log.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void captureStderr() {
        Log.redirect(new PrintStream(err, true, StandardCharsets.UTF_8));
        Log.setLevel(Log.Level.INFO);
    }

    @AfterEach
    void restore() {
        Log.redirect(System.err);
        Log.setLevel(Log.Level.INFO);
    }

    private int run(String... args) {
        return new Cli(out, Map.of()).run(args);
    }

    private String stdout() { return out.toString(StandardCharsets.UTF_8); }

    private String stderr() { return err.toString(StandardCharsets.UTF_8); }

    @Test
    void aboutJsonListsCapabilitiesAndEverySetting() throws Exception {
        assertEquals(0, run("--about", "--format", "json"));
        JsonNode about = new ObjectMapper().readTree(stdout());
        assertEquals("tap-mixpanel", about.get("name").asText());
        assertFalse(about.get("version").asText().isEmpty());
        assertTrue(about.get("description").asText().contains("Mixpanel"));
        for (String cap : new String[]{"catalog", "discover", "state", "about"}) {
            assertTrue(about.get("capabilities").toString().contains("\"" + cap + "\""), cap);
        }
        JsonNode props = about.get("settings").get("properties");
        for (Setting s : Setting.values()) {
            JsonNode p = props.get(s.key());
            assertTrue(p != null && p.has("type") && p.has("description"), s.key());
        }
        assertEquals("5", props.get("attribution_window").get("default").asText());
        assertTrue(props.get("api_secret").get("secret").asBoolean());
        assertEquals("API Secret", props.get("api_secret").get("title").asText());
        assertEquals("start_date", about.get("settings").get("required").get(0).asText());
    }

    @Test
    void aboutMarkdownRendersTheSettingsTable() {
        assertEquals(0, run("--about", "--format", "markdown"));
        assertTrue(stdout().contains("| `attribution_window` | integer | `5` |"), stdout());
    }

    @Test
    void aboutMeltanoHubPrintsThePluginDefinition() {
        assertEquals(0, run("--about", "--format", "meltano-hub"));
        assertEquals(MeltanoDefinition.hubYaml(), stdout());
    }

    @Test
    void versionAndHelpGoToStdout() {
        assertEquals(0, run("--version"));
        assertTrue(stdout().startsWith("tap-mixpanel "));
        out.reset();
        assertEquals(0, run("--help"));
        assertTrue(stdout().contains("--discover"));
        assertEquals("", stderr());
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertEquals(2, run("--bogus"));
        assertEquals("CRITICAL Unrecognized option: --bogus (see tap-mixpanel --help)\n", stderr());
        err.reset();
        assertEquals(2, run());
        assertEquals("CRITICAL --config is required (see tap-mixpanel --help)\n", stderr());
        err.reset();
        assertEquals(2, run("--about", "--format", "xml"));
        assertEquals("CRITICAL --format: 'xml' is not one of json, markdown, meltano-hub\n", stderr());
        err.reset();
        assertEquals(2, run("--log-level", "loud", "--version"));
        assertEquals("CRITICAL --log-level: 'loud' is not one of debug, info, warning, error, critical\n", stderr());
        err.reset();
        assertEquals(2, run("--config"));
        assertEquals(1, stderr().lines().count());
        assertTrue(stderr().startsWith("CRITICAL Missing argument for option: c"), stderr());
        assertEquals("", stdout());
    }

    @Test
    void configErrorsExitTwoNamingFileAndKeyWithoutStackTraceOrSecret() throws Exception {
        Path c = dir.resolve("c.json");
        Files.writeString(c, "{\"api_secret\":\"hunter2\",\"start_date\":\"2024-01-01\",\"region\":\"MOON\"}");
        assertEquals(2, run("--config", c.toString()));
        assertEquals("CRITICAL config " + c + ": region: 'MOON' is not one of US, EU, IN\n", stderr());
        assertFalse(stderr().contains("hunter2"));
    }

    @Test
    void debugLoggingAddsTheStackTrace() throws Exception {
        Path c = dir.resolve("c.json");
        Files.writeString(c, "{\"api_secret\":\"hunter2\"}");
        assertEquals(2, run("--log-level", "debug", "--config", c.toString()));
        assertTrue(stderr().startsWith("CRITICAL config " + c + ": start_date: required"));
        assertTrue(stderr().contains("at io.tapmixpanel.config.ConfigLoader"), stderr());
    }
}
