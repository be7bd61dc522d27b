package io.tapmixpanel.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tapmixpanel.config.AuthAndHosts;
import io.tapmixpanel.config.HttpOptions;
import io.tapmixpanel.config.TapConfig;
import io.tapmixpanel.discovery.Discovery;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.CallBudgets;
import io.tapmixpanel.mixpanel.ClientSettings;
import io.tapmixpanel.mixpanel.Credentials;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.mixpanel.ProjectInfo;
import io.tapmixpanel.mixpanel.RetryPolicy;
import io.tapmixpanel.singer.Catalog;
import io.tapmixpanel.singer.SingerWriter;
import io.tapmixpanel.streams.StreamRegistry;
import io.tapmixpanel.streams.TapStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The things the tap does, discovery and sync (and {@code --test}, a check of both), from a validated config to Singer
 * messages on a stream.
 */
public final class Tap {
    /** What {@code --test} checks (README "Command line"): access per stream, or discovery only. */
    public enum TestMode { ALL, SCHEMA }

    /** The day Mixpanel stops accepting project secrets (Mixpanel's authentication docs). */
    static final LocalDate SECRETS_RETIRE = LocalDate.of(2027, 3, 3);

    private final TapConfig config;
    private final RetryPolicy retryPolicy;
    private final Clock clock;

    public Tap(TapConfig config) { this(config, RetryPolicy.defaults()); }

    /** Tests pass short backoffs so that fault-injection runs finish in seconds. */
    public Tap(TapConfig config, RetryPolicy retryPolicy) { this(config, retryPolicy, Clock.systemUTC()); }

    /** Tests also pass the clock that says what today is (docs/state.md "State": never a to_date after today). */
    public Tap(TapConfig config, RetryPolicy retryPolicy, Clock clock) {
        this.config = config;
        this.retryPolicy = retryPolicy;
        this.clock = clock;
    }

    private ClientSettings clientSettings() {
        AuthAndHosts auth = config.authAndHosts();
        HttpOptions http = config.http();
        return new ClientSettings(auth.credentials(), auth.region(), auth.apiBaseUrl(), auth.exportBaseUrl(),
                auth.appBaseUrl(), http.requestTimeout(), http.maxConcurrentRequests(), http.userAgent(), retryPolicy,
                new CallBudgets(http.exportRequestsPerWindow(), http.queryRequestsPerWindow(), http.rateLimitWindow()),
                auth.workspaceId());
    }

    /**
     * One WARNING per run configured with a project secret (docs/migrating.md "Project secrets retire on
     * 2027-03-03"): Mixpanel stops accepting them on that day, and the way out is three config keys.
     */
    private void warnOfSecretRetirement() {
        if (!(config.authAndHosts().credentials() instanceof Credentials.ProjectSecret)) return;
        String governance = StreamRegistry.inSyncOrder().stream().filter(TapStream::needsServiceAccount)
                .map(TapStream::id).collect(Collectors.joining(", "));
        Log.warning("api_secret: Mixpanel retires project secrets on %s; from then on this config is refused. Use a "
                + "service account instead: replace api_secret with service_account_username, service_account_secret "
                + "and project_id (docs/migrating.md \"Project secrets retire on 2027-03-03\"). Until then the features "
                + "that need one stay off: Lexicon property types, annotations v2, the project timezone lookup and the "
                + "governance streams (%s)", SECRETS_RETIRE, governance);
    }

    public void discover(OutputStream out) {
        warnOfSecretRetirement();
        RunMetrics metrics = new RunMetrics();
        try (MixpanelClient client = new MixpanelClient(clientSettings(), metrics)) {
            Catalog catalog = new Discovery(client, config.selectPropertiesByDefault(), config.export().rawProperties(),
                    config.dataGroupIds()).discover();
            try {
                // Pretty-printed: users read and edit this file to select streams and properties.
                out.write(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(catalog.toJson()));
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new SingerWriter(out).failure(e);
            }
        }
    }

    /**
     * The catalog and state are read and checked whole first: a bad one is exit 2 before any request (README
     * "Command line"), even the app API lookup of the project's timezone.
     */
    public void sync(Optional<Path> catalogFile, Optional<Path> stateFile, OutputStream out) {
        SyncInputs inputs = SyncInputs.read(catalogFile, stateFile);
        warnOfSecretRetirement();
        RunMetrics metrics = new RunMetrics();
        try (MixpanelClient client = new MixpanelClient(clientSettings(), metrics)) {
            new SyncRunner(resolveTimezone(client), client, metrics, clock).run(inputs.catalog(), inputs.state(), new SingerWriter(out));
        }
    }

    /**
     * {@code --test} (README "Command line"): the catalog is read and checked as a sync reads it (exit 2 before any
     * request), then {@link AccessCheck} runs. True when every stream in scope is reachable.
     */
    public boolean test(Optional<Path> catalogFile, TestMode mode, OutputStream out) {
        Optional<Catalog> catalog = SyncInputs.read(catalogFile, Optional.empty()).catalog();
        warnOfSecretRetirement();
        RunMetrics metrics = new RunMetrics();
        try (MixpanelClient client = new MixpanelClient(clientSettings(), metrics)) {
            return new AccessCheck(config, client, clock).run(catalog, mode, new SingerWriter(out));
        }
    }

    /**
     * project_timezone as configured, else the project's own from /api/app/me (a service account's: the app API
     * refuses project secrets), else UTC with a warning.
     */
    TapConfig resolveTimezone(MixpanelClient client) {
        if (config.windows().projectTimezone().isPresent()) return config;
        Optional<ProjectInfo> me = Optional.empty();
        if (!client.hasServiceAccount()) {
            Log.warning("project_timezone not set: using UTC (only a service account can read the project's timezone "
                    + "from /api/app/me). Set project_timezone to the project's timezone (Project Settings) or export "
                    + "days will be UTC days");
            return config.withProjectTimezone(ZoneId.of("UTC"));
        }
        try {
            me = client.me();
        } catch (RuntimeException e) {
            Log.debug("/api/app/me failed: %s", e.getMessage());
        }
        if (me.isPresent() && !me.get().timezone().isEmpty()) {
            try {
                ZoneId zone = ZoneId.of(me.get().timezone());
                Log.info("project_timezone not set: using the project's timezone %s from /api/app/me", zone);
                if (me.get().region() != config.authAndHosts().region() && config.authAndHosts().apiBaseUrl().isEmpty()) {
                    Log.warning("the project's data lives in region %s but region is %s: set region to %s",
                            me.get().region(), config.authAndHosts().region(), me.get().region());
                }
                return config.withProjectTimezone(zone);
            } catch (DateTimeException e) {
                Log.warning("/api/app/me gave an unknown timezone '%s'", me.get().timezone());
            }
        }
        Log.warning("project_timezone not set and not readable from /api/app/me: using UTC. Set project_timezone to the "
                + "project's timezone (Project Settings) or export days will be UTC days");
        return config.withProjectTimezone(ZoneId.of("UTC"));
    }
}
