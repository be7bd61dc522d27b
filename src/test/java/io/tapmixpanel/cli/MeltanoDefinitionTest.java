package io.tapmixpanel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tapmixpanel.config.ConfigException;
import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.config.Setting;
import io.tapmixpanel.testing.RepoRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Meltano Hub plugin definition (docs/meltano.md "Meltano"): the committed file is the generated one, and it keeps the
 * rules the Hub's extractor schema and linter hold it to, and that the tap's own config reader agrees with.
 */
class MeltanoDefinitionTest {
    @TempDir
    Path dir;

    private static List<JsonNode> settings() {
        List<JsonNode> list = new ArrayList<>();
        MeltanoDefinition.hub().get("settings").forEach(list::add);
        return list;
    }

    @Test
    void theCommittedHubDefinitionIsTheOneGeneratedFromTheSettings() throws Exception {
        Path file = RepoRoot.resolve(MeltanoDefinition.HUB_FILE);
        assertTrue(Files.isRegularFile(file), "no " + MeltanoDefinition.HUB_FILE);
        assertEquals(MeltanoDefinition.hubYaml(), Files.readString(file),
                MeltanoDefinition.HUB_FILE + " differs from the generated one; regenerate it with\n"
                        + "  bin/tap-mixpanel --about --format meltano-hub > " + MeltanoDefinition.HUB_FILE);
    }

    @Test
    void theFileSitsWhereTheHubKeepsThisVariant() {
        ObjectNode hub = MeltanoDefinition.hub();
        assertEquals("meltano/extractors/" + hub.get("name").asText() + "/" + hub.get("variant").asText() + ".yml",
                MeltanoDefinition.HUB_FILE);
        for (String required : List.of("name", "namespace", "variant", "quality")) assertTrue(hub.has(required), required);
        assertFalse(hub.has("pip_url"), "a Java tap has no pip package; the prereq says how to install it");
    }

    @Test
    void everyNonLegacySettingIsOfferedWithARealLabelAndADescription() {
        Set<String> offered = new TreeSet<>();
        for (JsonNode s : settings()) {
            String name = s.get("name").asText();
            offered.add(name);
            assertFalse(s.path("label").asText().isBlank(), name);
            assertFalse(s.path("label").asText().contains("_"), "a label is a title, not the key: " + name);
            assertFalse(s.path("description").asText().isBlank(), name);
        }
        Set<String> expected = new TreeSet<>();
        Arrays.stream(Setting.values()).filter(s -> !s.isLegacy()).forEach(s -> expected.add(s.key()));
        assertEquals(expected, offered);
        assertFalse(offered.contains("eu_residency"), "legacy keys are read but not offered");
    }

    @Test
    void secretsAreSensitiveStringsAndNoSettingIsOfKindPassword() {
        for (JsonNode s : settings()) {
            String name = s.get("name").asText();
            Setting setting = Setting.byKey(name).orElseThrow();
            assertFalse(s.get("kind").asText().equals("password"), name);
            assertEquals(setting.isSecret(), s.path("sensitive").asBoolean(false), name);
        }
        assertFalse(MeltanoDefinition.hubYaml().contains("password"));
        assertFalse(MeltanoDefinition.meltanoYml().contains("password"));
    }

    @Test
    void everyKindIsOneMeltanoKnowsAndMatchesTheSettingsType() {
        Set<String> meltanoKinds = Set.of("string", "integer", "boolean", "date_iso8601", "options", "array",
                "object", "decimal", "email", "file", "hidden", "oauth");
        for (JsonNode s : settings()) assertTrue(meltanoKinds.contains(s.get("kind").asText()), s.toString());
        Map<String, String> kinds = Map.of("service_account_secret", "string", "project_id", "integer",
                "select_properties_by_default", "boolean", "start_date", "date_iso8601", "region", "options",
                "export_events", "array", "export_where", "string");
        for (JsonNode s : settings()) {
            String expected = kinds.get(s.get("name").asText());
            if (expected != null) assertEquals(expected, s.get("kind").asText(), s.get("name").asText());
        }
    }

    @Test
    void integerAndBooleanDefaultsAreMeltanoValuesAndTheOthersAreLeftToTheTap() {
        for (JsonNode s : settings()) {
            switch (s.get("name").asText()) {
                case "attribution_window" -> assertTrue(s.get("value").isIntegralNumber() && s.get("value").asInt() == 5);
                case "export_gzip" -> assertTrue(s.get("value").isBoolean() && s.get("value").asBoolean());
                case "end_date", "region", "api_base_url", "project_timezone" -> assertFalse(s.has("value"), s.toString());
                default -> { }
            }
        }
    }

    @Test
    void capabilitiesAreExactlyThoseAboutReports() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), Map.of()).run(new String[]{"--about"}));
        Set<String> reported = new TreeSet<>();
        new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8)).get("capabilities")
                .forEach(c -> reported.add(c.asText()));
        Set<String> defined = new TreeSet<>();
        MeltanoDefinition.hub().get("capabilities").forEach(c -> defined.add(c.asText()));
        assertEquals(reported, defined);
    }

    @Test
    void settingsGroupsAreTheTwoWaysToAuthenticateEachWithStartDate() {
        assertEquals(List.of(
                        List.of("service_account_username", "service_account_secret", "project_id", "start_date"),
                        List.of("api_secret", "start_date")),
                MeltanoDefinition.settingsGroups());
    }

    @Test
    void eachSettingsGroupAloneIsAConfigTheTapAcceptsAndEachOfItsSettingsIsNeeded() throws Exception {
        for (List<String> group : MeltanoDefinition.settingsGroups()) {
            ConfigLoader.load(List.of(config(group)));
            for (String key : group) {
                List<String> fewer = new ArrayList<>(group);
                fewer.remove(key);
                Path file = config(fewer);
                assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(file)), group + " without " + key);
            }
        }
    }

    private Path config(List<String> keys) throws Exception {
        ObjectNode c = new ObjectMapper().createObjectNode();
        for (String key : keys) {
            switch (Setting.byKey(key).orElseThrow().type()) {
                case INTEGER -> c.put(key, 12345);
                case DATE_TIME -> c.put(key, "2024-01-01");
                case BOOLEAN -> c.put(key, true);
                default -> c.put(key, "value-of-" + key);
            }
        }
        Path file = Files.createTempFile(dir, "config", ".json");
        Files.writeString(file, c.toString());
        return file;
    }

    @Test
    void mappingKeysAreInTheAlphabeticalOrderTheHubsLinterWants() {
        assertSorted(MeltanoDefinition.hub(), "(root)");
    }

    private static void assertSorted(JsonNode node, String where) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) keys.add(it.next());
            List<String> sorted = new ArrayList<>(keys);
            sorted.sort(null);
            assertEquals(sorted, keys, where);
            node.fields().forEachRemaining(e -> assertSorted(e.getValue(), where + "/" + e.getKey()));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) assertSorted(node.get(i), where + "/" + i);
        }
    }

    @Test
    void theHubFileIsBlockStyleWithListsAtTheirKeysIndentation() {
        String yaml = MeltanoDefinition.hubYaml();
        assertFalse(yaml.contains("{"), "the Hub's linter forbids flow mappings");
        assertTrue(yaml.startsWith("capabilities:\n- about\n"), yaml);
        assertTrue(yaml.contains("\n- description: Service account secret.\n  kind: string\n  label: Service Account Secret\n"
                + "  name: service_account_secret\n  sensitive: true\n"), yaml);
        assertTrue(yaml.contains("\n  options:\n  - label: US\n    value: US\n"), yaml);
        assertTrue(yaml.contains("\n  name: attribution_window\n  value: 5\n"), yaml);
        assertTrue(yaml.contains("\nsettings_group_validation:\n- - service_account_username\n  - service_account_secret\n"), yaml);
        assertTrue(yaml.contains("\nprereq: |\n  This tap is written in Java"), yaml);
        assertTrue(yaml.endsWith("\nvariant: tapmixpanel\n"), yaml);
    }

    @Test
    void textThatAYamlReaderCouldMisreadIsDoubleQuoted() {
        for (String plain : List.of("API Secret", "Export Filter (where)", "Service account secret.")) {
            assertEquals(plain, MeltanoDefinition.scalar(TextNode.valueOf(plain), true));
        }
        assertEquals("https://mixpanel.com/", MeltanoDefinition.scalar(TextNode.valueOf("https://mixpanel.com/"), false));
        assertEquals("\"https://mixpanel.com/\"", MeltanoDefinition.scalar(TextNode.valueOf("https://mixpanel.com/"), true));
        for (String risky : List.of("a: b", "true", "Yes", "off", "null", "5", "x #y", "", "tail ", "`where`", "a, b",
                "say \"hi\"", "- item", "key:")) {
            String quoted = MeltanoDefinition.scalar(TextNode.valueOf(risky), true);
            assertTrue(quoted.startsWith("\"") && quoted.endsWith("\""), risky + " -> " + quoted);
        }
        assertEquals("\"a: \\\"b\\\"\"", MeltanoDefinition.scalar(TextNode.valueOf("a: \"b\""), false));
    }

    @Test
    void readmesMeltanoYmlBlockCarriesTheSameGroupsAndSettings() {
        String yaml = MeltanoDefinition.meltanoYml();
        assertTrue(yaml.contains("    settings_group_validation:\n"
                + "    - [service_account_username, service_account_secret, project_id, start_date]\n"
                + "    - [api_secret, start_date]\n"), yaml);
        assertTrue(yaml.contains("    - {name: api_secret, label: API Secret, kind: string, sensitive: true}\n"), yaml);
        assertTrue(yaml.contains("    - {name: region, label: Region, kind: options, options: [{label: US, value: US}, "
                + "{label: EU, value: EU}, {label: IN, value: IN}]}\n"), yaml);
        assertTrue(yaml.contains("    - {name: attribution_window, label: Attribution Window (days), kind: integer, value: 5}\n"), yaml);
        assertEquals(settings().size(), yaml.lines().filter(l -> l.startsWith("    - {name: ")).count());
    }
}
