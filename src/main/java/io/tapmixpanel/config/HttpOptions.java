package io.tapmixpanel.config;

import java.time.Duration;

/**
 * How the tap's HTTP requests behave (docs/reliability.md "Reliability", docs/performance.md "Performance", docs/rate-limits.md "Rate limits"): timeout, parallelism,
 * User-Agent, and the hourly call budgets of export and the query API over their rolling window.
 */
public record HttpOptions(Duration requestTimeout, int maxConcurrentRequests, String userAgent,
                          int exportRequestsPerWindow, int queryRequestsPerWindow, Duration rateLimitWindow) {

    /**
     * Chosen by measurement (bench/export.sh with --delay-ms): see docs/performance.md "Performance". Mixpanel allows 5
     * concurrent query requests and 100 concurrent exports per project, so this stays well inside both.
     */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 4;

    static HttpOptions read(RawConfig c) {
        return new HttpOptions(Duration.ofSeconds(c.integer(Setting.REQUEST_TIMEOUT, 1, 86_400)),
                c.integer(Setting.MAX_CONCURRENT_REQUESTS, 1, 100),
                c.string(Setting.USER_AGENT).orElse("tap-mixpanel/" + TapVersion.get()),
                c.integer(Setting.EXPORT_REQUESTS_PER_HOUR, 1, 1_000_000),
                c.integer(Setting.QUERY_REQUESTS_PER_HOUR, 1, 1_000_000),
                Duration.ofSeconds(c.integer(Setting.RATE_LIMIT_WINDOW_SECONDS, 1, 86_400)));
    }
}
