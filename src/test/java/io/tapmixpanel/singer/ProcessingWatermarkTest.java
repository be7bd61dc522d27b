package io.tapmixpanel.singer;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Optional;

import static io.tapmixpanel.singer.TestJson.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The processing watermark a state keeps beside a stream's bookmark, as a record bound through singer's mapper. */
class ProcessingWatermarkTest {
    private static final ProcessingWatermark W = new ProcessingWatermark(1704844792000L, LocalDate.of(2024, 1, 4),
            LocalDate.of(2024, 1, 9), "sha256:ab");

    @Test
    void daysAreWrittenAsIsoTextAndTheTimeAsAWholeNumber() {
        assertEquals("{\"processing_time_ms\":1704844792000,\"from\":\"2024-01-04\",\"through\":\"2024-01-09\","
                + "\"fingerprint\":\"sha256:ab\"}", W.toJson().toString());
    }

    @Test
    void whatIsWrittenReadsBackEqual() {
        assertEquals(W, ProcessingWatermark.fromJson(W.toJson()));
    }

    @Test
    void otherKeysAreNotKeptAsOtherKeysOfABookmarkAreNot() {
        State s = State.parse(obj("{'bookmarks':{'export':{'replication_key':'time','replication_key_value':'2024-01-09',"
                + "'processing_watermark':{'processing_time_ms':1704844792000,'from':'2024-01-04','through':'2024-01-09',"
                + "'fingerprint':'sha256:ab','note':'x'}}}}"), "state.json");
        assertEquals(Optional.of(W), s.processingWatermark("export"));
        assertEquals(W.toJson(), s.toJson().get("bookmarks").get("export").get(State.WATERMARK));
    }

    @Test
    void aStateKeepsTheRecordItIsGivenAndItsJsonFormAlike() {
        State s = new State();
        s.setBookmark("export", "time", "2024-01-09T23:59:52Z");
        s.setProcessingWatermark("export", W);
        assertEquals(Optional.of(W.toJson()), s.watermark("export"));
        s.setWatermark("export", null);
        assertEquals(Optional.empty(), s.processingWatermark("export"));
        s.setWatermark("export", W.toJson());
        assertEquals(Optional.of(W), s.processingWatermark("export"));
    }
}
