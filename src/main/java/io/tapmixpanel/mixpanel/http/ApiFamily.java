package io.tapmixpanel.mixpanel.http;

import java.time.Duration;

/**
 * The groups of endpoints Mixpanel rate-limits separately, with their documented per-project limits
 * (concurrency, and starts per interval where one is documented). The hourly budgets of export and the query
 * API are configurable and kept by {@code CallBudget} (docs/rate-limits.md "Rate limits").
 */
public enum ApiFamily {
    /** Raw export: 100 concurrent, 3 per second. */
    EXPORT(100, 3, Duration.ofSeconds(1)),
    /** Query API (engage, funnels, cohorts, events/*, annotations): 5 concurrent. */
    QUERY(5, 0, Duration.ZERO),
    /** App API (me, annotations v2): no documented limit; kept as polite as the query API. */
    APP(5, 0, Duration.ZERO),
    /** Lexicon schema registry: 5 per minute. */
    LEXICON(5, 5, Duration.ofMinutes(1));

    final int maxConcurrent;
    final int startsPerInterval;
    final Duration interval;

    ApiFamily(int maxConcurrent, int startsPerInterval, Duration interval) {
        this.maxConcurrent = maxConcurrent;
        this.startsPerInterval = startsPerInterval;
        this.interval = interval;
    }
}
