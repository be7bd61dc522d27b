package io.tapmixpanel.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.Golden;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dates the tap reads from the query and app APIs and writes in RECORDs (docs/streams.md "Streams"), against a sandbox
 * on a fixed clock, pinned by golden files under {@code golden/records/}: funnels' and revenue's {@code date}
 * (a project day) and {@code datetime} (RFC 3339 with {@code Z}), annotations' and cohorts' dates exactly as
 * Mixpanel wrote them (zone-less date-times are not reformatted), and engage's zone-less date-times written as UTC
 * with {@code Z}.
 */
class DatesInRecordsGoldenTest {
    private static final Clock LATER = Clock.fixed(Instant.parse("2024-01-12T06:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void theDatesOfFunnelsRevenueAnnotationsCohortsAndEngageAreWrittenAsTheGoldenFilesSay() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(50).days(3).profiles(20).endDate("2024-01-11")
                .timezone("America/Los_Angeles").now("2024-01-12T06:00:00Z").build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, Map.of("date_window_size", 2)));
            Path catalog = TapHarness.write(dir, "catalog.json", TapHarness.select(TapHarness.discover(config),
                    "funnels", "revenue", "annotations", "cohorts", "engage"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new Tap(ConfigLoader.load(List.of(config)), TapHarness.FAST, LATER).sync(Optional.of(catalog), Optional.empty(), out);
            TapHarness.Messages m = TapHarness.Messages.parse(out.toString(StandardCharsets.UTF_8), false);
            for (String stream : List.of("funnels", "revenue", "annotations", "cohorts")) {
                StringBuilder text = new StringBuilder();
                for (ObjectNode r : m.records(stream)) text.append(r).append('\n');
                Golden.assertMatches("records/" + stream + ".jsonl", text.toString());
            }
            StringBuilder engage = new StringBuilder();
            for (ObjectNode r : m.records("engage")) {
                engage.append(r.get("distinct_id"));
                for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getValue().isTextual() && e.getValue().asText().matches("\\d{4}-\\d\\d-\\d\\d.*")) {
                        engage.append(' ').append(e.getKey()).append('=').append(e.getValue().asText());
                    }
                }
                engage.append('\n');
            }
            Golden.assertMatches("records/engage-dates.txt", engage.toString());
        }
    }
}
