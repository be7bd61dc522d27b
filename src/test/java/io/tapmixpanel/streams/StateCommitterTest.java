package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.singer.State;
import io.tapmixpanel.streams.export.ExportWatermark;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one place bookmarks move (docs/state.md "State"): checkpoints applied in order, STATE written after each. */
class StateCommitterTest {
    private final State state = new State();
    private final List<String> written = new ArrayList<>();
    private final StateCommitter committer = new StateCommitter(state, "revenue", s -> written.add(s.toJson().toString()));

    @Test
    void checkpointsAreAppliedInTheOrderCommittedEachFollowedByState() {
        committer.commit(Checkpoint.bookmark(3, "date", "2024-01-02"));
        committer.commit(Checkpoint.bookmark(2, "date", "2024-01-01"));
        assertEquals(2, written.size());
        assertTrue(written.get(0).contains("2024-01-02"), written.get(0));
        assertTrue(written.get(1).contains("2024-01-01"), written.get(1));
        // the last one committed holds, even when it moves the bookmark back (re-read attribution days)
        assertEquals(Optional.of("2024-01-01"), state.bookmark("revenue"));
        assertEquals(5, committer.records());
    }

    @Test
    void aPartitionCheckpointMovesOnlyItsPartition() {
        committer.commit(Checkpoint.partition(1, Map.of("funnel_id", 7), "date", "2024-01-05"));
        committer.commit(Checkpoint.partition(1, Map.of("funnel_id", 8), "date", "2024-01-03"));
        assertEquals(Optional.of("2024-01-05"), state.partitionBookmark("revenue", Map.of("funnel_id", 7)));
        assertEquals(Optional.of("2024-01-03"), state.partitionBookmark("revenue", Map.of("funnel_id", 8)));
        assertEquals(Optional.empty(), state.bookmark("revenue"));
    }

    @Test
    void aCheckpointWithoutBookmarkWritesStateAsItIs() {
        state.setBookmark("revenue", "date", "2024-01-09");
        String before = state.toJson().toString();
        committer.commit(Checkpoint.of(12));
        assertEquals(List.of(before), written);
    }

    @Test
    void theWatermarkIsKeptSetOrClearedAsTheCheckpointSays() {
        // a watermark as the export stream sets it (the state keeps only a well-formed one)
        ObjectNode mark = new ExportWatermark(5, java.time.LocalDate.of(2024, 1, 1), java.time.LocalDate.of(2024, 1, 2),
                "f").toJson();
        committer.commit(new Checkpoint(0, Optional.of(new Checkpoint.Bookmark.Stream("time", "2024-01-01T00:00:00Z")),
                new Checkpoint.Watermark.Set(mark)));
        assertEquals(Optional.of(mark), state.watermark("revenue"));
        committer.commit(Checkpoint.bookmark(0, "time", "2024-01-02T00:00:00Z"));
        assertEquals(Optional.of(mark), state.watermark("revenue"), "KEEP leaves it");
        committer.commit(new Checkpoint(0, Optional.empty(), new Checkpoint.Watermark.Clear()));
        assertEquals(Optional.empty(), state.watermark("revenue"));
        assertEquals(Optional.of("2024-01-02T00:00:00Z"), state.bookmark("revenue"));
    }
}
