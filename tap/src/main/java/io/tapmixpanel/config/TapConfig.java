package io.tapmixpanel.config;

import io.tapmixpanel.mixpanel.Credentials;
import io.tapmixpanel.mixpanel.Region;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * The validated, typed config of one run (README "Configuration"). Built only by {@link ConfigLoader}, so every value here
 * has already been checked; {@code source} names the file(s) it came from, for messages.
 */
public record TapConfig(
        String source,
        Credentials credentials,
        Region region,
        DateBound startDate,
        Optional<DateBound> endDate,
        Optional<ZoneId> projectTimezone,
        int attributionWindow,
        int dateWindowSize,
        boolean selectPropertiesByDefault,
        List<String> exportEvents,
        Optional<String> exportWhere,
        boolean exportTimeInProjectTimezone,
        boolean exportGzip,
        Duration requestTimeout,
        int maxConcurrentRequests,
        String userAgent,
        Optional<URI> apiBaseUrl,
        Optional<URI> exportBaseUrl,
        Optional<URI> appBaseUrl) {

    /**
     * Chosen by measurement (bench/export.sh with --delay-ms): see README "Performance". Mixpanel allows 5
     * concurrent query requests and 100 concurrent exports per project, so this stays well inside both.
     */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 4;

    public TapConfig {
        exportEvents = List.copyOf(exportEvents);
    }

    /** A copy with the project timezone resolved (from /api/app/me or the UTC fallback). */
    public TapConfig withProjectTimezone(ZoneId zone) {
        return new TapConfig(source, credentials, region, startDate, endDate, Optional.of(zone), attributionWindow,
                dateWindowSize, selectPropertiesByDefault, exportEvents, exportWhere, exportTimeInProjectTimezone,
                exportGzip, requestTimeout, maxConcurrentRequests, userAgent, apiBaseUrl, exportBaseUrl, appBaseUrl);
    }
}
