package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Singer catalog metadata of one stream: breadcrumb ({@code []} for the stream, {@code ["properties", name]}
 * for a property) to a JSON object of metadata values. Order is kept, so what is read is written back as it was.
 * Mutable (selection is set on it); not thread-safe.
 */
public final class Metadata {
    public static final List<String> STREAM = List.of();

    public static final String INCLUSION = "inclusion";
    public static final String AUTOMATIC = "automatic";
    public static final String AVAILABLE = "available";
    public static final String UNSUPPORTED = "unsupported";
    public static final String SELECTED = "selected";
    public static final String SELECTED_BY_DEFAULT = "selected-by-default";
    public static final String TABLE_KEY_PROPERTIES = "table-key-properties";
    public static final String VALID_REPLICATION_KEYS = "valid-replication-keys";
    public static final String FORCED_REPLICATION_METHOD = "forced-replication-method";
    public static final String REPLICATION_METHOD = "replication-method";
    public static final String REPLICATION_KEY = "replication-key";

    /** Values a catalog user sets that only mean something as booleans (null is the same as absent). */
    private static final List<String> BOOLEANS = List.of(SELECTED, SELECTED_BY_DEFAULT);
    /** The inclusions of the Singer spec; any other would be read as "available" and its intent lost. */
    private static final List<String> INCLUSIONS = List.of(AUTOMATIC, AVAILABLE, UNSUPPORTED);
    /** Stream-level values that only mean something as text (null is the same as absent). */
    private static final List<String> STREAM_TEXTS = List.of(REPLICATION_METHOD, FORCED_REPLICATION_METHOD, REPLICATION_KEY);

    private final Map<List<String>, ObjectNode> entries;

    public Metadata() {
        this.entries = new LinkedHashMap<>();
    }

    private Metadata(Map<List<String>, ObjectNode> entries) {
        this.entries = entries;
    }

    /**
     * Discovery metadata for a stream: stream-level {@code table-key-properties}, {@code valid-replication-keys}
     * (omitted when there are none), {@code forced-replication-method} (when given), {@code inclusion: available},
     * {@code selected-by-default: true}; then, for every top-level property of the schema in schema order,
     * {@code inclusion} ({@code automatic} for key and replication-key properties, else {@code available}) and
     * {@code selected-by-default: true}.
     */
    public static Metadata forStream(ObjectNode schema, List<String> keyProperties,
                                     List<String> validReplicationKeys, Optional<ReplicationMethod> forcedReplicationMethod) {
        Metadata md = new Metadata();
        ObjectNode stream = md.at(STREAM);
        stream.set(TABLE_KEY_PROPERTIES, strings(keyProperties));
        if (!validReplicationKeys.isEmpty()) stream.set(VALID_REPLICATION_KEYS, strings(validReplicationKeys));
        forcedReplicationMethod.ifPresent(m -> stream.put(FORCED_REPLICATION_METHOD, m.name()));
        stream.put(INCLUSION, AVAILABLE);
        stream.put(SELECTED_BY_DEFAULT, true);

        Set<String> automatic = new LinkedHashSet<>(keyProperties);
        automatic.addAll(validReplicationKeys);
        JsonNode props = schema.path("properties");
        for (Iterator<String> it = props.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            ObjectNode p = md.at(propertyBreadcrumb(name));
            p.put(INCLUSION, automatic.contains(name) ? AUTOMATIC : AVAILABLE);
            p.put(SELECTED_BY_DEFAULT, true);
        }
        return md;
    }

    public static List<String> propertyBreadcrumb(String name) {
        return List.of("properties", name);
    }

    /** The stream-level metadata object (created empty when absent, so it can be written to). */
    public ObjectNode streamLevel() {
        return at(STREAM);
    }

    /** A top-level property's metadata object (created empty when absent, so it can be written to). */
    public ObjectNode property(String name) {
        return at(propertyBreadcrumb(name));
    }

    /** The metadata at a breadcrumb, if there is any. */
    public Optional<ObjectNode> get(List<String> breadcrumb) {
        return Optional.ofNullable(entries.get(breadcrumb));
    }

    /** The metadata object at a breadcrumb, created empty (and appended) when absent. */
    public ObjectNode at(List<String> breadcrumb) {
        return entries.computeIfAbsent(List.copyOf(breadcrumb), b -> Json.NODES.objectNode());
    }

    /** All breadcrumbs, in order. */
    public Set<List<String>> breadcrumbs() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    /** Names of the top-level properties that have metadata ({@code ["properties", name]}), in order. */
    public List<String> propertyNames() {
        List<String> names = new ArrayList<>();
        for (List<String> b : entries.keySet()) {
            if (b.size() == 2 && b.get(0).equals("properties")) names.add(b.get(1));
        }
        return names;
    }

    /** The Singer list form: {@code [{"breadcrumb": [...], "metadata": {...}}, ...]}. */
    public ArrayNode toJson() {
        ArrayNode list = Json.NODES.arrayNode();
        for (Map.Entry<List<String>, ObjectNode> e : entries.entrySet()) {
            ObjectNode item = list.addObject();
            item.set("breadcrumb", strings(e.getKey()));
            item.set("metadata", e.getValue().deepCopy());
        }
        return list;
    }

    public Metadata copy() {
        Map<List<String>, ObjectNode> m = new LinkedHashMap<>();
        entries.forEach((k, v) -> m.put(k, v.deepCopy()));
        return new Metadata(m);
    }

    /**
     * Reads the Singer list form. {@code path} is the JSON path of the list for error messages
     * ({@code streams[2].metadata}); problems are reported through {@code fail}.
     */
    static Metadata parse(JsonNode list, String path, Catalog.Failure fail) {
        if (!list.isArray()) throw fail.at(path, "must be a list, not " + Json.kind(list));
        Map<List<String>, ObjectNode> m = new LinkedHashMap<>();
        Map<List<String>, Integer> firstIndex = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String itemPath = path + "[" + i + "]";
            JsonNode item = list.get(i);
            if (!item.isObject()) throw fail.at(itemPath, "must be an object, not " + Json.kind(item));
            JsonNode bc = item.get("breadcrumb");
            if (bc == null) throw fail.at(itemPath + ".breadcrumb", "is missing");
            if (!bc.isArray()) throw fail.at(itemPath + ".breadcrumb", "must be a list, not " + Json.kind(bc));
            List<String> breadcrumb = new ArrayList<>();
            for (int j = 0; j < bc.size(); j++) {
                if (!bc.get(j).isTextual()) {
                    throw fail.at(itemPath + ".breadcrumb[" + j + "]", "must be a string, not " + Json.kind(bc.get(j)));
                }
                breadcrumb.add(bc.get(j).asText());
            }
            JsonNode values = item.get("metadata");
            if (values == null) throw fail.at(itemPath + ".metadata", "is missing");
            if (!values.isObject()) throw fail.at(itemPath + ".metadata", "must be an object, not " + Json.kind(values));
            List<String> key = List.copyOf(breadcrumb);
            Integer seen = firstIndex.putIfAbsent(key, i);
            if (seen != null) {
                throw fail.at(itemPath + ".breadcrumb", "duplicate " + strings(key) + " (also " + path + "[" + seen + "])");
            }
            for (String name : BOOLEANS) {
                JsonNode v = values.get(name);
                if (v != null && !v.isNull() && !v.isBoolean()) {
                    throw fail.at(valuePath(path, key, name), "must be true or false, not " + Json.kind(v));
                }
            }
            JsonNode inclusion = values.get(INCLUSION);
            if (inclusion != null && !inclusion.isNull() && !(inclusion.isTextual() && INCLUSIONS.contains(inclusion.asText()))) {
                String shown = inclusion.isTextual() ? "'" + abbreviate(inclusion.asText()) + "'" : Json.kind(inclusion);
                throw fail.at(valuePath(path, key, INCLUSION), "must be one of " + String.join(", ", INCLUSIONS) + ", not " + shown);
            }
            if (key.equals(STREAM)) {
                for (String name : STREAM_TEXTS) {
                    JsonNode v = values.get(name);
                    if (v != null && !v.isNull() && !v.isTextual()) {
                        throw fail.at(valuePath(path, key, name), "must be a string, not " + Json.kind(v));
                    }
                }
            }
            m.put(key, (ObjectNode) values.deepCopy());
        }
        return new Metadata(m);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /**
     * The JSON path of one metadata value, addressed by breadcrumb as a user finds it in the file:
     * {@code streams[0].metadata[breadcrumb=["properties","city"]].selected}.
     */
    static String valuePath(String listPath, List<String> breadcrumb, String name) {
        return listPath + "[breadcrumb=" + strings(breadcrumb) + "]." + name;
    }

    static ArrayNode strings(List<String> values) {
        ArrayNode a = Json.NODES.arrayNode();
        for (String v : values) a.add(v);
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metadata other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
