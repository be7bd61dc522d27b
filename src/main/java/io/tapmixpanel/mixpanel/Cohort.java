package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalLong;

/** One cohort from {@code cohorts/list}, with every field Mixpanel sent (id, name, count, description, ...). */
public record Cohort(ObjectNode raw) {

    public OptionalLong id() {
        JsonNode id = raw.get("id");
        return id != null && id.canConvertToLong() ? OptionalLong.of(id.asLong()) : OptionalLong.empty();
    }
}
