package io.tapmixpanel.singer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * The value of a STATE message as this tap writes it (docs/state.md "State"), bound through {@link Json}'s mapper:
 * {@code {"bookmarks": {stream: {...}}, "currently_syncing": stream or null}}. Maps keep their streams' order.
 */
@JsonPropertyOrder({"bookmarks", "currently_syncing"})
record StateValue(Map<String, StreamBookmarks> bookmarks,
                  @JsonProperty("currently_syncing") @JsonInclude(JsonInclude.Include.ALWAYS) String currentlySyncing) {

    /**
     * One stream's bookmarks: its own (the key may be unknown after singer-io's plain strings), the watermark kept
     * with it, and its partitions'. What a stream does not have is left out, so a stream with none is {@code {}}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"replication_key", "replication_key_value", "processing_watermark", "partitions"})
    record StreamBookmarks(@JsonProperty("replication_key") String replicationKey,
                           @JsonProperty("replication_key_value") JsonNode replicationKeyValue,
                           @JsonProperty("processing_watermark") ProcessingWatermark watermark,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PartitionBookmark> partitions) {}

    /** The bookmark of one partition of a stream, named by its context. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"context", "replication_key", "replication_key_value"})
    record PartitionBookmark(ObjectNode context,
                             @JsonProperty("replication_key") String replicationKey,
                             @JsonProperty("replication_key_value") JsonNode replicationKeyValue) {}
}
