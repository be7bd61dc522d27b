package io.tapmixpanel.mixpanel;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything the client needs to know, as a value: the tap's config package builds it, the client knows
 * nothing of config files. Base URL overrides are host roots such as {@code http://127.0.0.1:8765} (a path
 * prefix such as {@code https://proxy/mixpanel} is kept); the API paths ({@code /api/2.0/...},
 * {@code /api/app/...}) are appended. {@code workspaceId} is the Data Views workspace that service-account
 * query calls name (docs/rate-limits.md "Rate limits" for the budgets, README "Configuration" for workspace_id).
 */
public record ClientSettings(Credentials credentials, Region region,
                             Optional<URI> apiBaseUrl, Optional<URI> exportBaseUrl, Optional<URI> appBaseUrl,
                             Duration requestTimeout, int maxConcurrentRequests, String userAgent,
                             RetryPolicy retryPolicy, CallBudgets budgets, OptionalLong workspaceId) {

    public ClientSettings {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(apiBaseUrl, "apiBaseUrl");
        Objects.requireNonNull(exportBaseUrl, "exportBaseUrl");
        Objects.requireNonNull(appBaseUrl, "appBaseUrl");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(budgets, "budgets");
        Objects.requireNonNull(workspaceId, "workspaceId");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("maxConcurrentRequests must be >= 1: " + maxConcurrentRequests);
        }
    }

    /** Mixpanel's documented hourly budgets ({@link CallBudgets#defaults()}) and no workspace. */
    public ClientSettings(Credentials credentials, Region region,
                          Optional<URI> apiBaseUrl, Optional<URI> exportBaseUrl, Optional<URI> appBaseUrl,
                          Duration requestTimeout, int maxConcurrentRequests, String userAgent, RetryPolicy retryPolicy) {
        this(credentials, region, apiBaseUrl, exportBaseUrl, appBaseUrl, requestTimeout, maxConcurrentRequests,
                userAgent, retryPolicy, CallBudgets.defaults(), OptionalLong.empty());
    }

    /** Region hosts, 300 s timeout, 10 concurrent requests, default retries and budgets. */
    public static ClientSettings of(Credentials credentials, Region region, String userAgent) {
        return new ClientSettings(credentials, region, Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(300), 10, userAgent, RetryPolicy.defaults());
    }

    /** A copy with other hourly budgets. */
    public ClientSettings withBudgets(CallBudgets other) {
        return new ClientSettings(credentials, region, apiBaseUrl, exportBaseUrl, appBaseUrl, requestTimeout,
                maxConcurrentRequests, userAgent, retryPolicy, other, workspaceId);
    }

    /** A copy naming the Data Views workspace {@code id} in service-account query calls. */
    public ClientSettings withWorkspaceId(long id) {
        return new ClientSettings(credentials, region, apiBaseUrl, exportBaseUrl, appBaseUrl, requestTimeout,
                maxConcurrentRequests, userAgent, retryPolicy, budgets, OptionalLong.of(id));
    }

    /** Host root for the raw export API: the override, else the region's {@code data*.mixpanel.com}. */
    public URI exportRoot() { return exportBaseUrl.orElse(region.exportRoot()); }

    /** Host root for the query API ({@code /api/2.0/...}): the override, else the region's host. */
    public URI apiRoot() { return apiBaseUrl.orElse(region.apiRoot()); }

    /**
     * Host root for the app API ({@code /api/app/...}): its override, else the query API override (Mixpanel
     * serves both from one host, and so does a sandbox or proxy), else the region's host.
     */
    public URI appRoot() { return appBaseUrl.or(() -> apiBaseUrl).orElse(region.appRoot()); }
}
