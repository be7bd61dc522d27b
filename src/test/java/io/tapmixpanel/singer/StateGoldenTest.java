package io.tapmixpanel.singer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.testing.Golden;
import io.tapmixpanel.testing.RepoRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Optional;

/**
 * Every state format the tap reads (singer-io/tap-mixpanel's plain strings with microseconds, zone-less
 * date-times, {@code singer.write_bookmark}'s single-key objects, whole STATE messages, Meltano's extra keys, our
 * own partitions and export watermark) and the one it writes, pinned by golden files under
 * {@code golden/state/}: each {@code <case>.in.json} is read with {@link State#read} and what the tap sees of it,
 * and the STATE value it writes back, must stay {@code <case>.out.txt} byte for byte.
 */
class StateGoldenTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> CONTEXT = new TypeReference<>() {};

    @ParameterizedTest
    @ValueSource(strings = {"singer-io-plain-strings", "singer-write-bookmark", "ours", "state-message",
            "meltano-extras", "scalar-values", "empty-file", "empty-object", "nulls"})
    void everyStateFormatIsReadAndWrittenBackAsTheGoldenFileSays(String name) {
        State s = State.read(RepoRoot.resolve("src/test/resources/golden/state/" + name + ".in.json"));
        Golden.assertMatches("state/" + name + ".out.txt", seen(s));
    }

    @Test
    void bookmarksSetDuringARunAreWrittenInOurFormatAsTheGoldenFileSays() {
        State s = State.read(RepoRoot.resolve("src/test/resources/golden/state/singer-io-plain-strings.in.json"));
        s.setBookmark("export", "time", "2024-01-10T00:00:00Z");
        s.setWatermark("export", TestJson.obj("{'processing_time_ms':1704844792000,'from':'2024-01-04',"
                + "'through':'2024-01-09','fingerprint':'sha256:0123456789abcdef01234567'}"));
        s.setPartitionBookmark("funnels", Map.of("funnel_id", 7L), "date", "2024-01-10");
        s.setPartitionBookmark("funnels", Map.of("funnel_id", 3), "date", "2024-01-09");
        s.setPartitionBookmark("funnels", Map.of("funnel_id", 7), "date", "2024-01-11");
        s.setBookmark("engage", "last_seen", "2024-01-09T23:59:52");
        s.setBookmark("revenue", "date", "2024-01-09");
        s.setWatermark("revenue", null);
        s.setBookmark("new_stream", "date", "2024-01-09");
        s.setCurrentlySyncing(Optional.empty());
        Golden.assertMatches("state/written-during-a-run.out.txt", seen(s));
    }

    @Test
    void aWatermarkWithoutItsStreamBookmarkIsNotWritten() {
        State s = new State();
        s.setWatermark("export", TestJson.obj("{'processing_time_ms':1,'from':'2024-01-04','through':'2024-01-09','fingerprint':'f'}"));
        s.setCurrentlySyncing(Optional.of("export"));
        Golden.assertMatches("state/watermark-alone.out.txt", seen(s));
    }

    @Test
    void everyUnusableStateIsRefusedWithTheMessageTheGoldenFileSays() throws Exception {
        StringBuilder out = new StringBuilder();
        for (String line : Golden.read("state/errors.in.txt").split("\n")) {
            JsonNode input = M.readTree(line);
            String message;
            try {
                State.parse(input, "state.json");
                message = "(accepted)";
            } catch (StateException e) {
                message = e.getMessage();
            }
            out.append(line).append("\n  => ").append(message).append('\n');
        }
        Golden.assertMatches("state/errors.out.txt", out.toString());
    }

    /** What the tap sees of a state (every bookmark as text) and what it writes back. */
    private static String seen(State s) {
        StringBuilder out = new StringBuilder();
        out.append("currently_syncing: ").append(s.currentlySyncing().orElse("(none)")).append('\n');
        for (String stream : s.streams()) {
            out.append("stream ").append(stream).append('\n');
            out.append("  bookmark: ").append(s.bookmark(stream).orElse("(none)")).append('\n');
            s.watermark(stream).ifPresent(w -> out.append("  watermark: ").append(w).append('\n'));
            for (ObjectNode ctx : s.partitionContexts(stream)) {
                out.append("  partition ").append(ctx).append(": ")
                        .append(s.partitionBookmark(stream, M.convertValue(ctx, CONTEXT)).orElse("(none)")).append('\n');
            }
        }
        out.append("writes: ").append(s.toJson()).append('\n');
        return out.toString();
    }
}
