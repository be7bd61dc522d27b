package io.tapmixpanel.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.TapConfig;
import io.tapmixpanel.discovery.Discovery;
import io.tapmixpanel.log.Durations;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.mixpanel.PaymentRequiredException;
import io.tapmixpanel.output.Output;
import io.tapmixpanel.singer.Catalog;
import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.singer.ReplicationMethod;
import io.tapmixpanel.singer.SchemaGuard;
import io.tapmixpanel.singer.SingerWriter;
import io.tapmixpanel.singer.State;
import io.tapmixpanel.singer.TargetClosedException;
import io.tapmixpanel.streams.CallPlan;
import io.tapmixpanel.streams.Days;
import io.tapmixpanel.streams.RecordEmitter;
import io.tapmixpanel.streams.StreamContext;
import io.tapmixpanel.streams.Skip;
import io.tapmixpanel.streams.StateCommitter;
import io.tapmixpanel.streams.StreamRegistry;
import io.tapmixpanel.streams.TapStream;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a sync (docs/state.md "State") of the catalog and state {@link SyncInputs} read and checked: syncs each
 * selected stream in a fixed order (the interrupted one first, from {@code currently_syncing}), writing
 * STATE as streams progress. docs/reliability.md "When a stream fails": a failure one of the stream's skip rules matches (a 402,
 * a 404 of an undocumented endpoint, a 403 or 404 of a governance route, revenue's {@code Timeout Error}), or a
 * stream that needs a service account without one, skips that stream with a warning; any other failure of a stream is one CRITICAL line and
 * the other streams still sync, and the run then ends with {@link StreamsFailedException}; refused credentials
 * and a closed target end the run at once.
 */
final class SyncRunner {
    private final TapConfig config;
    private final MixpanelClient client;
    private final RunMetrics metrics;
    private final Clock clock;
    /**
     * docs/activate-version.md "ACTIVATE_VERSION": the table version of every full-table stream of this run, the run's start in epoch
     * milliseconds, so each run's version is above the previous one's.
     */
    private final long tableVersion;

    SyncRunner(TapConfig config, MixpanelClient client, RunMetrics metrics, Clock clock) {
        this.config = config;
        this.client = client;
        this.metrics = metrics;
        this.clock = clock;
        this.tableVersion = clock.millis();
    }

    /** {@code catalogFromFile} and {@code state} as {@link SyncInputs} read and checked them. */
    void run(Optional<Catalog> catalogFromFile, State state, SingerWriter writer) {
        Output out = Output.of(writer, config.batch());
        Catalog catalog = catalogFromFile.orElse(null);
        if (catalog == null) {
            Log.info("no --catalog: discovering, then syncing every stream selected by default");
            catalog = new Discovery(client, config.selectPropertiesByDefault(), config.export().rawProperties(),
                    config.dataGroupIds()).discoverSelectedByDefault().selectDefaults();
        }
        List<CatalogEntry> selected = ordered(catalog.selected(), state.currentlySyncing());
        if (selected.isEmpty()) {
            Log.warning("no stream is selected in the catalog: nothing to sync (set \"selected\": true in a stream's [] metadata)");
        }
        warnIfEndDateInFuture();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(config.http().maxConcurrentRequests(), r -> {
            Thread t = new Thread(r, "tap-mixpanel-fetch-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<String> failed = new ArrayList<>();
        try (Progress progress = new Progress(metrics, Progress.INTERVAL_SECONDS)) {
            logPlan(selected, state, out, pool, progress);
            for (CatalogEntry entry : selected) {
                if (!syncStream(entry, state, out, pool, progress)) failed.add(entry.tapStreamId());
            }
            state.setCurrentlySyncing(Optional.empty());
            out.state(state.toJson());
            out.flush();
        } finally {
            pool.shutdownNow();
            metrics.logSummary();
        }
        if (!failed.isEmpty()) throw new StreamsFailedException(failed);
    }

    /**
     * end_date after today is read up to today (Mixpanel refuses a to_date after today): one warning, with today in
     * the zones of the days the streams read.
     */
    private void warnIfEndDateInFuture() {
        if (config.windows().endDate().isEmpty()) return;
        ZoneId zone = config.windows().projectTimezone().orElseThrow();
        ZoneId exportZone = Days.exportZone(config.export().timeInProjectTimezone(), zone);
        List<String> todays = new ArrayList<>();
        for (ZoneId z : exportZone.equals(zone) ? List.of(zone) : List.of(exportZone, zone)) {
            LocalDate today = Days.today(clock, z);
            if (config.windows().endDate().get().localDate(z).isAfter(today)) todays.add(today + " in " + z);
        }
        if (!todays.isEmpty()) {
            Log.warning("end_date %s is after today: reading up to today (%s)", config.windows().endDate().get().raw(),
                    String.join(", ", todays));
        }
    }

    /** Syncs one stream; false when it failed (and the run goes on without it). */
    private boolean syncStream(CatalogEntry entry, State state, Output out, ExecutorService pool, Progress progress) {
        String name = entry.tapStreamId();
        TapStream stream = StreamRegistry.of(name);
        Log.info("syncing %s", name);
        metrics.startStream(name);
        progress.start(name);
        state.setCurrentlySyncing(Optional.of(name));
        StreamContext ctx = context(entry, state, out, pool, progress);
        RecordEmitter emitter = ctx.emitter();
        StreamOutcome outcome = StreamOutcome.OK;
        try {
            if (stream.needsServiceAccount() && !client.hasServiceAccount()) {
                outcome = StreamOutcome.SKIPPED_NO_SERVICE_ACCOUNT;
                Log.warning("stream %s skipped: Mixpanel's governance routes need a service account "
                        + "(service_account_username, service_account_secret, project_id), not api_secret", name);
                return true;
            }
            emitter.ensureSchema();
            out.state(state.toJson());
            stream.sync(ctx);
            emitter.completeTableVersion(); // only after a whole read: on any failure above, no closing message
        } catch (MixpanelApiException e) {
            Optional<Skip> skip = stream.skip(e);
            if (skip.isPresent()) {
                outcome = outcome(skip.get().kind());
                // a 402's message is quoted as Mixpanel wrote it (docs/reliability.md "When a stream fails")
                Log.warning("stream %s skipped: %s (%s)", name, skip.get().why(),
                        skip.get().kind() == Skip.Kind.PAYMENT_REQUIRED ? e.getMessage() : oneLine(e.getMessage()));
            } else {
                outcome = StreamOutcome.FAILED;
                if (e.credentialsRefused()) throw e;
                Log.critical("stream %s failed: %s", name, oneLine(e.getMessage()));
            }
        } catch (TargetClosedException | UncheckedIOException e) {
            // stdout closed, or local I/O (spool files, disk full): nothing else could sync either
            outcome = StreamOutcome.FAILED;
            throw e;
        } catch (RuntimeException e) {
            outcome = StreamOutcome.FAILED;
            if (Thread.currentThread().isInterrupted()) throw e;
            Log.critical("stream %s failed: %s", name, oneLine(e.getMessage() == null ? e.getClass().getName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage()));
            if (Log.isDebug()) Log.debug("%s", stackTrace(e));
        } finally {
            progress.stop();
            emitter.endStream(outcome != StreamOutcome.FAILED);
            metrics.addRecords(name, emitter.records());
            metrics.endStream(name, outcome);
        }
        return outcome != StreamOutcome.FAILED;
    }

    private StreamContext context(CatalogEntry entry, State state, Output out, ExecutorService pool, Progress progress) {
        String name = entry.tapStreamId();
        TapStream stream = StreamRegistry.of(name);
        boolean incremental = stream.replicationMethod(entry) == ReplicationMethod.INCREMENTAL;
        RecordEmitter emitter = new RecordEmitter(name, out, new SchemaGuard(initialSchema(entry)), entry.keyProperties(),
                stream.bookmarkProperties(incremental), entry.deselectedProperties(), progress::produced);
        // A property of how every FULL_TABLE stream is synced (docs/activate-version.md "ACTIVATE_VERSION"), never of one stream; not
        // with batch_config, whose files' records carry no version (docs/batch.md "BATCH messages").
        if (!incremental && config.output().activateVersion() && config.batch().isEmpty()) emitter.tableVersion(tableVersion);
        return new StreamContext(config, config.windows().projectTimezone().orElseThrow(), clock, client, entry, state,
                emitter, pool, progress::position, new StateCommitter(state, name, emitter::checkpoint));
    }

    /**
     * Before syncing, one line per API family (docs/rate-limits.md "Rate limits"): the calls the selected streams will make that
     * count against its hourly budget and, past the budget, the least time the budget allows them in. A stream whose
     * plan cannot be made (its list endpoint fails) is named and left out of the count; its sync reports the failure.
     */
    private void logPlan(List<CatalogEntry> selected, State state, Output out, ExecutorService pool, Progress progress) {
        if (selected.isEmpty()) return;
        CallPlan total = CallPlan.NONE;
        List<String> exportDetail = new ArrayList<>();
        List<String> queryDetail = new ArrayList<>();
        for (CatalogEntry entry : selected) {
            try {
                CallPlan p = StreamRegistry.of(entry.tapStreamId()).plan(context(entry, state, out, pool, progress));
                total = total.plus(p);
                (p.export() > 0 ? exportDetail : queryDetail).addAll(p.detail());
            } catch (MixpanelApiException e) {
                if (e.credentialsRefused()) throw e;
                queryDetail.add(entry.tapStreamId() + " unknown (" + oneLine(e.getMessage()) + ")");
            }
        }
        int export = total.export();
        int query = total.queryCalls();
        boolean atLeast = total.atLeast();
        Duration window = config.http().rateLimitWindow();
        if (!exportDetail.isEmpty()) {
            Log.info("%s", planLine("export API", export, atLeast, exportDetail, config.http().exportRequestsPerWindow(),
                    "export_requests_per_hour", window));
        }
        if (!queryDetail.isEmpty()) {
            Log.info("%s", planLine("query API", query, false, queryDetail, config.http().queryRequestsPerWindow(),
                    "query_requests_per_hour", window));
        }
    }

    /**
     * {@code plan: 146 query API calls (...); over query_requests_per_hour = 60: at least 2 h}. With a budget of B calls
     * per window W, N calls need {@code ceil(N / B)} windows: the last batch can start {@code (ceil(N / B) - 1) * W}
     * after the first, the least wall time the budget allows (spread evenly they would take {@code N / B * W}).
     */
    static String planLine(String family, int calls, boolean atLeast, List<String> detail, int budget, String setting,
                           Duration window) {
        String head = "plan: " + (atLeast ? "at least " : "") + calls + " " + family + " call" + (calls == 1 ? "" : "s")
                + " (" + String.join(", ", detail) + ")";
        String per = window.equals(Duration.ofHours(1)) ? "per hour" : "per " + Durations.human(window);
        if (calls <= budget) return head + "; within " + setting + " = " + budget + " (" + budget + " " + per + ")";
        long batches = (calls + budget - 1L) / budget;
        Duration least = window.multipliedBy(batches - 1);
        Duration even = Duration.ofMillis(Math.round((double) calls / budget * window.toMillis()));
        return head + "; over " + setting + " = " + budget + " (" + budget + " " + per + "): the budget allows them in no"
                + " less than " + Durations.human(least) + " (" + Durations.human(even) + " at an even pace), waits are logged";
    }

    /** How the run summary shows a stream skipped for this kind of failure. */
    static StreamOutcome outcome(Skip.Kind kind) {
        return switch (kind) {
            case PAYMENT_REQUIRED -> StreamOutcome.SKIPPED_PAYMENT_REQUIRED;
            case FORBIDDEN -> StreamOutcome.SKIPPED_FORBIDDEN;
            case NOT_FOUND -> StreamOutcome.SKIPPED_NOT_FOUND;
            case TIMEOUT -> StreamOutcome.SKIPPED_TIMEOUT;
        };
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\n\\s*", " ").trim();
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter sw = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(sw));
        return sw.toString().stripTrailing();
    }

    /**
     * The schema a stream starts its sync with: the catalog's, without deselected properties. A catalog schema
     * without {@code additionalProperties} gets JSON Schema's default, true, written out so targets see it.
     */
    static ObjectNode initialSchema(CatalogEntry entry) {
        ObjectNode s = entry.selectedSchema();
        if (!s.has("type")) s.put("type", "object");
        if (!s.has("properties")) s.putObject("properties");
        if (!s.has("additionalProperties")) s.put("additionalProperties", true);
        return s;
    }

    /** The interrupted stream first (it resumes from its bookmark), then the usual order. */
    static List<CatalogEntry> ordered(List<CatalogEntry> selected, Optional<String> currentlySyncing) {
        List<CatalogEntry> out = new ArrayList<>();
        for (TapStream stream : StreamRegistry.inSyncOrder()) {
            selected.stream().filter(e -> e.tapStreamId().equals(stream.id())).findFirst().ifPresent(out::add);
        }
        currentlySyncing.flatMap(cs -> out.stream().filter(e -> e.tapStreamId().equals(cs)).findFirst()).ifPresent(e -> {
            out.remove(e);
            out.add(0, e);
        });
        return out;
    }
}
