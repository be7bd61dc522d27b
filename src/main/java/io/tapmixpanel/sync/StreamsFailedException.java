package io.tapmixpanel.sync;

import java.util.List;

/**
 * The run finished but these streams failed (each already reported by its own CRITICAL line, docs/reliability.md "When a stream
 * fails"): the final STATE is written; the exit code is 1.
 */
public final class StreamsFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> streams;

    public StreamsFailedException(List<String> streams) {
        super(streams.size() + (streams.size() == 1 ? " stream" : " streams") + " failed: " + String.join(", ", streams)
                + "; the others synced, and the last STATE covers every finished window");
        this.streams = List.copyOf(streams);
    }

    /** The failed streams, in sync order. */
    public List<String> streams() { return streams; }
}
