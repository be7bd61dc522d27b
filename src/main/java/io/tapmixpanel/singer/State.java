package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bookmarks of a run: what was read from {@code --state}, updated as windows and partitions finish, and
 * written out in STATE messages.
 *
 * <p>Reads, per stream under {@code bookmarks}:
 * <ul>
 *   <li>ours: {@code {"replication_key": "time", "replication_key_value": "..."}}, optionally with
 *       {@code "partitions": [{"context": {...}, "replication_key": ..., "replication_key_value": ...}]}
 *       ({@code replication_key} may be absent);</li>
 *   <li>singer-io/tap-mixpanel's plain string: {@code "export": "2020-03-01T18:27:19.000000Z"} (the key is
 *       then unknown until the stream sets its bookmark again);</li>
 *   <li>the {@code singer.write_bookmark} shape of other taps, an object with one scalar entry:
 *       {@code {"date": "2020-03-01"}} (key {@code date});</li>
 *   <li>an empty object: no bookmark.</li>
 * </ul>
 * Values may be strings, numbers or booleans; they are handed out as text and written back with their JSON
 * type. Other keys of a stream's bookmark object (Meltano's {@code progress_markers}...) are ignored and not
 * written back; so are top-level keys other than {@code bookmarks} and {@code currently_syncing}.
 * An empty file or {@code {}} is an empty state.
 *
 * <p>Writes only ours, bound from {@link StateValue}'s records (the watermark a {@link ProcessingWatermark}); streams
 * and partitions keep their order (as read, then as first set). Reading walks the tree instead of binding it: it
 * accepts several shapes and names each problem by its JSON path. Methods are synchronized, so producer threads may
 * read bookmarks while the writer thread updates them.
 */
public final class State {
    private static final String KEY = "replication_key";
    private static final String VALUE = "replication_key_value";
    private static final String PARTITIONS = "partitions";
    private static final String CONTEXT = "context";
    /**
     * The export stream's processing-time watermark (docs/state.md "Export across runs"): kept beside its replication key,
     * validated here with the rest of the file so that a bad one is exit 2 before any request.
     */
    public static final String WATERMARK = "processing_watermark";

    /** A bookmark value with its (possibly unknown) replication key. */
    private record Mark(Optional<String> key, JsonNode value) {}

    private static final class Partition {
        final ObjectNode context;
        Mark mark;

        Partition(ObjectNode context, Mark mark) {
            this.context = context;
            this.mark = mark;
        }
    }

    private static final class StreamState {
        Mark mark; // null: no stream-level bookmark
        ProcessingWatermark watermark; // null: none
        final List<Partition> partitions = new ArrayList<>();
    }

    private final Map<String, StreamState> streams = new LinkedHashMap<>();
    private Optional<String> currentlySyncing = Optional.empty();

    public State() {}

    // ---------------------------------------------------------------- reading

    /** Reads a state file; every problem is a {@link StateException} naming the file. */
    public static State read(Path file) {
        String name = file.toString();
        try {
            Optional<JsonNode> root = Json.readSingerFile(file);
            return root.isEmpty() ? new State() : parse(root.get(), name);
        } catch (Json.Problem p) {
            throw new StateException(name, p.getMessage());
        }
    }

    /** Validates and reads a parsed state; {@code sourceName} is the file name used in error messages. */
    public static State parse(JsonNode root, String sourceName) {
        State state = new State();
        if (root == null || root.isNull()) return state;
        if (!root.isObject()) throw new StateException(sourceName, "must be a JSON object, not " + Json.kind(root));
        // A whole STATE message (the last line a tap printed) is accepted as its value.
        if ("STATE".equals(root.path("type").asText()) && root.has("value")) {
            root = root.get("value");
            if (!root.isObject()) throw fail(sourceName, "value", "must be a JSON object, not " + Json.kind(root));
        }
        // An object without either key is not a state (a config passed by mistake?): a silent full resync would
        // be the worst answer.
        if (root.size() > 0 && !root.has("bookmarks") && !root.has("currently_syncing")) {
            throw new StateException(sourceName, "has neither \"bookmarks\" nor \"currently_syncing\": not a Singer state file");
        }
        JsonNode bookmarks = root.get("bookmarks");
        if (bookmarks != null && !bookmarks.isNull()) {
            if (!bookmarks.isObject()) throw fail(sourceName, "bookmarks", "must be an object, not " + Json.kind(bookmarks));
            for (Iterator<Map.Entry<String, JsonNode>> it = bookmarks.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                StreamState s = parseStream(e.getValue(), "bookmarks." + e.getKey(), sourceName);
                if (s != null) state.streams.put(e.getKey(), s);
            }
        }
        JsonNode cs = root.get("currently_syncing");
        if (cs != null && !cs.isNull()) {
            if (!cs.isTextual()) throw fail(sourceName, "currently_syncing", "must be a string or null, not " + Json.kind(cs));
            state.currentlySyncing = Optional.of(cs.asText());
        }
        return state;
    }

    private static StreamState parseStream(JsonNode b, String path, String source) {
        if (b.isNull()) return null;
        StreamState s = new StreamState();
        if (isScalar(b)) { // singer-io/tap-mixpanel: "export": "2020-03-01T18:27:19.000000Z"
            checkYear(b, path, source);
            s.mark = new Mark(Optional.empty(), b);
            return s;
        }
        if (!b.isObject()) throw fail(source, path, "must be a string or an object, not " + Json.kind(b));
        if (b.isEmpty()) return null;
        if (b.has(KEY) || b.has(VALUE) || b.has(PARTITIONS)) {
            s.mark = parseMark(b, path, source);
            JsonNode wm = b.get(WATERMARK);
            if (wm != null && !wm.isNull()) s.watermark = checkWatermark(wm, path + "." + WATERMARK, source);
            JsonNode parts = b.get(PARTITIONS);
            if (parts != null && !parts.isNull()) {
                if (!parts.isArray()) throw fail(source, path + "." + PARTITIONS, "must be a list, not " + Json.kind(parts));
                for (int i = 0; i < parts.size(); i++) {
                    String pp = path + "." + PARTITIONS + "[" + i + "]";
                    JsonNode p = parts.get(i);
                    if (!p.isObject()) throw fail(source, pp, "must be an object, not " + Json.kind(p));
                    JsonNode ctx = p.get(CONTEXT);
                    if (ctx == null || ctx.isNull()) throw fail(source, pp + "." + CONTEXT, "is missing");
                    if (!ctx.isObject()) throw fail(source, pp + "." + CONTEXT, "must be an object, not " + Json.kind(ctx));
                    for (Partition other : s.partitions) {
                        if (sameJson(other.context, ctx)) throw fail(source, pp + "." + CONTEXT, "duplicate partition " + ctx);
                    }
                    Mark m = parseMark(p, pp, source);
                    if (m != null) s.partitions.add(new Partition((ObjectNode) ctx.deepCopy(), m));
                }
            }
            return s.mark == null && s.partitions.isEmpty() ? null : s;
        }
        if (b.size() == 1) { // singer.write_bookmark(state, stream, "date", value)
            Map.Entry<String, JsonNode> only = b.fields().next();
            if (isScalar(only.getValue())) {
                checkYear(only.getValue(), path, source);
                s.mark = new Mark(Optional.of(only.getKey()), only.getValue());
                return s;
            }
        }
        throw fail(source, path, "must have \"" + VALUE + "\" (or \"" + PARTITIONS
                + "\"), or be a single \"key\": value pair");
    }

    /** The replication_key / replication_key_value pair of an object; null when there is no value. */
    private static Mark parseMark(JsonNode o, String path, String source) {
        JsonNode key = o.get(KEY);
        Optional<String> k = Optional.empty();
        if (key != null && !key.isNull()) {
            if (!key.isTextual()) throw fail(source, path + "." + KEY, "must be a string, not " + Json.kind(key));
            k = Optional.of(key.asText());
        }
        JsonNode v = o.get(VALUE);
        if (v == null || v.isNull()) return null;
        if (!isScalar(v)) {
            throw fail(source, path + "." + VALUE, "must be a string, a number or a boolean, not " + Json.kind(v));
        }
        checkYear(v, path + "." + VALUE, source);
        return new Mark(k, v);
    }

    /**
     * A watermark as this tap writes it: {@code {"processing_time_ms": 1733011200000, "from": "2024-11-25",
     * "through": "2024-11-30", "fingerprint": "..."}}, every field present and well formed.
     */
    private static ProcessingWatermark checkWatermark(JsonNode w, String path, String source) {
        if (!w.isObject()) throw fail(source, path, "must be an object, not " + Json.kind(w));
        JsonNode t = w.get("processing_time_ms");
        if (t == null || !t.isIntegralNumber() || !t.canConvertToLong() || t.asLong() < 0) {
            throw fail(source, path + ".processing_time_ms", "must be a non-negative whole number of milliseconds, not "
                    + (t == null ? "missing" : Json.kind(t)));
        }
        java.time.LocalDate from = day(w, "from", path, source);
        java.time.LocalDate through = day(w, "through", path, source);
        if (through.isBefore(from)) throw fail(source, path, "\"through\" (" + through + ") is before \"from\" (" + from + ")");
        JsonNode f = w.get("fingerprint");
        if (f == null || !f.isTextual()) {
            throw fail(source, path + ".fingerprint", "must be a string, not " + (f == null ? "missing" : Json.kind(f)));
        }
        return ProcessingWatermark.fromJson(w);
    }

    private static java.time.LocalDate day(JsonNode w, String key, String path, String source) {
        JsonNode d = w.get(key);
        if (d != null && d.isTextual()) {
            try {
                java.time.LocalDate day = java.time.LocalDate.parse(d.asText());
                if (day.getYear() >= 1 && day.getYear() <= 9999) return day;
            } catch (java.time.format.DateTimeParseException ignored) {
                // the message below says what is expected
            }
        }
        throw fail(source, path + "." + key, "must be a yyyy-mm-dd day, not " + (d == null ? "missing" : d.isTextual() ? "'" + d.asText() + "'" : Json.kind(d)));
    }

    /**
     * Bookmarks are dates, and RFC 3339 years have four digits: java.time also reads {@code +10000-01-01T00:00:00Z},
     * which would pass the tap's date check and end the run later, after records were written, when it is
     * formatted or sent. Refused up front instead (docs/state.md "State").
     */
    private static void checkYear(JsonNode v, String path, String source) {
        if (!v.isTextual()) return;
        String t = v.asText().strip();
        if (t.length() > 1 && (t.charAt(0) == '+' || t.charAt(0) == '-') && Character.isDigit(t.charAt(1))) {
            String shown = t.length() > 40 ? t.substring(0, 40) + "..." : t;
            throw fail(source, path, "'" + shown + "' is not a date of the years 0000 to 9999 (RFC 3339)");
        }
    }

    private static boolean isScalar(JsonNode n) {
        return n.isTextual() || n.isNumber() || n.isBoolean();
    }

    private static StateException fail(String source, String path, String problem) {
        return new StateException(source, path + ": " + problem);
    }

    // ---------------------------------------------------------------- bookmarks

    /** The stream-level bookmark value, as text. */
    public synchronized Optional<String> bookmark(String stream) {
        StreamState s = streams.get(stream);
        return s == null || s.mark == null ? Optional.empty() : Optional.of(s.mark.value.asText());
    }

    /**
     * The bookmark of one partition of a stream. Contexts are compared as JSON values: {@code {"funnel_id": 7}}
     * matches 7 as an int, a long or a JSON number, whatever the key order. No fallback to the stream-level
     * bookmark: callers migrating from a single-bookmark state use
     * {@code partitionBookmark(s, ctx).or(() -> bookmark(s))}.
     */
    public synchronized Optional<String> partitionBookmark(String stream, Map<String, ?> context) {
        Partition p = find(stream, toContext(context));
        return p == null ? Optional.empty() : Optional.of(p.mark.value.asText());
    }

    /** The contexts of a stream's partitions that have bookmarks, in order (copies). */
    public synchronized List<ObjectNode> partitionContexts(String stream) {
        StreamState s = streams.get(stream);
        if (s == null) return List.of();
        List<ObjectNode> out = new ArrayList<>();
        for (Partition p : s.partitions) out.add(p.context.deepCopy());
        return out;
    }

    public synchronized void setBookmark(String stream, String replicationKey, String value) {
        streams.computeIfAbsent(stream, k -> new StreamState()).mark =
                new Mark(Optional.of(replicationKey), Json.NODES.textNode(value));
    }

    /** The stream's processing-time watermark, as read or last set. */
    public synchronized Optional<ProcessingWatermark> processingWatermark(String stream) {
        StreamState s = streams.get(stream);
        return s == null ? Optional.empty() : Optional.ofNullable(s.watermark);
    }

    /** Sets (or, with null, removes) the stream's watermark; written with its bookmark. */
    public synchronized void setProcessingWatermark(String stream, ProcessingWatermark watermark) {
        streams.computeIfAbsent(stream, k -> new StreamState()).watermark = watermark;
    }

    /** {@link #processingWatermark} as the JSON object written under {@value #WATERMARK}. */
    public Optional<ObjectNode> watermark(String stream) {
        return processingWatermark(stream).map(ProcessingWatermark::toJson);
    }

    /** {@link #setProcessingWatermark} from the JSON object written under {@value #WATERMARK}, or null. */
    public void setWatermark(String stream, ObjectNode watermark) {
        setProcessingWatermark(stream, watermark == null ? null : ProcessingWatermark.fromJson(watermark));
    }

    public synchronized void setPartitionBookmark(String stream, Map<String, ?> context, String replicationKey,
                                                  String value) {
        ObjectNode ctx = toContext(context);
        Mark m = new Mark(Optional.of(replicationKey), Json.NODES.textNode(value));
        Partition p = find(stream, ctx);
        if (p != null) {
            p.mark = m;
        } else {
            streams.computeIfAbsent(stream, k -> new StreamState()).partitions.add(new Partition(ctx, m));
        }
    }

    public synchronized Optional<String> currentlySyncing() {
        return currentlySyncing;
    }

    public synchronized void setCurrentlySyncing(Optional<String> stream) {
        currentlySyncing = stream;
    }

    /** Streams that have any bookmark, in order. */
    public synchronized List<String> streams() {
        return List.copyOf(streams.keySet());
    }

    // ---------------------------------------------------------------- writing

    /**
     * Our format: {@code {"bookmarks": {...}, "currently_syncing": ...}}, as {@link StateValue} binds it. A watermark
     * is written only with its stream's own bookmark: it says how far that bookmark's reading went.
     */
    public synchronized ObjectNode toJson() {
        Map<String, StateValue.StreamBookmarks> bookmarks = new LinkedHashMap<>();
        for (Map.Entry<String, StreamState> e : streams.entrySet()) {
            StreamState s = e.getValue();
            List<StateValue.PartitionBookmark> parts = new ArrayList<>();
            for (Partition p : s.partitions) {
                parts.add(new StateValue.PartitionBookmark(p.context, p.mark.key.orElse(null), p.mark.value));
            }
            bookmarks.put(e.getKey(), new StateValue.StreamBookmarks(
                    s.mark == null ? null : s.mark.key.orElse(null), s.mark == null ? null : s.mark.value,
                    s.mark == null ? null : s.watermark, parts.isEmpty() ? null : parts));
        }
        return Json.MAPPER.valueToTree(new StateValue(bookmarks, currentlySyncing.orElse(null)));
    }

    @Override
    public String toString() {
        return toJson().toString();
    }

    // ---------------------------------------------------------------- contexts

    private Partition find(String stream, ObjectNode ctx) {
        StreamState s = streams.get(stream);
        if (s == null) return null;
        for (Partition p : s.partitions) if (sameJson(p.context, ctx)) return p;
        return null;
    }

    private static ObjectNode toContext(Map<String, ?> context) {
        return Json.MAPPER.valueToTree(new LinkedHashMap<>(context));
    }

    /** JSON equality with numbers compared by value (7 == 7L == 7.0) and objects by content, not key order. */
    static boolean sameJson(JsonNode a, JsonNode b) {
        return a.equals((x, y) -> {
            if (x.isNumber() && y.isNumber()) return numeric(x).compareTo(numeric(y)) == 0 ? 0 : 1;
            return x.equals(y) ? 0 : 1;
        }, b);
    }

    private static BigDecimal numeric(JsonNode n) {
        return n.isBigDecimal() || n.isFloatingPointNumber() ? n.decimalValue() : new BigDecimal(n.bigIntegerValue());
    }
}
