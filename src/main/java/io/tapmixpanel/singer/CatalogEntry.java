package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One stream of a Singer catalog, with the selection rules of singer-python / the Meltano SDK:
 * <ul>
 *   <li>a stream is selected when its stream-level metadata says {@code selected: true}; when that metadata
 *       has no {@code selected} at all, the legacy top-level {@code schema.selected: true} counts;</li>
 *   <li>a top-level property is kept unless its metadata has {@code inclusion: unsupported} (never emitted),
 *       or says {@code selected: false} (or, with no {@code selected}, {@code selected-by-default: false})
 *       and its inclusion is not {@code automatic}; properties without metadata are kept.</li>
 * </ul>
 * Only top-level properties are selected or dropped; nested breadcrumbs are carried but not interpreted.
 * Immutable: the schema and metadata are copied in and handed out as copies, so one entry read by several
 * streams' threads cannot change under them; {@link #withSelected} makes a changed copy.
 *
 * @param topLevelReplicationKey    the optional top-level {@code replication_key} some catalogs carry
 * @param topLevelReplicationMethod the optional top-level {@code replication_method} some catalogs carry
 */
public record CatalogEntry(String tapStreamId, String stream, ObjectNode schema, List<String> keyProperties,
                           Metadata metadata, Optional<String> topLevelReplicationKey,
                           Optional<String> topLevelReplicationMethod) {

    public CatalogEntry {
        schema = schema.deepCopy();
        keyProperties = List.copyOf(keyProperties);
        metadata = metadata.copy();
    }

    /** An entry as discovery makes it: stream name = tap_stream_id, no top-level replication fields. */
    public CatalogEntry(String tapStreamId, ObjectNode schema, List<String> keyProperties, Metadata metadata) {
        this(tapStreamId, tapStreamId, schema, keyProperties, metadata, Optional.empty(), Optional.empty());
    }

    public boolean isSelected() {
        JsonNode selected = metadata.get(Metadata.STREAM).map(m -> m.get(Metadata.SELECTED)).orElse(null);
        if (selected != null && !selected.isNull()) return selected.asBoolean(false);
        return schema.path("selected").asBoolean(false);
    }

    /** The stream-level {@code selected-by-default}: true when absent or null. */
    public boolean selectedByDefault() {
        JsonNode byDefault = metadata.get(Metadata.STREAM).map(m -> m.get(Metadata.SELECTED_BY_DEFAULT)).orElse(null);
        return byDefault == null || byDefault.isNull() || byDefault.asBoolean(true);
    }

    /** A copy of the schema (the entry's own cannot be changed). */
    @Override
    public ObjectNode schema() {
        return schema.deepCopy();
    }

    /** A copy of the metadata (the entry's own cannot be changed). */
    @Override
    public Metadata metadata() {
        return metadata.copy();
    }

    /** This entry with the stream marked selected (or not) in its stream-level metadata. */
    public CatalogEntry withSelected(boolean selected) {
        Metadata md = metadata.copy();
        md.streamLevel().put(Metadata.SELECTED, selected);
        return new CatalogEntry(tapStreamId, stream, schema, keyProperties, md, topLevelReplicationKey,
                topLevelReplicationMethod);
    }

    public boolean isPropertySelected(String name) {
        Optional<ObjectNode> md = metadata.get(Metadata.propertyBreadcrumb(name));
        if (md.isEmpty()) return true;
        ObjectNode m = md.get();
        String inclusion = m.path(Metadata.INCLUSION).asText("");
        if (inclusion.equals(Metadata.UNSUPPORTED)) return false;
        if (inclusion.equals(Metadata.AUTOMATIC)) return true;
        JsonNode selected = m.get(Metadata.SELECTED);
        if (selected != null && !selected.isNull()) return selected.asBoolean(true);
        JsonNode byDefault = m.get(Metadata.SELECTED_BY_DEFAULT);
        if (byDefault != null && !byDefault.isNull()) return byDefault.asBoolean(true);
        return true;
    }

    /** Top-level properties (of the schema or the metadata) that must not be emitted. */
    public Set<String> deselectedProperties() {
        Set<String> names = new LinkedHashSet<>();
        for (Iterator<String> it = schema.path("properties").fieldNames(); it.hasNext(); ) names.add(it.next());
        names.addAll(metadata.propertyNames());
        names.removeIf(this::isPropertySelected);
        return names;
    }

    /**
     * The schema to announce in SCHEMA messages: a copy without the deselected properties (also removed from
     * {@code required}) and without the legacy {@code selected} flag.
     */
    public ObjectNode selectedSchema() {
        ObjectNode s = schema.deepCopy();
        s.remove("selected");
        Set<String> dropped = deselectedProperties();
        if (s.get("properties") instanceof ObjectNode props) props.remove(dropped);
        if (s.get("required") instanceof ArrayNode req) {
            ArrayNode kept = Json.NODES.arrayNode();
            for (JsonNode r : req) if (!dropped.contains(r.asText())) kept.add(r);
            s.set("required", kept);
        }
        return s;
    }

    /**
     * The catalog's method: stream-level {@code replication-method}, else {@code forced-replication-method}, else
     * the top-level {@code replication_method}; the first one given decides, and one this tap does not know
     * counts as none here (a sync refuses a catalog that names one, before it starts). Which method a stream
     * really uses is the streams' rule (docs/streams.md "Streams").
     */
    public Optional<ReplicationMethod> replicationMethod() {
        ObjectNode s = metadata.get(Metadata.STREAM).orElse(Json.NODES.objectNode());
        return text(s.get(Metadata.REPLICATION_METHOD))
                .or(() -> text(s.get(Metadata.FORCED_REPLICATION_METHOD)))
                .or(this::topLevelReplicationMethod)
                .flatMap(ReplicationMethod::parse);
    }

    /**
     * Every replication method this entry names, by where it names it (a JSON path within the entry), in the order
     * {@link #replicationMethod} consults them; the names as written, known to this tap or not.
     */
    public Map<String, String> replicationMethodsNamed() {
        Map<String, String> named = new LinkedHashMap<>();
        ObjectNode s = metadata.get(Metadata.STREAM).orElse(Json.NODES.objectNode());
        for (String key : List.of(Metadata.REPLICATION_METHOD, Metadata.FORCED_REPLICATION_METHOD)) {
            text(s.get(key)).ifPresent(m -> named.put(Metadata.valuePath("metadata", Metadata.STREAM, key), m));
        }
        topLevelReplicationMethod.ifPresent(m -> named.put("replication_method", m));
        return named;
    }

    /** Every replication key this entry names: stream-level {@code replication-key}, top-level {@code replication_key}. */
    public Map<String, String> replicationKeysNamed() {
        Map<String, String> named = new LinkedHashMap<>();
        ObjectNode s = metadata.get(Metadata.STREAM).orElse(Json.NODES.objectNode());
        text(s.get(Metadata.REPLICATION_KEY)).ifPresent(k ->
                named.put(Metadata.valuePath("metadata", Metadata.STREAM, Metadata.REPLICATION_KEY), k));
        topLevelReplicationKey.ifPresent(k -> named.put("replication_key", k));
        return named;
    }

    /** The Singer layout, fields in a fixed order. */
    public ObjectNode toJson() {
        ObjectNode o = Json.NODES.objectNode();
        o.put("tap_stream_id", tapStreamId);
        o.put("stream", stream);
        o.set("schema", schema.deepCopy());
        o.set("key_properties", Metadata.strings(keyProperties));
        o.set("metadata", metadata.toJson());
        topLevelReplicationKey.ifPresent(k -> o.put("replication_key", k));
        topLevelReplicationMethod.ifPresent(m -> o.put("replication_method", m));
        return o;
    }

    static CatalogEntry parse(JsonNode node, String path, Catalog.Failure catalogFail) {
        if (!node.isObject()) throw catalogFail.at(path, "must be an object, not " + Json.kind(node));
        String id = requiredString(node, "tap_stream_id", path, catalogFail);
        Catalog.Failure fail = catalogFail.inStream(id);
        JsonNode streamNode = node.get("stream");
        String stream = id;
        if (streamNode != null && !streamNode.isNull()) {
            if (!streamNode.isTextual() || streamNode.asText().isEmpty()) {
                throw fail.at(path + ".stream", "must be a non-empty string, not " + Json.kind(streamNode));
            }
            stream = streamNode.asText();
        }
        JsonNode schema = node.get("schema");
        if (schema == null) throw fail.at(path + ".schema", "is missing");
        if (!schema.isObject()) throw fail.at(path + ".schema", "must be an object, not " + Json.kind(schema));
        checkObjectType(schema.get("type"), path + ".schema.type", fail);
        JsonNode props = schema.get("properties");
        if (props != null && !props.isObject()) {
            throw fail.at(path + ".schema.properties", "must be an object, not " + Json.kind(props));
        }
        JsonNode legacySelected = schema.get("selected");
        if (legacySelected != null && !legacySelected.isNull() && !legacySelected.isBoolean()) {
            throw fail.at(path + ".schema.selected", "must be true or false, not " + Json.kind(legacySelected));
        }
        JsonNode mdNode = node.get("metadata");
        Metadata md = mdNode == null || mdNode.isNull() ? new Metadata()
                : Metadata.parse(mdNode, path + ".metadata", fail);
        List<String> keys;
        JsonNode kp = node.get("key_properties");
        if (kp != null && !kp.isNull()) {
            keys = stringList(kp, path + ".key_properties", fail);
        } else {
            JsonNode tkp = md.get(Metadata.STREAM).map(m -> m.get(Metadata.TABLE_KEY_PROPERTIES)).orElse(null);
            keys = tkp == null || tkp.isNull() ? List.of()
                    : stringList(tkp, path + ".metadata[breadcrumb=[]].table-key-properties", fail);
        }
        return new CatalogEntry(id, stream, (ObjectNode) schema, keys, md,
                optionalString(node, "replication_key", path, fail),
                optionalString(node, "replication_method", path, fail));
    }

    /**
     * A stream's records are JSON objects: a schema whose type leaves out "object" describes none of them, and
     * every RECORD would break its own SCHEMA. No type at all means an object (see the sync's initial schema).
     */
    private static void checkObjectType(JsonNode type, String path, Catalog.Failure fail) {
        if (type == null || type.isNull()) return;
        if (type.isTextual()) {
            if (type.asText().equals("object")) return;
            throw fail.at(path, "must be \"object\" (or a list of types with \"object\"), not \""
                    + abbreviate(type.asText()) + "\"");
        }
        if (!type.isArray()) {
            throw fail.at(path, "must be \"object\" (or a list of types with \"object\"), not " + Json.kind(type));
        }
        boolean object = false;
        for (int i = 0; i < type.size(); i++) {
            JsonNode t = type.get(i);
            if (!t.isTextual()) throw fail.at(path + "[" + i + "]", "must be a string, not " + Json.kind(t));
            object |= t.asText().equals("object");
        }
        if (!object) throw fail.at(path, "must include \"object\", not only " + abbreviate(type.toString()));
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private static String requiredString(JsonNode node, String field, String path, Catalog.Failure fail) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw fail.at(path + "." + field, "is missing");
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw fail.at(path + "." + field, "must be a non-empty string, not " + Json.kind(v));
        }
        return v.asText();
    }

    private static Optional<String> optionalString(JsonNode node, String field, String path, Catalog.Failure fail) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isTextual()) throw fail.at(path + "." + field, "must be a string, not " + Json.kind(v));
        return Optional.of(v.asText());
    }

    private static List<String> stringList(JsonNode a, String path, Catalog.Failure fail) {
        if (!a.isArray()) throw fail.at(path, "must be a list of strings, not " + Json.kind(a));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isTextual()) throw fail.at(path + "[" + i + "]", "must be a string, not " + Json.kind(a.get(i)));
            out.add(a.get(i).asText());
        }
        return out;
    }

    private static Optional<String> text(JsonNode n) {
        return n != null && n.isTextual() ? Optional.of(n.asText()) : Optional.empty();
    }
}
