package io.tapmixpanel.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.singer.CatalogEntry;

/**
 * The schema a stream starts its sync with: the catalog's, without deselected properties. A catalog schema
 * without {@code additionalProperties} gets JSON Schema's default, true, written out so targets see it.
 */
record ObjectNodeSchema(ObjectNode value) {
    static ObjectNodeSchema of(CatalogEntry entry) {
        ObjectNode s = entry.selectedSchema();
        if (!s.has("type")) s.put("type", "object");
        if (!s.has("properties")) s.putObject("properties");
        if (!s.has("additionalProperties")) s.put("additionalProperties", true);
        return new ObjectNodeSchema(s);
    }
}
