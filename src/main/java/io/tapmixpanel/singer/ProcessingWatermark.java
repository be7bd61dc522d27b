package io.tapmixpanel.singer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.LocalDate;

/**
 * A stream's processing-time watermark as it is kept in the state beside the stream's bookmark (docs/state.md "Export
 * across runs"): {@code {"processing_time_ms": 1733011200000, "from": "2024-11-25", "through": "2024-11-30",
 * "fingerprint": "sha256:..."}}. Bound through {@link Json}'s mapper, whose JavaTimeModule reads and writes the
 * days as ISO {@code yyyy-mm-dd}; {@link State} checks each field, with its JSON path, before binding one it read.
 * Other keys are not kept, as other keys of a stream's bookmark are not.
 *
 * @param processingTimeMs Unix milliseconds
 * @param from             first day read by the run that set it
 * @param through          last day that run read whole
 * @param fingerprint      what that run asked for, as its stream hashes it
 */
@JsonPropertyOrder({"processing_time_ms", "from", "through", "fingerprint"})
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProcessingWatermark(@JsonProperty("processing_time_ms") long processingTimeMs, LocalDate from,
                                  LocalDate through, String fingerprint) {

    /** The object written under {@code processing_watermark}. */
    public ObjectNode toJson() {
        return Json.MAPPER.valueToTree(this);
    }

    /** Binds an object of the shape {@link #toJson()} writes. */
    public static ProcessingWatermark fromJson(JsonNode json) {
        try {
            return Json.MAPPER.treeToValue(json, ProcessingWatermark.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a processing watermark: " + json, e);
        }
    }
}
