package io.tapmixpanel.sync;

import io.tapmixpanel.config.TapConfig;
import io.tapmixpanel.discovery.Discovery;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.Credentials;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.mixpanel.ProjectInfo;
import io.tapmixpanel.singer.Catalog;
import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.singer.ReplicationMethod;
import io.tapmixpanel.singer.SingerWriter;
import io.tapmixpanel.streams.Probe;
import io.tapmixpanel.streams.Skip;
import io.tapmixpanel.streams.StreamRegistry;
import io.tapmixpanel.streams.TapStream;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --test} and {@code --test=schema} (README "Command line"): whether a sync of these streams could run, at the
 * cost of a few calls instead of a sync. One line per stream on stderr ({@code export: ok}, {@code revenue: skipped:
 * ...}, {@code engage: failed: ...}), then one summary line. A stream a sync would skip with a warning (docs/reliability.md "When a
 * stream fails": a 402, an undocumented endpoint's 404, revenue's Timeout Error) is reachable, said as skipped; any
 * other failure is not. Refused credentials end the check at once, as they end a sync.
 *
 * <p>Each stream costs its cheapest real calls, its {@link Probe}, through the same client, budgets and retries as
 * a sync: export one event of one day ({@code limit=1}), engage page 0 with distinct ids only (no {@code page_size}:
 * no request parameter in Mixpanel's spec; README "Command line"), the
 * funnel and cohort lists, revenue and annotations of one day. cohort_members needs what cohorts and engage need,
 * and asks each only once per run. A service account also costs one {@code /api/app/me}, which names the project and its region
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
        List<TapStream> streams = new ArrayList<>();
        for (TapStream stream : StreamRegistry.inSyncOrder()) {
            if (catalog.isEmpty() ? stream.inScopeWithoutCatalog(config)
                    : catalog.get().selected().stream().anyMatch(e -> e.tapStreamId().equals(stream.id()))) {
                streams.add(stream);
            }
        }
        if (streams.isEmpty()) {
            Log.warning("test: no stream is selected in the catalog: nothing to test (set \"selected\": true in a stream's [] metadata)");
            return true;
        }
        return mode == Tap.TestMode.SCHEMA ? schemas(streams, out) : access(streams);
    }

    private boolean access(List<TapStream> streams) {
        projectInfo();
        int ok = 0;
        int skipped = 0;
        List<String> failed = new ArrayList<>();
        for (TapStream id : streams) {
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

    private Result check(TapStream stream) {
        if (stream.needsServiceAccount() && !client.hasServiceAccount()) return new Result(Kind.SKIPPED, "a service account is needed");
        // Yesterday in UTC is no later than today in any timezone: never a to_date Mixpanel refuses.
        LocalDate day = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1);
        Probe probe = stream.probe(new Probe.Context(config, client, day));
        if (probe.unavailable().isPresent()) return new Result(Kind.SKIPPED, probe.unavailable().get());
        Result r = Result.OK;
        for (Probe.Call c : probe.calls()) {
            r = call(stream, c.key(), c.call());
            if (r.kind() != Kind.OK) return r;
        }
        return r;
    }

    /** The result of {@code call}, made once per run under {@code key}; classified as a sync of {@code stream} would. */
    private Result call(TapStream stream, String key, Runnable call) {
        Result known = calls.get(key);
        if (known != null) return known;
        Result r;
        try {
            call.run();
            r = Result.OK;
        } catch (MixpanelApiException e) {
            Optional<Skip> skip = stream.skip(e);
            if (skip.isEmpty() && e.credentialsRefused()) throw e;
            r = skip.map(s -> new Result(Kind.SKIPPED, (s.kind() == Skip.Kind.PAYMENT_REQUIRED ? "plan (402)"
                            : reason(SyncRunner.outcome(s.kind()))) + ": " + oneLine(e.getMessage())))
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
    private boolean schemas(List<TapStream> streams, SingerWriter out) {
        Catalog discovered = new Discovery(client, config.selectPropertiesByDefault(), config.export().rawProperties()).discover();
        int ok = 0;
        int skipped = 0;
        for (TapStream id : streams) {
            Optional<CatalogEntry> entry = discovered.entry(id.id());
            if (entry.isEmpty()) {
                skipped++;
                Log.warning("%s: skipped: left out of the catalog by discovery (see the warning above)", id.id());
                continue;
            }
            CatalogEntry e = entry.get();
            boolean incremental = id.replicationMethod(e) == ReplicationMethod.INCREMENTAL;
            out.writeSchema(id.id(), e.schema(), e.keyProperties(), id.bookmarkProperties(incremental));
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
