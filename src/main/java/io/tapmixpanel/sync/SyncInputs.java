package io.tapmixpanel.sync;

import com.fasterxml.jackson.databind.JsonNode;
import io.tapmixpanel.singer.Catalog;
import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.singer.CatalogException;
import io.tapmixpanel.singer.ReplicationMethod;
import io.tapmixpanel.singer.State;
import io.tapmixpanel.singer.StateException;
import io.tapmixpanel.streams.Bookmarks;
import io.tapmixpanel.streams.StreamRegistry;
import io.tapmixpanel.streams.TapStream;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The catalog and state of a sync, read and checked whole before the first request (README "Command line": a bad
 * catalog or state is exit 2, nothing is synced and nothing is asked of Mixpanel). Beyond their structure (checked
 * by {@link Catalog} and {@link State}), the catalog may only ask what its streams can do (docs/streams.md "Streams" and
 * docs/discovery.md "Selecting streams and properties"): a
 * known stream, a replication method the stream has, one of its replication keys; and every bookmark is a date.
 *
 * @param catalog empty without {@code --catalog} (the run then discovers one)
 */
record SyncInputs(Optional<Catalog> catalog, State state) {

    static SyncInputs read(Optional<Path> catalogFile, Optional<Path> stateFile) {
        Optional<Catalog> catalog = catalogFile.map(f -> {
            Catalog c = Catalog.read(f);
            checkStreams(c, f.toString());
            return c;
        });
        State state = stateFile.map(f -> {
            State s = State.read(f);
            checkBookmarks(s, f.toString());
            return s;
        }).orElseGet(State::new);
        return new SyncInputs(catalog, state);
    }

    static void checkStreams(Catalog catalog, String file) {
        for (int i = 0; i < catalog.streams().size(); i++) {
            CatalogEntry entry = catalog.streams().get(i);
            String id = entry.tapStreamId();
            String at = "streams[" + i + "]";
            TapStream stream = StreamRegistry.byId(id).orElseThrow(() -> new CatalogException(file, at + ".tap_stream_id: unknown stream '"
                    + id + "' (known: " + StreamRegistry.inSyncOrder().stream().map(TapStream::id).collect(Collectors.joining(", ")) + ")"));
            // Every place that names a method or a key is checked, not only the one that counts today: each was
            // written to be honoured.
            entry.replicationMethodsNamed().forEach((path, method) -> checkMethod(stream, method, at + "." + path, file));
            entry.replicationKeysNamed().forEach((path, key) -> checkKey(stream, key, at + "." + path, file));
        }
    }

    private static void checkMethod(TapStream stream, String method, String path, String file) {
        Optional<ReplicationMethod> m = ReplicationMethod.parse(method);
        Optional<ReplicationMethod> only = stream.forcedReplicationMethod();
        if (m.isPresent() && (only.isEmpty() || only.equals(m))) return;
        String can = only.map(o -> "stream " + stream.id() + " is always " + o.name())
                .orElse("stream " + stream.id() + " is " + Arrays.stream(ReplicationMethod.values()).map(Enum::name)
                        .collect(Collectors.joining(" or ")));
        throw new CatalogException(file, path + ": '" + abbreviate(method) + "' is not supported: " + can);
    }

    private static void checkKey(TapStream stream, String key, String path, String file) {
        List<String> valid = stream.validReplicationKeys();
        if (valid.contains(key)) return;
        String which = valid.isEmpty() ? "it has none" : "valid: " + String.join(", ", valid);
        throw new CatalogException(file, path + ": '" + abbreviate(key) + "' is not a replication key of stream "
                + stream.id() + " (" + which + ")");
    }

    /**
     * A bookmark that is not a date is an error now (exit 2), never a silent full resync later. Whether a text is
     * a date does not depend on the project's timezone (that only says which instant a plain day starts at), so
     * the state is checked before the timezone is known, which may take a request.
     */
    static void checkBookmarks(State state, String file) {
        for (String stream : state.streams()) {
            List<String> values = new ArrayList<>();
            state.bookmark(stream).ifPresent(values::add);
            for (var ctx : state.partitionContexts(stream)) {
                Map<String, Object> m = new LinkedHashMap<>();
                ctx.fields().forEachRemaining(e -> m.put(e.getKey(), plain(e.getValue())));
                state.partitionBookmark(stream, m).ifPresent(values::add);
            }
            for (String v : values) {
                if (Bookmarks.instant(v, ZoneOffset.UTC).isEmpty()) {
                    throw new StateException(file, "bookmarks." + stream + ": '" + v + "' is not a date (yyyy-mm-dd) or an RFC 3339 date-time");
                }
            }
        }
    }

    private static Object plain(JsonNode v) {
        if (v.isIntegralNumber()) return v.asLong();
        if (v.isNumber()) return v.asDouble();
        if (v.isBoolean()) return v.asBoolean();
        return v.asText();
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
