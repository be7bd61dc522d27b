package io.tapmixpanel.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/streams.md "Streams" (funnels), end to end against the sandbox: a funnel ending on a custom event has steps with
 * {@code custom_event}, {@code custom_event_id} and time-to-convert histograms, as Mixpanel's funnels answer; the
 * funnels schema declares every one of them, so the records validate against the catalog's schema as discovered,
 * with no column widened at run time.
 */
class FunnelStepsE2eTest {
    @TempDir
    Path dir;

    @Test
    void customEventStepsAndTimeBucketsAreDeclaredColumnsAndTheirRecordsValidateWithoutWidening() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(200).days(2).funnels(3).build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of()));
            ObjectNode discovered = TapHarness.discover(config);
            JsonNode step = TapHarness.entry(discovered, "funnels").at("/schema/properties/steps/items/properties");
            assertEquals("[\"null\",\"boolean\"]", step.at("/custom_event/type").toString());
            assertEquals("[\"null\",\"integer\"]", step.at("/custom_event_id/type").toString());
            for (String buckets : List.of("time_buckets_from_start", "time_buckets_from_prev")) {
                assertEquals("[\"null\",\"integer\"]", step.at("/" + buckets + "/properties/buckets/items/type").toString(), buckets);
            }

            Path catalog = TapHarness.write(dir, "catalog.json", TapHarness.select(discovered, "funnels"));
            TapHarness.Messages m = TapHarness.tap("--config", config.toString(), "--catalog", catalog.toString()).assertSingerValid();
            assertEquals(1, m.positions("SCHEMA", "funnels").size(), "the declared schema fits: no SCHEMA widened at run time");
            assertEquals(TapHarness.entry(discovered, "funnels").get("schema"), m.schema("funnels").get("schema"));

            List<JsonNode> custom = new ArrayList<>();
            List<JsonNode> bucketed = new ArrayList<>();
            for (ObjectNode r : m.records("funnels")) {
                for (JsonNode st : r.get("steps")) {
                    if (st.path("custom_event").asBoolean(false)) custom.add(st);
                    if (st.has("time_buckets_from_prev")) bucketed.add(st);
                }
            }
            assertFalse(custom.isEmpty(), "a step on a custom event");
            for (JsonNode st : custom) assertTrue(st.get("custom_event_id").isIntegralNumber(), st.toString());
            assertFalse(bucketed.isEmpty(), "steps with time buckets");
            for (JsonNode st : bucketed) assertTrue(st.at("/time_buckets_from_start/buckets").isArray(), st.toString());
        }
    }
}
