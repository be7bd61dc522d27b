package io.tapmixpanel.streams;

import io.tapmixpanel.config.TapConfig;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.singer.ReplicationMethod;
import io.tapmixpanel.singer.State;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.ExecutorService;

/**
 * What a stream needs to sync: the config, the project's timezone, the clock that says what today is, the client,
 * its catalog entry, the shared state, where its records go, a pool for concurrent requests, and the committer its
 * reads hand their checkpoints to.
 *
 * @param position  reports where the stream is ("window 3/12") to the progress log
 * @param committer moves the stream's bookmarks and writes STATE (docs/state.md "State")
 */
public record StreamContext(TapConfig config, ZoneId zone, Clock clock, MixpanelClient client,
                            CatalogEntry entry, State state, RecordEmitter emitter, ExecutorService pool,
                            java.util.function.Consumer<String> position, StateCommitter committer) {

    public String stream() { return entry.tapStreamId(); }

    /** The day a stream starts from when it has no bookmark, in the project's timezone. */
    public LocalDate startDay() { return startDay(zone); }

    /** The day a stream starts from when it has no bookmark, in {@code z}. */
    public LocalDate startDay(ZoneId z) { return config.windows().startDate().localDate(z); }

    /** The last day to read in the project's timezone: end_date, else today, never after today. */
    public LocalDate endDay() { return endDay(zone); }

    /** The last day to read in {@code z}: end_date, else today, never after today there. */
    public LocalDate endDay(ZoneId z) { return Days.lastDay(config.windows().endDate(), z, clock); }

    /** The zone of export's days (docs/streams.md "Streams"): UTC, or the project's when its times are local. */
    public ZoneId exportZone() { return Days.exportZone(config.export().timeInProjectTimezone(), zone); }

    /** Whether the stream replicates INCREMENTAL (see {@link TapStream#replicationMethod}). */
    public boolean incremental() {
        return StreamRegistry.of(stream()).replicationMethod(entry) == ReplicationMethod.INCREMENTAL;
    }
}
