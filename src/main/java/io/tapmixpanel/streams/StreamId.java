package io.tapmixpanel.streams;

import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.singer.ReplicationMethod;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The streams and what discovery says of each (docs/streams.md "Streams" and docs/discovery.md): key properties, the replication keys a
 * catalog may choose, and the replication method when only one makes sense. Listed in sync order.
 */
public enum StreamId {
    EXPORT("export", List.of(), List.of("time"), Optional.of(ReplicationMethod.INCREMENTAL)),
    ENGAGE("engage", List.of("distinct_id"), List.of("mp_reserved_last_seen"), Optional.empty()),
    FUNNELS("funnels", List.of("funnel_id", "date"), List.of("date"), Optional.of(ReplicationMethod.INCREMENTAL)),
    REVENUE("revenue", List.of("date"), List.of("date"), Optional.of(ReplicationMethod.INCREMENTAL)),
    ANNOTATIONS("annotations", List.of("id"), List.of(), Optional.of(ReplicationMethod.FULL_TABLE)),
    COHORTS("cohorts", List.of("id"), List.of(), Optional.of(ReplicationMethod.FULL_TABLE)),
    COHORT_MEMBERS("cohort_members", List.of("cohort_id", "distinct_id"), List.of(), Optional.of(ReplicationMethod.FULL_TABLE)),
    GROUP_PROFILES("group_profiles", List.of("data_group_id", "distinct_id"), List.of(), Optional.of(ReplicationMethod.FULL_TABLE)),
    LEXICON_EVENTS("lexicon_events", List.of("id")),
    LEXICON_PROPERTIES("lexicon_properties", List.of("resource_type", "name")),
    LEXICON_TAGS("lexicon_tags", List.of("id")),
    SCHEMAS("schemas", List.of("entityType", "name")),
    CUSTOM_PROPERTIES("custom_properties", List.of("customPropertyId")),
    CUSTOM_EVENTS("custom_events", List.of("customEventId")),
    DROP_FILTERS("drop_filters", List.of("id")),
    LOOKUP_TABLES("lookup_tables", List.of("id")),
    SCHEMA_ENFORCEMENT("schema_enforcement", List.of("id")),
    DATA_VOLUME_ANOMALIES("data_volume_anomalies", List.of("anomalyClass", "id")),
    DELETION_REQUESTS("deletion_requests", List.of("id"));

    private final String id;
    private final List<String> keyProperties;
    private final List<String> validReplicationKeys;
    private final Optional<ReplicationMethod> forcedReplicationMethod;
    private final boolean governance;

    /** A governance stream (docs/streams.md "Governance streams"): App API metadata, FULL_TABLE, not selected by default. */
    StreamId(String id, List<String> keyProperties) {
        this(id, keyProperties, List.of(), Optional.of(ReplicationMethod.FULL_TABLE), true);
    }

    StreamId(String id, List<String> keyProperties, List<String> validReplicationKeys, Optional<ReplicationMethod> forced) {
        this(id, keyProperties, validReplicationKeys, forced, false);
    }

    StreamId(String id, List<String> keyProperties, List<String> validReplicationKeys, Optional<ReplicationMethod> forced,
             boolean governance) {
        this.id = id;
        this.keyProperties = keyProperties;
        this.validReplicationKeys = validReplicationKeys;
        this.forcedReplicationMethod = forced;
        this.governance = governance;
    }

    public String id() { return id; }

    public List<String> keyProperties() { return keyProperties; }

    public List<String> validReplicationKeys() { return validReplicationKeys; }

    public Optional<ReplicationMethod> forcedReplicationMethod() { return forcedReplicationMethod; }

    /** Read from the App API's governance routes, with a service account only (docs/streams.md "Governance streams"). */
    public boolean governance() { return governance; }

    /**
     * {@code selected-by-default} in discovery's metadata, and what a run without a catalog syncs: the governance
     * streams only when a catalog selects them (docs/discovery.md "Selecting streams and properties").
     */
    public boolean selectedByDefault() { return !governance; }

    /**
     * How this stream replicates with this catalog entry, the one rule of docs/streams.md "Streams": a stream with only
     * one sensible method always uses it, whatever the catalog says; engage uses the catalog's choice; no choice
     * means FULL_TABLE.
     */
    public ReplicationMethod replicationMethod(CatalogEntry entry) {
        return forcedReplicationMethod.or(entry::replicationMethod).orElse(ReplicationMethod.FULL_TABLE);
    }

    public static Optional<StreamId> of(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }
}
