package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.tapmixpanel.singer.TestJson.obj;
import static org.junit.jupiter.api.Assertions.*;

class StateTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static final String OURS = "{'bookmarks':{"
            + "'export':{'replication_key':'time','replication_key_value':'2024-01-09T23:59:52Z'},"
            + "'funnels':{'partitions':[{'context':{'funnel_id':7},'replication_key':'date','replication_key_value':'2024-01-09'},"
            + "{'context':{'funnel_id':8},'replication_key':'date','replication_key_value':'2024-01-05'}]}},"
            + "'currently_syncing':null}";

    @Test
    void readsOurFormatAndWritesItBackUnchanged() {
        State s = State.parse(obj(OURS), "state.json");
        assertEquals(Optional.of("2024-01-09T23:59:52Z"), s.bookmark("export"));
        assertEquals(Optional.of("2024-01-09"), s.partitionBookmark("funnels", Map.of("funnel_id", 7)));
        assertEquals(Optional.of("2024-01-05"), s.partitionBookmark("funnels", Map.of("funnel_id", 8L)));
        assertEquals(Optional.empty(), s.partitionBookmark("funnels", Map.of("funnel_id", 9)));
        assertEquals(Optional.empty(), s.bookmark("funnels"), "partitions only");
        assertEquals(Optional.empty(), s.currentlySyncing());
        assertEquals(obj(OURS), s.toJson());
        assertEquals(M.valueToTree(obj(OURS)).toString(), s.toJson().toString(), "same order too");
    }

    @Test
    void readsSingerIoTapMixpanelPlainStringBookmarks() {
        State s = State.parse(obj("{'bookmarks':{'export':'2020-03-01T18:27:19.000000Z','funnels':'2020-03-01'},"
                + "'currently_syncing':'export'}"), "state.json");
        assertEquals(Optional.of("2020-03-01T18:27:19.000000Z"), s.bookmark("export"));
        assertEquals(Optional.of("2020-03-01"), s.bookmark("funnels"));
        assertEquals(Optional.empty(), s.partitionBookmark("funnels", Map.of("funnel_id", 7)));
        assertEquals(Optional.of("2020-03-01"),
                s.partitionBookmark("funnels", Map.of("funnel_id", 7)).or(() -> s.bookmark("funnels")),
                "migration: a funnel without its own bookmark falls back explicitly");
        assertEquals(Optional.of("export"), s.currentlySyncing());

        s.setBookmark("export", "time", "2020-03-05T00:00:00Z");
        assertEquals(obj("{'bookmarks':{'export':{'replication_key':'time','replication_key_value':'2020-03-05T00:00:00Z'},"
                + "'funnels':{'replication_key_value':'2020-03-01'}},'currently_syncing':'export'}"), s.toJson(),
                "written in our format; an untouched legacy bookmark keeps its value");
        State again = State.parse(s.toJson(), "state.json");
        assertEquals(Optional.of("2020-03-01"), again.bookmark("funnels"), "and reads back");
    }

    @Test
    void readsTheSingleKeyBookmarkObjectOfSingerWriteBookmark() {
        State s = State.parse(obj("{'bookmarks':{'revenue':{'date':'2024-01-02'}}}"), "state.json");
        assertEquals(Optional.of("2024-01-02"), s.bookmark("revenue"));
        assertEquals(obj("{'bookmarks':{'revenue':{'replication_key':'date','replication_key_value':'2024-01-02'}},"
                + "'currently_syncing':null}"), s.toJson());
    }

    @Test
    void emptyFileAndEmptyObjectAreEmptyStates(@TempDir Path dir) throws IOException {
        ObjectNode empty = obj("{'bookmarks':{},'currently_syncing':null}");
        assertEquals(empty, State.read(Files.writeString(dir.resolve("empty.json"), "")).toJson());
        assertEquals(empty, State.read(Files.writeString(dir.resolve("blank.json"), " \n")).toJson());
        assertEquals(empty, State.read(Files.writeString(dir.resolve("obj.json"), "{}")).toJson());
        State noBookmarks = State.parse(obj("{'bookmarks':{'export':{}, 'x':null}}"), "s");
        assertEquals(empty, noBookmarks.toJson());
        assertEquals(List.of(), noBookmarks.streams());
        assertEquals(empty, new State().toJson());
    }

    @Test
    void numericBookmarksKeepTheirJsonType() {
        State s = State.parse(obj("{'bookmarks':{'a':{'replication_key':'id','replication_key_value':42}}}"), "s");
        assertEquals(Optional.of("42"), s.bookmark("a"));
        assertEquals(obj("{'bookmarks':{'a':{'replication_key':'id','replication_key_value':42}},'currently_syncing':null}"),
                s.toJson());
    }

    @Test
    void partitionBookmarksAreSetInPlaceAndKeepInsertionOrder() {
        State s = new State();
        s.setPartitionBookmark("funnels", Map.of("funnel_id", 9), "date", "2024-01-01");
        s.setPartitionBookmark("funnels", Map.of("funnel_id", 3), "date", "2024-01-01");
        s.setPartitionBookmark("funnels", Map.of("funnel_id", 9L), "date", "2024-01-02");
        Map<String, Object> twoKeys = new LinkedHashMap<>();
        twoKeys.put("b", "x");
        twoKeys.put("a", 1);
        s.setPartitionBookmark("other", twoKeys, "date", "2024-01-03");
        s.setBookmark("export", "time", "2024-01-04T00:00:00Z");
        s.setCurrentlySyncing(Optional.of("export"));
        assertEquals(obj("{'bookmarks':{'funnels':{'partitions':["
                + "{'context':{'funnel_id':9},'replication_key':'date','replication_key_value':'2024-01-02'},"
                + "{'context':{'funnel_id':3},'replication_key':'date','replication_key_value':'2024-01-01'}]},"
                + "'other':{'partitions':[{'context':{'b':'x','a':1},'replication_key':'date','replication_key_value':'2024-01-03'}]},"
                + "'export':{'replication_key':'time','replication_key_value':'2024-01-04T00:00:00Z'}},"
                + "'currently_syncing':'export'}").toString(), s.toJson().toString());
        assertEquals(Optional.of("2024-01-03"), s.partitionBookmark("other", Map.of("a", 1L, "b", "x")),
                "key order and integer width do not matter");
        assertEquals(List.of(obj("{'funnel_id':9}"), obj("{'funnel_id':3}")), s.partitionContexts("funnels"));
    }

    // ------------------------------------------------------------------ errors

    private static String problem(String json) {
        return assertThrows(StateException.class, () -> State.parse(obj(json), "state.json")).getMessage();
    }

    @Test
    void anExportWatermarkIsReadWrittenBackAndCheckedFieldByField() {
        String ok = "{'bookmarks':{'export':{'replication_key':'time','replication_key_value':'2024-01-09T23:59:52Z',"
                + "'processing_watermark':{'processing_time_ms':1704844792000,'from':'2024-01-04','through':'2024-01-09',"
                + "'fingerprint':'sha256:ab'}}},'currently_syncing':null}";
        State s = State.parse(obj(ok), "state.json");
        assertEquals(1704844792000L, s.watermark("export").orElseThrow().get("processing_time_ms").asLong());
        assertEquals(obj(ok), s.toJson());
        String head = "{'bookmarks':{'export':{'replication_key_value':'2024-01-09','processing_watermark':";
        assertEquals("state.json: bookmarks.export.processing_watermark: must be an object, not a number",
                problem(head + "5}}}"));
        assertEquals("state.json: bookmarks.export.processing_watermark.processing_time_ms: must be a non-negative whole "
                + "number of milliseconds, not a string",
                problem(head + "{'processing_time_ms':'x','from':'2024-01-04','through':'2024-01-09','fingerprint':'f'}}}}"));
        assertEquals("state.json: bookmarks.export.processing_watermark.from: must be a yyyy-mm-dd day, not '2024-13-04'",
                problem(head + "{'processing_time_ms':1,'from':'2024-13-04','through':'2024-01-09','fingerprint':'f'}}}}"));
        assertEquals("state.json: bookmarks.export.processing_watermark: \"through\" (2024-01-03) is before \"from\" (2024-01-04)",
                problem(head + "{'processing_time_ms':1,'from':'2024-01-04','through':'2024-01-03','fingerprint':'f'}}}}"));
        assertEquals("state.json: bookmarks.export.processing_watermark.fingerprint: must be a string, not missing",
                problem(head + "{'processing_time_ms':1,'from':'2024-01-04','through':'2024-01-09'}}}}"));
    }

    @Test
    void eachMalformedPartIsNamedWithItsPath() throws IOException {
        assertEquals("state.json: must be a JSON object, not a list",
                assertThrows(StateException.class, () -> State.parse(M.readTree("[]"), "state.json")).getMessage());
        assertEquals("state.json: bookmarks: must be an object, not a list", problem("{'bookmarks':[]}"));
        assertEquals("state.json: bookmarks.export: must be a string or an object, not a list",
                problem("{'bookmarks':{'export':[]}}"));
        assertEquals("state.json: bookmarks.export: must have \"replication_key_value\" (or \"partitions\"), "
                + "or be a single \"key\": value pair", problem("{'bookmarks':{'export':{'a':'1','b':'2'}}}"));
        assertEquals("state.json: bookmarks.export.replication_key: must be a string, not a number",
                problem("{'bookmarks':{'export':{'replication_key':1,'replication_key_value':'x'}}}"));
        assertEquals("state.json: bookmarks.export.replication_key_value: must be a string, a number or a boolean, not an object",
                problem("{'bookmarks':{'export':{'replication_key':'time','replication_key_value':{}}}}"));
        assertEquals("state.json: bookmarks.funnels.partitions: must be a list, not an object",
                problem("{'bookmarks':{'funnels':{'partitions':{}}}}"));
        assertEquals("state.json: bookmarks.funnels.partitions[1]: must be an object, not a string",
                problem("{'bookmarks':{'funnels':{'partitions':[{'context':{'funnel_id':1},'replication_key_value':'x'},'y']}}}"));
        assertEquals("state.json: bookmarks.funnels.partitions[0].context: is missing",
                problem("{'bookmarks':{'funnels':{'partitions':[{'replication_key_value':'x'}]}}}"));
        assertEquals("state.json: bookmarks.funnels.partitions[0].context: must be an object, not a number",
                problem("{'bookmarks':{'funnels':{'partitions':[{'context':7,'replication_key_value':'x'}]}}}"));
        assertEquals("state.json: bookmarks.funnels.partitions[1].context: duplicate partition {\"funnel_id\":7.0}",
                problem("{'bookmarks':{'funnels':{'partitions':[{'context':{'funnel_id':7},'replication_key_value':'x'},"
                        + "{'context':{'funnel_id':7.0},'replication_key_value':'y'}]}}}"));
        assertEquals("state.json: currently_syncing: must be a string or null, not a number",
                problem("{'currently_syncing':3}"));
    }

    @Test
    void unreadableAndMalformedFilesAreErrorsNeverAnEmptyState(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("state.json");
        StateException e = assertThrows(StateException.class, () -> State.read(missing));
        assertEquals(missing + ": cannot read the file: no such file", e.getMessage());
        assertEquals(missing.toString(), e.file());

        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"bookmarks\": {\"export\": \"2020-01-01\"\n");
        String msg = assertThrows(StateException.class, () -> State.read(bad)).getMessage();
        assertTrue(msg.startsWith(bad + ": malformed JSON at line 2, column "), msg);

        Path truncated = Files.writeString(dir.resolve("t.json"), "{\"bookmarks\": {\"export\": \"2020-");
        assertTrue(assertThrows(StateException.class, () -> State.read(truncated)).getMessage()
                .startsWith(truncated + ": malformed JSON at line 1"));
    }

    @Test
    void readsAStateFileThatWeWrote(@TempDir Path dir) throws IOException {
        State s = State.parse(obj(OURS), "s");
        Path f = dir.resolve("state.json");
        Files.write(f, M.writeValueAsBytes(s.toJson()));
        assertEquals(s.toJson(), State.read(f).toJson());
    }

    @Test
    void aWholeStateMessageIsReadAsItsValue(@TempDir Path dir) throws Exception {
        State s = State.read(Files.writeString(dir.resolve("msg.json"),
                "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"revenue\":{\"replication_key\":\"date\",\"replication_key_value\":\"2024-01-09\"}}}}"));
        assertEquals(java.util.Optional.of("2024-01-09"), s.bookmark("revenue"));
    }

    @Test
    void anObjectThatIsNotAStateIsAnErrorNotASilentFullResync(@TempDir Path dir) throws Exception {
        java.nio.file.Path f = Files.writeString(dir.resolve("config.json"), "{\"api_secret\":\"x\",\"start_date\":\"2024-01-01\"}");
        StateException e = org.junit.jupiter.api.Assertions.assertThrows(StateException.class, () -> State.read(f));
        assertEquals(f + ": has neither \"bookmarks\" nor \"currently_syncing\": not a Singer state file", e.getMessage());
    }
}
