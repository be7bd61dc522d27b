package io.tapmixpanel.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/streams.md "Streams", export_raw_properties: every record carries the event's properties exactly as the export
 * served them, declared in discovery's schema, valid against the SCHEMA even when the catalog predates the setting.
 */
class ExportRawPropertiesTest {
    @TempDir
    Path dir;

    private TapHarness.Messages sync(Sandbox s, Path config, Path catalog) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Tap(ConfigLoader.load(List.of(config)), TapHarness.FAST, Clock.systemUTC()).sync(Optional.of(catalog), Optional.empty(), out);
        return TapHarness.Messages.parse(out.toString(StandardCharsets.UTF_8), false).assertSingerValid();
    }

    @Test
    void everyRecordCarriesItsEventsPropertiesExactlyAsServed() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(400).days(3).endDate("2024-01-11").timezone("UTC").build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of("export_raw_properties", true,
                    "select_properties_by_default", false)));
            ObjectNode catalog = TapHarness.select(TapHarness.discover(config), "export");
            JsonNode declared = TapHarness.entry(catalog, "export").get("schema").get("properties").get("properties");
            assertEquals("[\"null\",\"object\"]", declared.get("type").toString(), "discovery declares the column");
            List<ObjectNode> raw = TapHarness.rawExport(s);
            List<ObjectNode> records = sync(s, config, TapHarness.write(dir, "catalog.json", catalog)).records("export");
            assertEquals(raw.size(), records.size());
            for (int i = 0; i < raw.size(); i++) {
                assertEquals(raw.get(i).get("properties"), records.get(i).get("properties"), "event " + i);
            }

            // a catalog discovered without the setting, closed to new properties: the column is declared anyway
            Path plain = TapHarness.write(dir, "plain.json", TapHarness.config(s, Map.of("select_properties_by_default", false)));
            ObjectNode old = TapHarness.select(TapHarness.discover(plain), "export");
            assertFalse(TapHarness.entry(old, "export").get("schema").get("properties").has("properties"));
            TapHarness.Messages m = sync(s, config, TapHarness.write(dir, "old-catalog.json", old));
            assertTrue(m.schema("export").get("schema").get("properties").has("properties"));
            assertEquals(raw.get(0).get("properties"), m.records("export").get(0).get("properties"));
        }
    }
}
