package io.tapmixpanel.streams.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.ExportOptions;
import io.tapmixpanel.testing.Golden;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The export watermark as it crosses the state (docs/state.md "Export across runs"): the object written under
 * {@code processing_watermark}, read back into the same value, and the fingerprint of the export selection, pinned
 * by golden files under {@code golden/export-watermark/}. A changed fingerprint would make every stored watermark
 * unusable, so its hash input is pinned too.
 */
class ExportWatermarkGoldenTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final ExportOptions ALL = new ExportOptions(List.of(), Optional.empty(), false, true, true,
            Duration.ofMinutes(60), false);
    private static final ExportOptions SOME = new ExportOptions(List.of("Sign up", "Purchase", "Ünïcode \"quoted\""),
            Optional.of("properties[\"$os\"] == \"iOS\""), true, false, true, Duration.ZERO, true);

    @Test
    void aWatermarkIsWrittenAsTheGoldenFileSaysAndReadBackEqual() throws Exception {
        ExportWatermark w = new ExportWatermark(1704844792000L, LocalDate.parse("2024-01-04"), LocalDate.parse("2024-01-09"),
                ExportWatermark.fingerprint(SOME));
        Golden.assertMatches("export-watermark/written.json", w.toJson() + "\n");
        ObjectNode golden = (ObjectNode) M.readTree(Golden.read("export-watermark/written.json"));
        assertEquals(w, ExportWatermark.fromJson(golden));
    }

    @Test
    void aWatermarkOfTheYearsAtTheEdgesIsWrittenAsTheGoldenFileSays() {
        String out = new ExportWatermark(0L, LocalDate.parse("0001-01-01"), LocalDate.parse("0001-01-01"), "").toJson() + "\n"
                + new ExportWatermark(Long.MAX_VALUE, LocalDate.parse("2024-02-29"), LocalDate.parse("9999-12-31"), "x").toJson() + "\n";
        Golden.assertMatches("export-watermark/edges.json", out);
    }

    @Test
    void theFingerprintOfAnExportSelectionIsTheGoldenFilesSoStoredWatermarksStayUsable() {
        String out = "all events: " + ExportWatermark.fingerprint(ALL) + "\n"
                + "some events, where, project time: " + ExportWatermark.fingerprint(SOME) + "\n";
        Golden.assertMatches("export-watermark/fingerprints.txt", out);
    }

    @Test
    void aStoredWatermarkIsUsedOnlyForTheSameSelection() throws Exception {
        ObjectNode golden = (ObjectNode) M.readTree(Golden.read("export-watermark/written.json"));
        assertEquals(Optional.of(ExportWatermark.fromJson(golden)), ExportWatermark.usable(Optional.of(golden), SOME));
        assertEquals(Optional.empty(), ExportWatermark.usable(Optional.of(golden), ALL));
    }
}
