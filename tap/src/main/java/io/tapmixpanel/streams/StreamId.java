package io.tapmixpanel.streams;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The seven streams and what discovery says of each (README "Streams" and docs/discovery.md): key properties, the replication keys a
 * catalog may choose, and the replication method when only one makes sense. Listed in sync order.
 */
public enum StreamId {
    EXPORT("export", List.of(), List.of("time"), Optional.of("INCREMENTAL")),
    ENGAGE("engage", List.of("distinct_id"), List.of("mp_reserved_last_seen"), Optional.empty()),
    FUNNELS("funnels", List.of("funnel_id", "date"), List.of("date"), Optional.of("INCREMENTAL")),
    REVENUE("revenue", List.of("date"), List.of("date"), Optional.of("INCREMENTAL")),
    ANNOTATIONS("annotations", List.of("id"), List.of(), Optional.of("FULL_TABLE")),
    COHORTS("cohorts", List.of("id"), List.of(), Optional.of("FULL_TABLE")),
    COHORT_MEMBERS("cohort_members", List.of("cohort_id", "distinct_id"), List.of(), Optional.of("FULL_TABLE"));

    private final String id;
    private final List<String> keyProperties;
    private final List<String> validReplicationKeys;
    private final Optional<String> forcedReplicationMethod;

    StreamId(String id, List<String> keyProperties, List<String> validReplicationKeys, Optional<String> forced) {
        this.id = id;
        this.keyProperties = keyProperties;
        this.validReplicationKeys = validReplicationKeys;
        this.forcedReplicationMethod = forced;
    }

    public String id() { return id; }

    public List<String> keyProperties() { return keyProperties; }

    public List<String> validReplicationKeys() { return validReplicationKeys; }

    public Optional<String> forcedReplicationMethod() { return forcedReplicationMethod; }

    public static Optional<StreamId> of(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }
}
