package io.tapmixpanel.streams;

import io.tapmixpanel.singer.State;

import java.util.function.Consumer;

/**
 * The one place a stream's bookmarks move: applies the {@link Checkpoint}s its reads hand back, in the order they are
 * committed, to the run's state, and writes STATE after each (docs/state.md "State": STATE is never ahead of the records on
 * stdout, because a read hands its checkpoint back only once its records are written).
 */
public final class StateCommitter {
    private final State state;
    private final String stream;
    private final Consumer<State> writeState;
    private long records;

    /** @param writeState writes STATE after the records before it ({@link RecordEmitter#checkpoint} in a sync) */
    public StateCommitter(State state, String stream, Consumer<State> writeState) {
        this.state = state;
        this.stream = stream;
        this.writeState = writeState;
    }

    public void commit(Checkpoint c) {
        if (c.bookmark().isPresent()) {
            Checkpoint.Bookmark b = c.bookmark().get();
            if (b instanceof Checkpoint.Bookmark.Stream s) {
                state.setBookmark(stream, s.key(), s.value());
            } else if (b instanceof Checkpoint.Bookmark.Partition p) {
                state.setPartitionBookmark(stream, p.context(), p.key(), p.value());
            }
        }
        // the bookmark first, then the watermark that relies on it (docs/state.md "Export across runs")
        if (c.watermark() instanceof Checkpoint.Watermark.Clear) {
            state.setWatermark(stream, null);
        } else if (c.watermark() instanceof Checkpoint.Watermark.Set s) {
            state.setWatermark(stream, s.json());
        }
        records += c.records();
        writeState.accept(state);
    }

    /** The records of the checkpoints committed so far. */
    public long records() { return records; }
}
