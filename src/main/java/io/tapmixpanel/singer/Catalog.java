package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Singer catalog ({@code {"streams": [...]}}): what discovery prints and what a sync is told to do.
 * {@link #toJson()} writes fields in a fixed order, so discover → file → {@link #read} → {@link #toJson()}
 * gives back the same bytes.
 */
public final class Catalog {
    private final List<CatalogEntry> streams;

    public Catalog(List<CatalogEntry> streams) {
        this.streams = List.copyOf(streams);
    }

    public List<CatalogEntry> streams() {
        return streams;
    }

    public Optional<CatalogEntry> entry(String tapStreamId) {
        return streams.stream().filter(e -> e.tapStreamId().equals(tapStreamId)).findFirst();
    }

    /** The selected streams, in catalog order. */
    public List<CatalogEntry> selected() {
        return streams.stream().filter(CatalogEntry::isSelected).toList();
    }

    /** This catalog with every stream selected. */
    public Catalog selectAll() {
        return new Catalog(streams.stream().map(e -> e.withSelected(true)).toList());
    }

    /**
     * This catalog with each stream selected as its {@code selected-by-default} metadata says (absent: selected):
     * what a sync without {@code --catalog} syncs (docs/discovery.md "Selecting streams and properties").
     */
    public Catalog selectDefaults() {
        return new Catalog(streams.stream().map(e -> e.withSelected(e.selectedByDefault())).toList());
    }

    public ObjectNode toJson() {
        ObjectNode root = Json.NODES.objectNode();
        ArrayNode list = root.putArray("streams");
        for (CatalogEntry e : streams) list.add(e.toJson());
        return root;
    }

    /** Reads a catalog file; every problem is a {@link CatalogException} naming the file. */
    public static Catalog read(Path file) {
        String name = file.toString();
        JsonNode root;
        try {
            root = Json.readSingerFile(file).orElseThrow(() -> new CatalogException(name, "the file is empty"));
        } catch (Json.Problem p) {
            throw new CatalogException(name, p.getMessage());
        }
        return parse(root, name);
    }

    /** Validates and reads a parsed catalog; {@code sourceName} is the file name used in error messages. */
    public static Catalog parse(JsonNode root, String sourceName) {
        Failure fail = new Failure(sourceName);
        if (root == null || !root.isObject()) {
            throw new CatalogException(sourceName, "must be a JSON object with a \"streams\" list, not " + Json.kind(root));
        }
        JsonNode list = root.get("streams");
        if (list == null || list.isNull()) throw fail.at("streams", "is missing");
        if (!list.isArray()) throw fail.at("streams", "must be a list, not " + Json.kind(list));
        List<CatalogEntry> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "streams[" + i + "]";
            CatalogEntry e = CatalogEntry.parse(list.get(i), path, fail);
            Integer first = seen.putIfAbsent(e.tapStreamId(), i);
            if (first != null) {
                throw fail.at(path + ".tap_stream_id", "duplicate \"" + e.tapStreamId() + "\" (also streams[" + first + "])");
            }
            entries.add(e);
        }
        return new Catalog(entries);
    }

    /** Builds "file: path: problem" exceptions; inside a stream's entry, "file: path: problem (stream id)". */
    static final class Failure {
        private final String source;
        private final String suffix;

        Failure(String source) { this(source, ""); }

        private Failure(String source, String suffix) {
            this.source = source;
            this.suffix = suffix;
        }

        /** The same, for the problems of one stream's entry: they also name the stream. */
        Failure inStream(String tapStreamId) {
            String id = tapStreamId.length() > 80 ? tapStreamId.substring(0, 80) + "..." : tapStreamId;
            return new Failure(source, " (stream " + id + ")");
        }

        CatalogException at(String path, String problem) {
            return new CatalogException(source, path + ": " + problem + suffix);
        }
    }
}
