package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalLong;

/**
 * One annotation with every field Mixpanel sent: legacy ({@code id, project_id, date, description}) or v2
 * ({@code id, date, description, user{...}, tags[...]}).
 */
public record Annotation(ObjectNode raw) {

    public OptionalLong id() {
        JsonNode id = raw.get("id");
        return id != null && id.canConvertToLong() ? OptionalLong.of(id.asLong()) : OptionalLong.empty();
    }

    /** {@code 2022-02-15 12:00:00} as sent, or "". */
    public String date() { return raw.path("date").asText(""); }

    public String description() { return raw.path("description").asText(""); }
}
