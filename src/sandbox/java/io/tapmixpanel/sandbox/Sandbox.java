package io.tapmixpanel.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A running sandbox: a deterministic fake Mixpanel (raw export, query API on {@code /api/2.0} and
 * {@code /api/query}, app API on {@code /api/app}) on one port of 127.0.0.1, plus {@code GET /sandbox/stats},
 * {@code GET /sandbox/requests} and {@code GET|POST /sandbox/clock}.
 * This class routes each request to its API family ({@link ExportApi}, {@link EngageApi}, {@link ReportsApi},
 * {@link AppApi}, {@link Stats}) after the {@link Faults}, {@link Auth} and {@link Quota} checks, and logs it in
 * the {@link RequestLog}.
 *
 * <pre>
 * try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(500).build())) {
 *     String base = s.baseUrl();   // http://127.0.0.1:PORT, for the api, export and app hosts alike
 * }
 * </pre>
 */
public final class Sandbox implements AutoCloseable {
    private final SandboxOptions opt;
    private final Project project;
    private final HttpServer server;
    private final ExecutorService executor;
    private final long startupMillis;
    private final Stats stats;
    private final SandboxClock clock;
    private final Faults faults;
    private final Auth auth;
    private final Quota quota;
    private final RequestLog requestLog = new RequestLog();
    private final ExportApi export;
    private final AppApi app;
    /** The query API's endpoints, both under {@code /api/2.0/} and {@code /api/query/}. */
    private final Map<String, Request.Endpoint> queryEndpoints;

    private Sandbox(SandboxOptions opt) throws IOException {
        long t0 = System.nanoTime();
        this.opt = opt;
        this.project = new Project(opt);
        this.clock = new SandboxClock(opt.now);
        Governance gov = new Governance(project);
        this.faults = new Faults(opt);
        this.auth = new Auth(opt, gov);
        this.quota = new Quota(opt, opt.organization != null ? opt.organization : new Organization(opt.organizationId));
        this.export = new ExportApi(opt, project, faults, clock);
        this.app = new AppApi(opt, project, gov);
        this.stats = new Stats(project, clock, app);
        EngageApi engage = new EngageApi(opt, project, gov);
        ReportsApi reports = new ReportsApi(opt, project, clock);
        queryEndpoints = Map.ofEntries(
            Map.entry("engage", engage::engage),
            Map.entry("engage/properties", engage::properties),
            Map.entry("engage/revenue", reports::revenue),
            Map.entry("events/properties/top", reports::eventPropertiesTop),
            Map.entry("events/names", reports::eventNames),
            Map.entry("funnels", reports::funnel),
            Map.entry("funnels/list", reports::funnelList),
            Map.entry("annotations", reports::legacyAnnotations),
            Map.entry("cohorts/list", reports::cohortList),
            Map.entry("data_definitions/events", app::lexiconDefinitions),
            Map.entry("data_definitions/properties", app::lexiconDefinitions));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), opt.port), 128);
        executor = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "sandbox-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        startupMillis = (System.nanoTime() - t0) / 1_000_000;
        export.warmGzipCache();
    }

    /** Generates the project and starts listening (port 0 = any free port). */
    public static Sandbox start(SandboxOptions options) throws IOException {
        return new Sandbox(options);
    }

    public int port() { return server.getAddress().getPort(); }

    /** {@code http://127.0.0.1:PORT}: the base URL for the export, query and app API alike. */
    public String baseUrl() { return "http://127.0.0.1:" + port(); }

    public SandboxOptions options() { return opt; }

    /** First and last day of data (days of the sandbox timezone). */
    public LocalDate startDate() { return project.startDate; }

    public LocalDate endDate() { return project.endDate; }

    /** The ground truth, the body of {@code GET /sandbox/stats} (at the clock's current "now"). */
    public String statsJson() { return new String(stats.body(), StandardCharsets.UTF_8); }

    /** The sandbox's "now": the simulated instant, or the real clock's (docs/sandbox.md "Time"). */
    public Instant now() { return clock.now(); }

    /** Whether the clock is simulated ({@code --now} or a move), i.e. export hides events not processed yet. */
    public boolean clockSimulated() { return clock.simulated(); }

    /** Moves the simulated clock to {@code now} (either direction), as {@code POST /sandbox/clock} does. */
    public void setNow(Instant now) { clock.set(now); }

    public long startupMillis() { return startupMillis; }

    String summary() {
        long late = 0;
        for (Project.Day d : project.dayData) late += d.lateCount;
        return String.format(Locale.ROOT, "%d events (%.1f MB raw) over %d days %s..%s (%s%s), %d profiles, "
                + "%d funnels, %d cohorts, project %d%s, generated in %d ms; %s", project.totalEvents, project.totalRawBytes / 1e6,
            project.days, project.startDate, project.endDate, opt.timezone,
            opt.legacyLocalTime ? ", legacy local time" : "", project.profiles.size(), project.funnels.size(),
            project.cohorts.size(), opt.projectId, opt.noGovernance ? " (plan without data governance)" : "", startupMillis,
            (opt.now != null ? "simulated clock at " + opt.now : "real clock")
                + (late > 0 ? ", " + late + " late events (up to " + opt.lateMaxDays + " days)" : ""));
    }

    /**
     * Waits until the background compression of the export cache (started by {@link #start}) is done, e.g.
     * before a gzip benchmark; returns how long it took in ms. Gzip requests never need this: a day not yet
     * compressed is compressed on demand.
     */
    public long awaitGzipCache() throws InterruptedException { return export.awaitGzipCache(); }

    /** Compressed size of the export cache (compresses what is not yet compressed). */
    long gzipCacheBytes() { return export.gzipCacheBytes(); }

    @Override
    public void close() {
        export.close();
        server.stop(0);
        executor.shutdownNow();
        try { executor.awaitTermination(2, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }

    // ---- request plumbing -------------------------------------------------------------------------------

    private void handle(HttpExchange ex) {
        Request q = new Request(ex);
        String path = ex.getRequestURI().getPath();
        boolean logged = !path.startsWith("/sandbox/");
        try {
            faults.delay();
            SLog.debug(ex.getRequestMethod() + " " + path);
            if (path.equals("/sandbox/stats")) {
                stats.serve(q);
                return;
            }
            if (path.equals("/sandbox/clock")) {
                clock.serve(q);
                return;
            }
            if (path.equals("/sandbox/requests")) {
                requestLog.serve(q);
                return;
            }
            if (!route(q, path)) {
                q.family = path.startsWith("/api/app/") ? Request.Family.APP : Request.Family.QUERY;
                throw new ApiError(404, "not found: " + path);
            }
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("POST")) throw new ApiError(405, "method not allowed: " + method);
            q.parseParams();
            faults.onApiRequest(q);
            String routed = trimSlash(path);
            if (opt.missingEndpoints.contains(routed)) throw new ApiError(404, "not found: " + path);
            if (opt.failEndpoints.contains(routed)) throw new ApiError(500, "Internal server error (sandbox --fail-endpoint)");
            auth.check(q);
            if (opt.noGovernance && q.family == Request.Family.APP && GovernanceApi.isGovernance(q.endpoint))
                throw new ApiError(403, "Your plan does not include this feature: upgrade to use data governance");
            quota.charge(q);
            switch (q.family) {
                case EXPORT: export.serve(q); break;
                case QUERY:
                    // Mixpanel's EU servers answer revenue this way (docs/sandbox.md "Flags")
                    if (opt.revenueTimeout && q.endpoint.equals("engage/revenue")) throw new ApiError(400, "Timeout Error");
                    queryEndpoints.get(q.endpoint).serve(q);
                    break;
                default: app.serve(q); break;
            }
        } catch (ApiError e) {
            try { Responses.error(q, e.code, e.getMessage()); } catch (IOException io) { SLog.debug("send failed: " + io); }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            SLog.debug("connection error: " + e);
        } catch (RuntimeException e) {
            SLog.warn("internal error on " + q.requestField + ": " + e);
            try { Responses.error(q, 500, "sandbox internal error: " + e); } catch (IOException io) { SLog.debug("send failed: " + io); }
        } finally {
            if (logged) requestLog.add(ex.getRequestMethod(), path, q.paramsForLog(), ex.getResponseCode());
            ex.close();
        }
    }

    /** Sets the request's family and endpoint; false for a path no family serves. */
    private boolean route(Request q, String path) {
        if (path.equals("/api/2.0/export")) { q.family = Request.Family.EXPORT; q.endpoint = "export"; return true; }
        for (String prefix : new String[] {"/api/2.0/", "/api/query/"}) {
            if (path.startsWith(prefix)) {
                String ep = trimSlash(path.substring(prefix.length()));
                if (!queryEndpoints.containsKey(ep)) return false;
                q.family = Request.Family.QUERY;
                q.endpoint = ep;
                return true;
            }
        }
        if (path.startsWith("/api/app/")) {
            q.family = Request.Family.APP;
            String raw = path.substring("/api/app/".length());
            q.endpoint = trimSlash(raw);
            return q.endpoint.equals("me") || GovernanceApi.route(raw) != null
                || q.endpoint.matches("projects/[^/]+/(annotations|workspaces/public|schemas(/(event|profile|custom_event)(/.+)?)?)");
        }
        return false;
    }

    private static String trimSlash(String s) { return s.endsWith("/") ? s.substring(0, s.length() - 1) : s; }
}
