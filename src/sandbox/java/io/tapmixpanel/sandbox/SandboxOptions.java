package io.tapmixpanel.sandbox;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every setting of the sandbox, one per command-line flag. Immutable; build with {@link #builder()} or
 * parse a command line with {@link #parse(String...)}.
 */
public final class SandboxOptions {
    public static final int DEFAULT_PORT = 8765;
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_EVENTS = 10_000;
    public static final int DEFAULT_DAYS = 30;
    public static final int DEFAULT_PROFILES = 500;
    public static final int DEFAULT_FUNNELS = 3;
    public static final int DEFAULT_COHORTS = 4;
    public static final String DEFAULT_API_SECRET = "sandbox-api-secret";
    public static final String DEFAULT_SERVICE_ACCOUNT_USER = "sandbox-user";
    public static final String DEFAULT_SERVICE_ACCOUNT_SECRET = "sandbox-password";
    public static final long DEFAULT_PROJECT_ID = 1234;
    public static final String DEFAULT_TIMEZONE = "UTC";
    public static final int DEFAULT_RETRY_AFTER = 1;
    public static final int DEFAULT_QUOTA_WINDOW_S = 3600;
    public static final int DEFAULT_LATE_MAX_DAYS = 4;
    /** Late events are at most this many days late (their delay is kept in an int of ms). */
    public static final int MAX_LATE_MAX_DAYS = 20;
    public static final int DEFAULT_GROUP_PROFILES = 40;
    /** Mixpanel's documented limit of the Lexicon schema registry. */
    public static final int DEFAULT_SCHEMA_LIMIT_PER_MINUTE = 5;
    public static final long DEFAULT_ORGANIZATION_ID = 100;

    public static final String USAGE = String.join("\n",
        "usage: mixpanel-sandbox [--port N] [--seed N] [--events N] [--days N] [--end-date yyyy-mm-dd]",
        "                        [--profiles N] [--funnels N] [--cohorts N]",
        "                        [--api-secret S] [--service-account USER:SECRET] [--project-id N]",
        "                        [--timezone ZONE] [--legacy-local-time]",
        "                        [--fault-429-every N] [--retry-after SECONDS] [--fault-500-every N]",
        "                        [--fault-terminated-early-every N] [--fault-reset-every N] [--delay-ms N]",
        "                        [--hourly-limit-export N] [--hourly-limit-query N] [--quota-window-s S]",
        "                        [--no-retry-after] [--missing-endpoint PATH]... [--fail-endpoint PATH]...",
        "                        [--revenue-timeout] [--terminate-windows-longer-than DAYS]",
        "                        [--now INSTANT] [--late-fraction F] [--late-max-days D]",
        "                        [--no-governance] [--no-schema-enforcement] [--schema-limit-per-minute N]",
        "                        [--organization-id N]",
        "                        [--data-group-id ID]... [--group-profiles N]",
        "                        [--engage-first-page-without-total N]",
        "                        [--strict-properties-top] [--lexicon-app-timeout-ms N]",
        "",
        "A deterministic fake Mixpanel API (export, query and app APIs on one port, 127.0.0.1 only).",
        "  --port N                          port, 0 = any free port (default 8765)",
        "  --seed N                          seed of the generated project (default 42)",
        "  --events N                        number of export events (default 10000)",
        "  --days N                          days of data (default 30)",
        "  --end-date yyyy-mm-dd             last day of data (default: today in --timezone)",
        "  --profiles N                      user profiles (default 500)",
        "  --funnels N                       funnels (default 3)",
        "  --cohorts N                       cohorts (default 4)",
        "  --api-secret S                    accepted project API secret (default sandbox-api-secret)",
        "  --service-account USER:SECRET     accepted service account (default sandbox-user:sandbox-password)",
        "  --project-id N                    project id (default 1234)",
        "  --timezone ZONE                   project timezone, days are days of this zone (default UTC)",
        "  --legacy-local-time               export 'time' as local wall-clock seconds (pre-2023 project)",
        "  --fault-429-every N               every Nth API request gets 429 with Retry-After (0 = off)",
        "  --retry-after SECONDS             Retry-After value of the 429 fault (default 1)",
        "  --fault-500-every N               every Nth API request gets 500 (0 = off)",
        "  --fault-terminated-early-every N  every Nth non-empty export ends with 'terminated early' (0 = off)",
        "  --fault-reset-every N             every Nth non-empty export is cut half-way (0 = off)",
        "  --delay-ms N                      wait N ms before answering each request (default 0)",
        "  --hourly-limit-export N           export calls allowed per quota window, then 429 (0 = no limit)",
        "  --hourly-limit-query N            query API calls allowed per quota window, then 429 (0 = no limit)",
        "  --quota-window-s S                length of the rolling quota window in seconds (default 3600)",
        "  --no-retry-after                  429s carry no Retry-After header",
        "  --missing-endpoint PATH           404 for this path, e.g. /api/2.0/engage/revenue (repeatable)",
        "  --fail-endpoint PATH              500 for every request to this path (repeatable)",
        "  --revenue-timeout                 engage/revenue answers 400 'Timeout Error' (as EU servers do)",
        "  --terminate-windows-longer-than DAYS  exports spanning more than DAYS days end 'terminated early'",
        "  --engage-first-page-without-total N  engage's page 0 holds at most N profiles and no total (later",
        "                                    pages follow on), as Mixpanel's page 0 sometimes comes",
        "  --now INSTANT                     simulated now, e.g. 2026-11-30T12:00:00Z: export serves only events",
        "                                    processed by then; POST /sandbox/clock?now=... moves it (default: real clock)",
        "  --late-fraction F                 share of events processed hours to days after their time (default 0)",
        "  --late-max-days D                 the latest of those is D days late, 1.." + MAX_LATE_MAX_DAYS + " (default 4)",
        "  --no-governance                   a plan without data governance: 403 on the Lexicon, schema registry,",
        "                                    drop filter, custom property, lookup table, enforcement, anomaly and",
        "                                    deletion request routes",
        "  --no-schema-enforcement           no schema enforcement configured: data-definitions/schema/ is 404",
        "  --schema-limit-per-minute N       schema registry calls per rolling minute, then 429 (default 5, 0 = no limit)",
        "  --organization-id N               the project's organization, whose budget the schema limit is (default 100)",
        "  --data-group-id ID                a group key's id (signed 64-bit): engage with data_group_id=ID serves",
        "                                    its group profiles (repeatable)",
        "  --group-profiles N                group profiles per group key (default 40)",
        "  --strict-properties-top           events/properties/top without 'event' answers 400, as its spec requires",
        "  --lexicon-app-timeout-ms N        the App API's Lexicon reads (data-definitions events and properties) take",
        "                                    N ms, then answer 504, as Mixpanel's gateway kills them on large projects;",
        "                                    the query API's data_definitions routes still answer (0 = off, default)",
        "  --help                            show this help",
        "Ground truth: GET /sandbox/stats (no auth).");

    public final int port;
    public final long seed;
    public final int events;
    public final int days;
    /** null = today in {@link #timezone} at start. */
    public final LocalDate endDate;
    public final int profiles;
    public final int funnels;
    public final int cohorts;
    public final String apiSecret;
    public final String serviceAccountUser;
    public final String serviceAccountSecret;
    public final long projectId;
    public final ZoneId timezone;
    public final boolean legacyLocalTime;
    public final int fault429Every;
    public final int retryAfter;
    public final int fault500Every;
    public final int faultTerminatedEarlyEvery;
    public final int faultResetEvery;
    public final int delayMs;
    /** 0 = no limit. */
    public final int hourlyLimitExport;
    /** 0 = no limit. */
    public final int hourlyLimitQuery;
    public final int quotaWindowS;
    public final boolean noRetryAfter;
    public final List<String> missingEndpoints;
    public final List<String> failEndpoints;
    public final boolean revenueTimeout;
    /** 0 = off. */
    public final int terminateWindowsLongerThan;
    /** 0 = off: page 0 carries the total and is a whole page. */
    public final int engageFirstPageWithoutTotal;
    /** The simulated clock at start; null = the real clock. */
    public final Instant now;
    /** Share of late events, in [0, 1]. */
    public final double lateFraction;
    public final int lateMaxDays;
    public final boolean noGovernance;
    public final boolean noSchemaEnforcement;
    /** 0 = no limit. */
    public final int schemaLimitPerMinute;
    /** The id of the organization the project belongs to. */
    public final long organizationId;
    /** The organization shared with other sandboxes; null = an organization of this sandbox's own. */
    public final Organization organization;
    /** The group keys' ids, in the order given, without repeats. */
    public final List<Long> dataGroupIds;
    public final int groupProfiles;
    public final boolean strictPropertiesTop;
    /** 0 = off. */
    public final int lexiconAppTimeoutMs;

    private SandboxOptions(Builder b) {
        port = b.port; seed = b.seed; events = b.events; days = b.days; endDate = b.endDate;
        profiles = b.profiles; funnels = b.funnels; cohorts = b.cohorts; apiSecret = b.apiSecret;
        serviceAccountUser = b.serviceAccountUser; serviceAccountSecret = b.serviceAccountSecret;
        projectId = b.projectId; timezone = b.timezone; legacyLocalTime = b.legacyLocalTime;
        fault429Every = b.fault429Every; retryAfter = b.retryAfter; fault500Every = b.fault500Every;
        faultTerminatedEarlyEvery = b.faultTerminatedEarlyEvery; faultResetEvery = b.faultResetEvery;
        delayMs = b.delayMs;
        hourlyLimitExport = b.hourlyLimitExport; hourlyLimitQuery = b.hourlyLimitQuery; quotaWindowS = b.quotaWindowS;
        noRetryAfter = b.noRetryAfter; missingEndpoints = List.copyOf(b.missingEndpoints);
        failEndpoints = List.copyOf(b.failEndpoints); revenueTimeout = b.revenueTimeout;
        terminateWindowsLongerThan = b.terminateWindowsLongerThan;
        engageFirstPageWithoutTotal = b.engageFirstPageWithoutTotal;
        now = b.now; lateFraction = b.lateFraction; lateMaxDays = b.lateMaxDays;
        noGovernance = b.noGovernance; noSchemaEnforcement = b.noSchemaEnforcement;
        schemaLimitPerMinute = b.schemaLimitPerMinute; dataGroupIds = List.copyOf(b.dataGroupIds);
        groupProfiles = b.groupProfiles; organizationId = b.organizationId; organization = b.organization;
        strictPropertiesTop = b.strictPropertiesTop;
        lexiconAppTimeoutMs = b.lexiconAppTimeoutMs;
    }

    public static Builder builder() { return new Builder(); }

    public static SandboxOptions defaults() { return builder().build(); }

    /** The end date actually used: {@link #endDate}, or today in the sandbox timezone (at {@link #now} if set). */
    public LocalDate effectiveEndDate() {
        if (endDate != null) return endDate;
        return now != null ? LocalDate.ofInstant(now, timezone) : LocalDate.now(timezone);
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.port = port; b.seed = seed; b.events = events; b.days = days; b.endDate = endDate;
        b.profiles = profiles; b.funnels = funnels; b.cohorts = cohorts; b.apiSecret = apiSecret;
        b.serviceAccountUser = serviceAccountUser; b.serviceAccountSecret = serviceAccountSecret;
        b.projectId = projectId; b.timezone = timezone; b.legacyLocalTime = legacyLocalTime;
        b.fault429Every = fault429Every; b.retryAfter = retryAfter; b.fault500Every = fault500Every;
        b.faultTerminatedEarlyEvery = faultTerminatedEarlyEvery; b.faultResetEvery = faultResetEvery;
        b.delayMs = delayMs;
        b.hourlyLimitExport = hourlyLimitExport; b.hourlyLimitQuery = hourlyLimitQuery; b.quotaWindowS = quotaWindowS;
        b.noRetryAfter = noRetryAfter; b.missingEndpoints.addAll(missingEndpoints); b.failEndpoints.addAll(failEndpoints);
        b.revenueTimeout = revenueTimeout; b.terminateWindowsLongerThan = terminateWindowsLongerThan;
        b.engageFirstPageWithoutTotal = engageFirstPageWithoutTotal;
        b.now = now; b.lateFraction = lateFraction; b.lateMaxDays = lateMaxDays;
        b.noGovernance = noGovernance; b.noSchemaEnforcement = noSchemaEnforcement;
        b.schemaLimitPerMinute = schemaLimitPerMinute; b.dataGroupIds.addAll(dataGroupIds); b.groupProfiles = groupProfiles;
        b.organizationId = organizationId; b.organization = organization;
        b.strictPropertiesTop = strictPropertiesTop;
        b.lexiconAppTimeoutMs = lexiconAppTimeoutMs;
        return b;
    }

    /** Thrown for a bad command line; the message is one line meant for stderr. */
    public static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        public UsageException(String message) { super(message); }
    }

    /** Thrown by {@link #parse} for {@code --help}. */
    public static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public HelpRequested() { super("help"); }
    }

    /** Parses the command line. Throws {@link UsageException} (one-line message) or {@link HelpRequested}. */
    public static SandboxOptions parse(String... args) {
        Builder b = builder();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String inline = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) { inline = a.substring(eq + 1); a = a.substring(0, eq); }
            switch (a) {
                case "--help": case "-h": throw new HelpRequested();
                case "--legacy-local-time":
                    if (inline != null) throw new UsageException("--legacy-local-time takes no value");
                    b.legacyLocalTime(true); continue;
                case "--no-retry-after":
                    if (inline != null) throw new UsageException("--no-retry-after takes no value");
                    b.noRetryAfter(true); continue;
                case "--revenue-timeout":
                    if (inline != null) throw new UsageException("--revenue-timeout takes no value");
                    b.revenueTimeout(true); continue;
                case "--no-governance":
                    if (inline != null) throw new UsageException("--no-governance takes no value");
                    b.noGovernance(true); continue;
                case "--no-schema-enforcement":
                    if (inline != null) throw new UsageException("--no-schema-enforcement takes no value");
                    b.noSchemaEnforcement(true); continue;
                case "--strict-properties-top":
                    if (inline != null) throw new UsageException("--strict-properties-top takes no value");
                    b.strictPropertiesTop(true); continue;
                default: break;
            }
            String v;
            if (inline != null) v = inline;
            else if (i + 1 < args.length) v = args[++i];
            else throw new UsageException(knownFlag(a) ? a + " needs a value" : "unknown option: " + a);
            switch (a) {
                case "--port": b.port(intArg(a, v, 0, 65535)); break;
                case "--seed": b.seed(longArg(a, v)); break;
                case "--events": b.events(intArg(a, v, 0, Integer.MAX_VALUE)); break;
                case "--days": b.days(intArg(a, v, 1, 36_500)); break;
                case "--end-date":
                    try { b.endDate(LocalDate.parse(v)); }
                    catch (DateTimeParseException e) { throw new UsageException("--end-date: not a yyyy-mm-dd date: " + v); }
                    break;
                case "--profiles": b.profiles(intArg(a, v, 0, 10_000_000)); break;
                case "--funnels": b.funnels(intArg(a, v, 0, 1000)); break;
                case "--cohorts": b.cohorts(intArg(a, v, 0, 1000)); break;
                case "--api-secret":
                    if (v.isEmpty()) throw new UsageException("--api-secret must not be empty");
                    b.apiSecret(v); break;
                case "--service-account": {
                    int c = v.indexOf(':');
                    if (c <= 0 || c == v.length() - 1) throw new UsageException("--service-account must be USER:SECRET");
                    b.serviceAccount(v.substring(0, c), v.substring(c + 1));
                    break;
                }
                case "--project-id": b.projectId(longArg(a, v)); if (Long.parseLong(v) <= 0) throw new UsageException("--project-id must be positive"); break;
                case "--timezone":
                    try { b.timezone(ZoneId.of(v)); }
                    catch (DateTimeException e) { throw new UsageException("--timezone: unknown time zone: " + v); }
                    break;
                case "--fault-429-every": b.fault429Every(intArg(a, v, 0, Integer.MAX_VALUE)); break;
                case "--retry-after": b.retryAfter(intArg(a, v, 0, 86_400)); break;
                case "--fault-500-every": b.fault500Every(intArg(a, v, 0, Integer.MAX_VALUE)); break;
                case "--fault-terminated-early-every": b.faultTerminatedEarlyEvery(intArg(a, v, 0, Integer.MAX_VALUE)); break;
                case "--fault-reset-every": b.faultResetEvery(intArg(a, v, 0, Integer.MAX_VALUE)); break;
                case "--delay-ms": b.delayMs(intArg(a, v, 0, 3_600_000)); break;
                case "--hourly-limit-export": b.hourlyLimitExport(intArg(a, v, 0, Integer.MAX_VALUE)); break;
                case "--hourly-limit-query": b.hourlyLimitQuery(intArg(a, v, 0, Integer.MAX_VALUE)); break;
                case "--quota-window-s": b.quotaWindowS(intArg(a, v, 1, 86_400 * 366)); break;
                case "--missing-endpoint": b.missingEndpoint(pathArg(a, v)); break;
                case "--fail-endpoint": b.failEndpoint(pathArg(a, v)); break;
                case "--terminate-windows-longer-than": b.terminateWindowsLongerThan(intArg(a, v, 1, 36_500)); break;
                case "--engage-first-page-without-total": b.engageFirstPageWithoutTotal(intArg(a, v, 1, 100_000)); break;
                case "--now":
                    try { b.now(SandboxClock.parse(v)); }
                    catch (IllegalArgumentException e) { throw new UsageException("--now: " + e.getMessage()); }
                    break;
                case "--late-fraction": b.lateFraction(fractionArg(a, v)); break;
                case "--late-max-days": b.lateMaxDays(intArg(a, v, 1, MAX_LATE_MAX_DAYS)); break;
                case "--schema-limit-per-minute": b.schemaLimitPerMinute(intArg(a, v, 0, Integer.MAX_VALUE)); break;
                case "--organization-id": b.organizationId(longArg(a, v)); break;
                case "--data-group-id": b.dataGroupId(longArg(a, v)); break;
                case "--group-profiles": b.groupProfiles(intArg(a, v, 0, 1_000_000)); break;
                case "--lexicon-app-timeout-ms": b.lexiconAppTimeoutMs(intArg(a, v, 0, 3_600_000)); break;
                default: throw new UsageException("unknown option: " + a);
            }
        }
        return b.build();
    }

    private static boolean knownFlag(String a) {
        return USAGE.contains(a + " ");
    }

    private static int intArg(String flag, String v, int min, int max) {
        long n;
        try { n = Long.parseLong(v.trim()); }
        catch (NumberFormatException e) { throw new UsageException(flag + ": not an integer: " + v); }
        if (n < min || n > max) throw new UsageException(flag + ": must be between " + min + " and " + max + ": " + v);
        return (int) n;
    }

    private static double fractionArg(String flag, String v) {
        double f;
        try { f = Double.parseDouble(v.trim()); }
        catch (NumberFormatException e) { throw new UsageException(flag + ": not a number: " + v); }
        if (!(f >= 0 && f <= 1)) throw new UsageException(flag + ": must be between 0 and 1: " + v);
        return f;
    }

    private static String pathArg(String flag, String v) {
        if (!v.startsWith("/api/")) throw new UsageException(flag + ": must be a path starting with /api/: " + v);
        return v;
    }

    private static long longArg(String flag, String v) {
        try { return Long.parseLong(v.trim()); }
        catch (NumberFormatException e) { throw new UsageException(flag + ": not an integer: " + v); }
    }

    /** Builder with one method per flag. */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private long seed = DEFAULT_SEED;
        private int events = DEFAULT_EVENTS;
        private int days = DEFAULT_DAYS;
        private LocalDate endDate;
        private int profiles = DEFAULT_PROFILES;
        private int funnels = DEFAULT_FUNNELS;
        private int cohorts = DEFAULT_COHORTS;
        private String apiSecret = DEFAULT_API_SECRET;
        private String serviceAccountUser = DEFAULT_SERVICE_ACCOUNT_USER;
        private String serviceAccountSecret = DEFAULT_SERVICE_ACCOUNT_SECRET;
        private long projectId = DEFAULT_PROJECT_ID;
        private ZoneId timezone = ZoneId.of(DEFAULT_TIMEZONE);
        private boolean legacyLocalTime;
        private int fault429Every;
        private int retryAfter = DEFAULT_RETRY_AFTER;
        private int fault500Every;
        private int faultTerminatedEarlyEvery;
        private int faultResetEvery;
        private int delayMs;
        private int hourlyLimitExport;
        private int hourlyLimitQuery;
        private int quotaWindowS = DEFAULT_QUOTA_WINDOW_S;
        private boolean noRetryAfter;
        private final List<String> missingEndpoints = new ArrayList<>();
        private final List<String> failEndpoints = new ArrayList<>();
        private boolean revenueTimeout;
        private int terminateWindowsLongerThan;
        private int engageFirstPageWithoutTotal;
        private Instant now;
        private double lateFraction;
        private int lateMaxDays = DEFAULT_LATE_MAX_DAYS;
        private boolean noGovernance;
        private boolean noSchemaEnforcement;
        private int schemaLimitPerMinute = DEFAULT_SCHEMA_LIMIT_PER_MINUTE;
        private long organizationId = DEFAULT_ORGANIZATION_ID;
        private Organization organization;
        private final List<Long> dataGroupIds = new ArrayList<>();
        private int groupProfiles = DEFAULT_GROUP_PROFILES;
        private boolean strictPropertiesTop;
        private int lexiconAppTimeoutMs;

        public Builder port(int v) { port = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder events(int v) { events = v; return this; }
        public Builder days(int v) { days = v; return this; }
        public Builder endDate(LocalDate v) { endDate = v; return this; }
        public Builder endDate(String v) { endDate = LocalDate.parse(v); return this; }
        public Builder profiles(int v) { profiles = v; return this; }
        public Builder funnels(int v) { funnels = v; return this; }
        public Builder cohorts(int v) { cohorts = v; return this; }
        public Builder apiSecret(String v) { apiSecret = v; return this; }
        public Builder serviceAccount(String user, String secret) { serviceAccountUser = user; serviceAccountSecret = secret; return this; }
        public Builder projectId(long v) { projectId = v; return this; }
        public Builder timezone(ZoneId v) { timezone = v; return this; }
        public Builder timezone(String v) { timezone = ZoneId.of(v); return this; }
        public Builder legacyLocalTime(boolean v) { legacyLocalTime = v; return this; }
        public Builder fault429Every(int v) { fault429Every = v; return this; }
        public Builder retryAfter(int v) { retryAfter = v; return this; }
        public Builder fault500Every(int v) { fault500Every = v; return this; }
        public Builder faultTerminatedEarlyEvery(int v) { faultTerminatedEarlyEvery = v; return this; }
        public Builder faultResetEvery(int v) { faultResetEvery = v; return this; }
        public Builder delayMs(int v) { delayMs = v; return this; }
        /** Export calls per quota window; 0 = no limit. */
        public Builder hourlyLimitExport(int v) { hourlyLimitExport = v; return this; }
        /** Query API calls per quota window; 0 = no limit. */
        public Builder hourlyLimitQuery(int v) { hourlyLimitQuery = v; return this; }
        public Builder quotaWindowS(int v) { quotaWindowS = v; return this; }
        public Builder noRetryAfter(boolean v) { noRetryAfter = v; return this; }
        /** Adds one path answered 404 (call again for more). */
        public Builder missingEndpoint(String path) { missingEndpoints.add(path); return this; }
        /** Adds one path answered 500 every time (call again for more). */
        public Builder failEndpoint(String path) { failEndpoints.add(path); return this; }
        public Builder revenueTimeout(boolean v) { revenueTimeout = v; return this; }
        /** Exports spanning more than this many days end terminated early; 0 = off. */
        public Builder terminateWindowsLongerThan(int v) { terminateWindowsLongerThan = v; return this; }
        public Builder engageFirstPageWithoutTotal(int v) { engageFirstPageWithoutTotal = v; return this; }
        /** Starts on a simulated clock standing at this instant; null = the real clock. */
        public Builder now(Instant v) { now = v; return this; }
        public Builder now(String v) { now = Instant.parse(v); return this; }
        /** Share of events processed hours to days after their time, in [0, 1]. */
        public Builder lateFraction(double v) { lateFraction = v; return this; }
        /** The latest late event's delay in days, 1..{@link #MAX_LATE_MAX_DAYS}. */
        public Builder lateMaxDays(int v) { lateMaxDays = v; return this; }

        /** A plan without data governance: 403 on those routes (docs/sandbox.md "Data governance"). */
        public Builder noGovernance(boolean v) { noGovernance = v; return this; }
        /** No schema enforcement configured: its route answers 404. */
        public Builder noSchemaEnforcement(boolean v) { noSchemaEnforcement = v; return this; }
        /** Schema registry calls per rolling minute; 0 = no limit. */
        public Builder schemaLimitPerMinute(int v) { schemaLimitPerMinute = v; return this; }
        /** The id of the project's organization, an organization of this sandbox's own. */
        public Builder organizationId(long v) { organizationId = v; organization = null; return this; }
        /** The project belongs to {@code o}, shared with the other sandboxes given it (one schema registry budget). */
        public Builder organization(Organization o) { organization = o; organizationId = o.id(); return this; }
        /** Adds one group key's id (call again for more; a repeat is ignored). */
        public Builder dataGroupId(long id) { if (!dataGroupIds.contains(id)) dataGroupIds.add(id); return this; }
        /** Group profiles per group key. */
        public Builder groupProfiles(int v) { groupProfiles = v; return this; }
        /** events/properties/top without {@code event} answers 400, as Mixpanel's spec requires the parameter. */
        public Builder strictPropertiesTop(boolean v) { strictPropertiesTop = v; return this; }
        /** The App API's Lexicon reads take this many ms, then answer 504 (docs/sandbox.md "Flags"); 0 = off. */
        public Builder lexiconAppTimeoutMs(int v) { lexiconAppTimeoutMs = v; return this; }

        public SandboxOptions build() {
            if (port < 0 || port > 65535) throw new UsageException("port must be between 0 and 65535");
            if (events < 0) throw new UsageException("events must be >= 0");
            if (days < 1) throw new UsageException("days must be >= 1");
            if (profiles < 0 || funnels < 0 || cohorts < 0) throw new UsageException("profiles, funnels and cohorts must be >= 0");
            if (fault429Every < 0 || fault500Every < 0 || faultTerminatedEarlyEvery < 0 || faultResetEvery < 0 || delayMs < 0 || retryAfter < 0)
                throw new UsageException("fault settings must be >= 0");
            if (hourlyLimitExport < 0 || hourlyLimitQuery < 0 || terminateWindowsLongerThan < 0)
                throw new UsageException("hourly limits and terminate-windows-longer-than must be >= 0");
            if (engageFirstPageWithoutTotal < 0) throw new UsageException("engage-first-page-without-total must be >= 0");
            if (quotaWindowS < 1) throw new UsageException("quota window must be >= 1 second");
            if (now != null) {
                try { SandboxClock.check(now); }
                catch (IllegalArgumentException e) { throw new UsageException("now: " + e.getMessage()); }
            }
            if (!(lateFraction >= 0 && lateFraction <= 1)) throw new UsageException("late fraction must be between 0 and 1: " + lateFraction);
            if (lateMaxDays < 1 || lateMaxDays > MAX_LATE_MAX_DAYS)
                throw new UsageException("late max days must be between 1 and " + MAX_LATE_MAX_DAYS + ": " + lateMaxDays);
            if (organizationId <= 0) throw new UsageException("organization id must be positive");
            if (lexiconAppTimeoutMs < 0) throw new UsageException("lexicon app timeout must be >= 0");
            if (schemaLimitPerMinute < 0 || groupProfiles < 0) throw new UsageException("schema limit and group profiles must be >= 0");
            return new SandboxOptions(this);
        }
    }
}
