package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.export.ExportConsumer;
import io.tapmixpanel.mixpanel.export.ExportCutShortException;
import io.tapmixpanel.mixpanel.export.ExportFormatException;
import io.tapmixpanel.mixpanel.http.HttpTransport;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mixpanel's HTTP APIs as the streams and discovery need them, one method per endpoint, over the endpoint
 * families that build the requests and read the answers ({@link ExportEndpoint}, {@link EngageEndpoints},
 * {@link QueryEndpoints}, {@link ProjectEndpoints}, {@link GovernanceEndpoints}); one {@link HttpTransport}
 * carries them all (auth, region hosts, limits, retries, error messages that say what to fix). Knows nothing of
 * Singer or of the tap's config files. Thread-safe: one client serves every stream, requests may run in parallel.
 */
public final class MixpanelClient implements AutoCloseable {
    private final ClientSettings settings;
    private final HttpTransport transport;
    private final ExportEndpoint export;
    private final EngageEndpoints engage;
    private final QueryEndpoints query;
    private final ProjectEndpoints project;
    private final GovernanceEndpoints governance;

    public MixpanelClient(ClientSettings settings, HttpListener listener) {
        this.settings = settings;
        this.transport = new HttpTransport(settings, listener);
        ApiCalls calls = new ApiCalls(settings, transport);
        this.export = new ExportEndpoint(calls);
        this.engage = new EngageEndpoints(calls);
        this.query = new QueryEndpoints(calls);
        this.project = new ProjectEndpoints(calls);
        this.governance = new GovernanceEndpoints(calls, project);
    }

    /** True when the credentials know the project id (service account, or project secret with project_id). */
    public boolean hasProjectId() { return settings.credentials().knownProjectId().isPresent(); }

    /** True for a service account, the only credential the governance routes accept (docs/streams.md "Governance streams"). */
    public boolean hasServiceAccount() { return settings.credentials() instanceof Credentials.ServiceAccount; }

    @Override
    public void close() {
        transport.close();
    }

    // ------------------------------------------------------------------------------------------------ export

    /**
     * Streams one export window into {@code consumer}; returns normally only when the whole body was read.
     * A body cut short (terminated early, truncated record, reset, timeout) or malformed is discarded
     * ({@link ExportConsumer#discardAttempt}) and fetched again. When retries run out: a
     * {@link MixpanelApiException} saying the window was cut short N times, or an {@link ExportFormatException}
     * naming the window and the line. A {@link ExportQuery#splittable() splittable} window cut short
     * {@link ExportQuery#CUTS_BEFORE_SPLIT} times (or as often as the retries allow) ends with an
     * {@link ExportCutShortException} instead, for the caller to fetch its halves.
     */
    public void export(ExportQuery q, ExportConsumer consumer) { export.export(q, consumer); }

    /**
     * At most one event of the window ({@code limit=1}), read and thrown away: the cheapest export call that
     * proves the credentials, the export host and the filters (README "Command line", {@code --test}). Returns
     * how many events came (0 or 1).
     */
    public long exportSample(ExportQuery q) { return export.exportSample(q); }

    // ------------------------------------------------------------------------------------------------ engage

    /** One page of profiles: POST form-encoded to {@code /api/2.0/engage} ({@code project_id} in the query). */
    public EngagePage engage(EngageQuery q) { return engage.engage(q); }

    /** Profile property name → reported type ({@code string, number, boolean, datetime, object, list}); "string" when none is reported. */
    public Map<String, String> engageProperties() { return engage.engageProperties(); }

    // ------------------------------------------------------------------------------------------------ query API

    /** Event property names across all events ({@code events/properties/top?limit=2000}). */
    public List<String> topEventProperties() { return query.topEventProperties(); }

    /** Saved funnels ({@code funnels/list}), asked once per client (one run). */
    public List<Funnel> funnels() { return query.funnels(); }

    /** One funnel by day over the inclusive range, in date order, without the {@code $overall} summary. */
    public List<FunnelDay> funnel(long funnelId, LocalDate from, LocalDate to) { return query.funnel(funnelId, from, to); }

    /** Revenue by day ({@code engage/revenue?unit=day}), in date order, without {@code $overall}. */
    public List<RevenueDay> revenue(LocalDate from, LocalDate to) { return query.revenue(from, to); }

    /** Cohorts ({@code cohorts/list}) with every field Mixpanel sent, asked once per client (one run). */
    public List<Cohort> cohorts() { return query.cohorts(); }

    // ------------------------------------------------------------------------------------------------ app API

    /**
     * The configured project as {@code /api/app/me} describes it; empty without a service account (the app API
     * accepts no project secret: no call is made) or when the account does not list it. HTTP errors propagate.
     */
    public Optional<ProjectInfo> me() { return project.me(); }

    /**
     * Annotations of the inclusive date range: from the app API v2 with a service account (it has user and
     * tags), else from the legacy {@code /api/2.0/annotations}. Every field is kept.
     */
    public List<Annotation> annotations(LocalDate from, LocalDate to) { return project.annotations(from, to); }

    /** Lexicon schemas of the project ({@code /api/app/projects/{id}/schemas}); empty without a service account (no call). */
    public List<LexiconSchema> lexiconSchemas() { return governance.lexiconSchemas(); }

    /**
     * The schema registry's entries as Mixpanel sent them ({@code {entityType, name, schemaJson}}), asked once per
     * client; a 402, 403 or 404 is kept and thrown again. Needs a project id.
     */
    public List<ObjectNode> schemaRegistry() { return governance.schemaRegistry(); }

    /**
     * The items of one governance listing (docs/streams.md "Governance streams") as Mixpanel sent them, read under
     * {@link #governanceScope()}; a 403 or 404 propagates for the caller to skip the stream.
     */
    public List<ObjectNode> governance(GovernanceRoute route) { return governance.governance(route); }

    /** The path prefix of the governance routes, decided once per client (docs/streams.md "Governance streams"). */
    public String governanceScope() { return governance.governanceScope(); }
}
