package io.tapmixpanel.streams;

import io.tapmixpanel.config.TapConfig;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.singer.ReplicationMethod;
import io.tapmixpanel.singer.State;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.ExecutorService;

/**
 * What a stream needs to sync: the config, the project's timezone and last day, the client, its catalog entry,
 * the shared state, where its records go, and a pool for concurrent requests.
 *
 * @param endDay   the last day to read, in the project's timezone: end_date, else today
 * @param position reports where the stream is ("window 3/12") to the progress log
 */
public record StreamContext(TapConfig config, ZoneId zone, LocalDate endDay, MixpanelClient client,
                            CatalogEntry entry, State state, RecordEmitter emitter, ExecutorService pool,
                            java.util.function.Consumer<String> position) {

    public String stream() { return entry.tapStreamId(); }

    /** The day a stream starts from when it has no bookmark. */
    public LocalDate startDay() { return config.windows().startDate().localDate(zone); }

    /** Whether the stream replicates INCREMENTAL (see {@link StreamId#replicationMethod}). */
    public boolean incremental() {
        return StreamId.of(stream()).orElseThrow().replicationMethod(entry) == ReplicationMethod.INCREMENTAL;
    }

    /** Writes the current state (after the records it covers). */
    public void checkpoint() { emitter.checkpoint(state); }
}
