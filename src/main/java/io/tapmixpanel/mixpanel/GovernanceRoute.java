package io.tapmixpanel.mixpanel;

import java.util.Map;
import java.util.Optional;

/**
 * The App API's data-governance listings (docs/streams.md "Governance streams"): read-only, answered whole (no paging,
 * no modified-since filter), under the scope the client picks ({@link MixpanelClient#governanceScope()}).
 * The schema registry is not here: it has its own documented, project-scoped route and rate limit
 * ({@link MixpanelClient#schemaRegistry()}).
 */
public enum GovernanceRoute {
    LEXICON_EVENTS("data-definitions/events/", Map.of(), Shape.LIST, "data_definitions/events"),
    /** {@code resourceType} must be capitalised: Mixpanel answers 400 to {@code event}. */
    LEXICON_EVENT_PROPERTIES("data-definitions/properties/", Map.of("resourceType", "Event"), Shape.LIST, "data_definitions/properties"),
    LEXICON_USER_PROPERTIES("data-definitions/properties/", Map.of("resourceType", "User"), Shape.LIST, "data_definitions/properties"),
    LEXICON_TAGS("data-definitions/tags/", Map.of(), Shape.LIST),
    DROP_FILTERS("data-definitions/events/drop-filters/", Map.of(), Shape.LIST),
    CUSTOM_PROPERTIES("custom_properties/", Map.of(), Shape.LIST),
    CUSTOM_EVENTS("data-definitions/events/", Map.of("custom_event", "true"), Shape.LIST),
    LOOKUP_TABLES("data-definitions/lookup-tables/", Map.of(), Shape.LIST),
    /**
     * One object; a 404 naming the enforcement when the project has none configured (its stream tells that from a
     * missing route).
     */
    SCHEMA_ENFORCEMENT("data-definitions/schema/", Map.of(), Shape.ONE),
    /** {@code results.anomalies}. */
    DATA_VOLUME_ANOMALIES("data-definitions/data-volume-anomalies/", Map.of(), Shape.ANOMALIES),
    DELETION_REQUESTS("data-definitions/events/deletion-requests/", Map.of(), Shape.LIST);

    /** Where the items are in {@code results}. */
    enum Shape { LIST, ONE, ANOMALIES }

    final String path;
    final Map<String, String> query;
    final Shape shape;
    /**
     * The Lexicon's twin under the query API ({@code /api/query/...}, same query, same definitions), read when the
     * App route times out or fails with 5xx (docs/streams.md "Governance streams").
     */
    final Optional<String> queryApiPath;

    GovernanceRoute(String path, Map<String, String> query, Shape shape) {
        this(path, query, shape, null);
    }

    GovernanceRoute(String path, Map<String, String> query, Shape shape, String queryApiPath) {
        this.path = path;
        this.query = query;
        this.shape = shape;
        this.queryApiPath = Optional.ofNullable(queryApiPath);
    }
}
