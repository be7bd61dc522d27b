package io.tapmixpanel.mixpanel;

import java.net.URI;

/**
 * Mixpanel's data-residency clusters. A credential belongs to one cluster and gets 401 on the others, so the
 * region picks the host of each API family (raw export, query API, app API).
 */
public enum Region {
    US("https://data.mixpanel.com", "https://mixpanel.com"),
    EU("https://data-eu.mixpanel.com", "https://eu.mixpanel.com"),
    IN("https://data-in.mixpanel.com", "https://in.mixpanel.com");

    private final URI exportRoot;
    private final URI apiRoot;

    Region(String exportRoot, String apiRoot) {
        this.exportRoot = URI.create(exportRoot);
        this.apiRoot = URI.create(apiRoot);
    }

    /** Host root of the raw export API ({@code /api/2.0/export} is appended). */
    public URI exportRoot() { return exportRoot; }

    /** Host root of the query API ({@code /api/2.0/engage}, {@code /api/2.0/funnels}, ...). */
    public URI apiRoot() { return apiRoot; }

    /** Host root of the app API ({@code /api/app/...}); the same host as the query API. */
    public URI appRoot() { return apiRoot; }
}
