package io.tapmixpanel.sync;

import io.tapmixpanel.config.TapConfig;
import io.tapmixpanel.discovery.Discovery;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.Credentials;
import io.tapmixpanel.mixpanel.EngageQuery;
import io.tapmixpanel.mixpanel.ExportQuery;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.mixpanel.PaymentRequiredException;
import io.tapmixpanel.mixpanel.ProjectInfo;
import io.tapmixpanel.streams.GovernanceStream;
import io.tapmixpanel.singer.Catalog;
import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.singer.ReplicationMethod;
import io.tapmixpanel.singer.SingerWriter;
import io.tapmixpanel.streams.StreamId;
import io.tapmixpanel.streams.StreamSync;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * {@code --test} and {@code --test=schema} (README "Command line"): whether a sync of these streams could run, at the
 * cost of a few calls instead of a sync. One line per stream on stderr ({@code export: ok}, {@code revenue: skipped:
 * ...}, {@code engage: failed: ...}), then one summary line. A stream a sync would skip with a warning (docs/reliability.md "When a
 * stream fails": a 402, an undocumented endpoint's 404, revenue's Timeout Error) is reachable, said as skipped; any
 * other failure is not. Refused credentials end the check at once, as they end a sync.
 *
 * <p>Each stream costs its cheapest real call, through the same client, budgets and retries as a sync: export one
 * event of one day ({@code limit=1}), engage one profile of page 0 ({@code page_size=1}), the funnel and cohort
 * lists, revenue and annotations of one day. cohort_members needs what cohorts and engage need, and asks each
 * only once per run. A service account also costs one {@code /api/app/me}, which names the project and its region
 * and counts against no hourly budget.
 */
final class AccessCheck {
    private enum Kind { OK, SKIPPED, FAILED }

    private record Result(Kind kind, String detail) {
        static final Result OK = new Result(Kind.OK, "");
    }

    private final TapConfig config;
    private final MixpanelClient client;
    private final Clock clock;
    /** Calls shared by streams (cohorts/list, engage): their result, so that no call is made twice. */
    private final Map<String, Result> calls = new HashMap<>();

    AccessCheck(TapConfig config, MixpanelClient client, Clock clock) {
        this.config = config;
        this.client = client;
        this.clock = clock;
    }

    /**
     * Checks the catalog's selected streams; without a catalog, the streams a sync without one would sync (those
     * selected by default, group_profiles when data_group_ids is set); true when each is reachable.
     * {@code --test=schema} also writes the SCHEMA message of each stream to {@code out}, as the Meltano SDK does.
     */
    boolean run(Optional<Catalog> catalog, Tap.TestMode mode, SingerWriter out) {
        List<StreamId> streams = new ArrayList<>();
        for (StreamId id : StreamId.values()) {
            boolean byDefault = id == StreamId.GROUP_PROFILES ? !config.dataGroupIds().isEmpty() : id.selectedByDefault();
            if (catalog.isEmpty() ? byDefault : catalog.get().selected().stream().anyMatch(e -> e.tapStreamId().equals(id.id()))) {
                streams.add(id);
            }
        }
        if (streams.isEmpty()) {
            Log.warning("test: no stream is selected in the catalog: nothing to test (set \"selected\": true in a stream's [] metadata)");
            return true;
        }
        return mode == Tap.TestMode.SCHEMA ? schemas(streams, out) : access(streams);
    }

    private boolean access(List<StreamId> streams) {
        projectInfo();
        int ok = 0;
        int skipped = 0;
        List<String> failed = new ArrayList<>();
        for (StreamId id : streams) {
            Result r = check(id);
            switch (r.kind()) {
                case OK -> {
                    ok++;
                    Log.info("%s: ok", id.id());
                }
                case SKIPPED -> {
                    skipped++;
                    Log.warning("%s: skipped: %s (a sync skips this stream with a warning)", id.id(), r.detail());
                }
                case FAILED -> {
                    failed.add(id.id());
                    Log.error("%s: failed: %s", id.id(), r.detail());
                }
            }
        }
        if (!failed.isEmpty()) {
            Log.error("test: %d of %d stream(s) failed: %s", failed.size(), streams.size(), String.join(", ", failed));
            return false;
        }
        Log.info("test: %s reachable (%d ok, %d skipped)", count(streams.size()), ok, skipped);
        return true;
    }

    /** A service account's project and region as {@code /api/app/me} tells them: the first call, so a refusal ends the test. */
    private void projectInfo() {
        if (!(config.authAndHosts().credentials() instanceof Credentials.ServiceAccount sa)) return;
        Optional<ProjectInfo> me;
        try {
            me = client.me();
        } catch (MixpanelApiException e) {
            if (e.credentialsRefused()) throw e;
            // Undocumented endpoint: the streams' own calls still check the credentials.
            Log.info("credentials: /api/app/me did not answer (%s); the streams' calls check them", oneLine(e.getMessage()));
            return;
        }
        if (me.isEmpty()) {
            Log.warning("credentials: accepted, but project %d is not among the service account's projects (/api/app/me): "
                    + "check project_id", sa.projectId());
            return;
        }
        ProjectInfo p = me.get();
        Log.info("credentials: ok (service account, project %d \"%s\", region %s)", p.id(), p.name(), p.region());
        if (p.region() != config.authAndHosts().region() && config.authAndHosts().apiBaseUrl().isEmpty()) {
            Log.warning("region: the project's data lives in region %s but region is %s: set region to %s",
                    p.region(), config.authAndHosts().region(), p.region());
        }
    }

    private Result check(StreamId id) {
        // Yesterday in UTC is no later than today in any timezone: never a to_date Mixpanel refuses.
        LocalDate day = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1);
        return switch (id) {
            case EXPORT -> call(id, "export", () -> client.exportSample(new ExportQuery(day, day,
                    config.export().events(), config.export().where(), config.export().gzip())));
            case ENGAGE -> engage(id);
            case FUNNELS -> call(id, "funnels/list", client::funnels);
            case REVENUE -> call(id, "revenue", () -> client.revenue(day, day));
            case ANNOTATIONS -> call(id, "annotations", () -> client.annotations(day, day));
            case COHORTS -> call(id, "cohorts/list", client::cohorts);
            case COHORT_MEMBERS -> {
                Result cohorts = call(id, "cohorts/list", client::cohorts);
                yield cohorts.kind() != Kind.OK ? cohorts : engage(id);
            }
            case GROUP_PROFILES -> {
                if (config.dataGroupIds().isEmpty()) yield new Result(Kind.SKIPPED, "data_group_ids names no group key");
                long group = config.dataGroupIds().get(0);
                yield call(id, "engage group " + group, () -> client.engage(new EngageQuery(Optional.empty(), List.of(),
                        Optional.empty(), 0, OptionalInt.of(1), OptionalLong.empty(), OptionalLong.of(group))));
            }
            default -> {
                // the governance streams (docs/streams.md "Governance streams"): their listing, asked once, as discovery does
                if (!client.hasServiceAccount()) yield new Result(Kind.SKIPPED, "a service account is needed");
                yield call(id, id.id(), () -> GovernanceStream.probe(client, id));
            }
        };
    }

    private Result engage(StreamId id) {
        return call(id, "engage", () -> client.engage(new EngageQuery(Optional.empty(), List.of(), Optional.empty(), 0,
                OptionalInt.of(1), OptionalLong.empty())));
    }

    /** The result of {@code call}, made once per run under {@code key}; classified as a sync of {@code id} would. */
    private Result call(StreamId id, String key, Runnable call) {
        Result known = calls.get(key);
        if (known != null) return known;
        Result r;
        try {
            call.run();
            r = Result.OK;
        } catch (PaymentRequiredException e) {
            r = new Result(Kind.SKIPPED, "plan (402): " + oneLine(e.getMessage()));
        } catch (MixpanelApiException e) {
            if (e.credentialsRefused()) throw e;
            r = SyncRunner.skipReason(id, e)
                    .map(s -> new Result(Kind.SKIPPED, reason(s.outcome()) + ": " + oneLine(e.getMessage())))
                    .orElseGet(() -> new Result(Kind.FAILED, oneLine(e.getMessage())));
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) throw e;
            r = new Result(Kind.FAILED, oneLine(e.getMessage() == null ? e.getClass().getName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        calls.put(key, r);
        return r;
    }

    private static String reason(StreamOutcome outcome) {
        return switch (outcome) {
            case SKIPPED_NOT_FOUND -> "not found (404)";
            case SKIPPED_TIMEOUT -> "timeout (400 Timeout Error)";
            default -> outcome.toString();
        };
    }

    /**
     * Discovery only, as {@code --discover} runs it; a stream discovery leaves out (a 402 on its metadata endpoint) is
     * skipped, as a sync without a catalog would skip it. A failing discovery fails the test (its exception).
     */
    private boolean schemas(List<StreamId> streams, SingerWriter out) {
        Catalog discovered = new Discovery(client, config.selectPropertiesByDefault(), config.export().rawProperties()).discover();
        int ok = 0;
        int skipped = 0;
        for (StreamId id : streams) {
            Optional<CatalogEntry> entry = discovered.entry(id.id());
            if (entry.isEmpty()) {
                skipped++;
                Log.warning("%s: skipped: left out of the catalog by discovery (see the warning above)", id.id());
                continue;
            }
            CatalogEntry e = entry.get();
            boolean incremental = id.replicationMethod(e) == ReplicationMethod.INCREMENTAL;
            out.writeSchema(id.id(), e.schema(), e.keyProperties(), StreamSync.of(id).bookmarkProperties(incremental));
            ok++;
            Log.info("%s: ok (schema with %d properties)", id.id(), e.schema().path("properties").size());
        }
        out.flush();
        Log.info("test: %s discovered (%d ok, %d skipped)", count(streams.size()), ok, skipped);
        return true;
    }

    private static String count(int streams) {
        return streams == 1 ? "1 stream" : streams + " streams";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\n\\s*", " ").trim();
    }
}
