package io.tapmixpanel.streams;

import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.singer.ReplicationMethod;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The seven streams and what discovery says of each (README "Streams" and docs/discovery.md): key properties, the replication keys a
 * catalog may choose, and the replication method when only one makes sense. Listed in sync order.
 */
public enum StreamId {
    EXPORT("export", List.of(), List.of("time"), Optional.of(ReplicationMethod.INCREMENTAL)),
    ENGAGE("engage", List.of("distinct_id"), List.of("mp_reserved_last_seen"), Optional.empty()),
    FUNNELS("funnels", List.of("funnel_id", "date"), List.of("date"), Optional.of(ReplicationMethod.INCREMENTAL)),
    REVENUE("revenue", List.of("date"), List.of("date"), Optional.of(ReplicationMethod.INCREMENTAL)),
    ANNOTATIONS("annotations", List.of("id"), List.of(), Optional.of(ReplicationMethod.FULL_TABLE)),
    COHORTS("cohorts", List.of("id"), List.of(), Optional.of(ReplicationMethod.FULL_TABLE)),
    COHORT_MEMBERS("cohort_members", List.of("cohort_id", "distinct_id"), List.of(), Optional.of(ReplicationMethod.FULL_TABLE));

    private final String id;
    private final List<String> keyProperties;
    private final List<String> validReplicationKeys;
    private final Optional<ReplicationMethod> forcedReplicationMethod;

    StreamId(String id, List<String> keyProperties, List<String> validReplicationKeys, Optional<ReplicationMethod> forced) {
        this.id = id;
        this.keyProperties = keyProperties;
        this.validReplicationKeys = validReplicationKeys;
        this.forcedReplicationMethod = forced;
    }

    public String id() { return id; }

    public List<String> keyProperties() { return keyProperties; }

    public List<String> validReplicationKeys() { return validReplicationKeys; }

    public Optional<ReplicationMethod> forcedReplicationMethod() { return forcedReplicationMethod; }

    /**
     * How this stream replicates with this catalog entry, the one rule of README "Streams": a stream with only
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
