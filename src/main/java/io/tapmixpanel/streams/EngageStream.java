package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tapmixpanel.mixpanel.EngageQuery;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.singer.ReplicationMethod;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * engage: user profiles, {@code distinct_id} plus the de-nested {@code $properties} (renamed as docs/streams.md "Streams" says).
 * FULL_TABLE by default; INCREMENTAL on {@code mp_reserved_last_seen} when the catalog asks, reading only
 * profiles seen since the bookmark ({@code where properties["$last_seen"] >= ...}). Mixpanel writes profile
 * datetimes without a zone; they are UTC and are written as RFC 3339 with {@code Z}. Each page's records are admitted
 * to the schema together, so a page writes at most one new SCHEMA.
 */
final class EngageStream implements TapStream {
    @Override
    public String id() { return "engage"; }

    @Override
    public List<String> keyProperties() { return List.of("distinct_id"); }

    @Override
    public List<String> validReplicationKeys() { return List.of(LAST_SEEN); }

    /** The catalog chooses: FULL_TABLE or INCREMENTAL. */
    @Override
    public Optional<ReplicationMethod> forcedReplicationMethod() { return Optional.empty(); }

    @Override
    public ObjectNode schema(Discovering d) { return EngageSchema.of(d.client()); }

    @Override
    public Probe probe(Probe.Context c) { return Probe.of(probeCall(c.client())); }

    /**
     * Page 0 of the profiles, shared by the streams that read through engage. {@code page_size} is no request
     * parameter in Mixpanel's spec, so the probe does not rely on it: page 0 is a whole page (up to 1,000 profiles),
     * and asking only for {@code $distinct_id} keeps it to about 100 bytes a profile (README "Command line", --test).
     */
    static Probe.Call probeCall(MixpanelClient client) {
        return new Probe.Call("engage", () -> client.engage(probeQuery(OptionalLong.empty())));
    }

    /** Page 0 of the profiles ({@code dataGroupId}: of a group key), with no property but the distinct id. */
    static EngageQuery probeQuery(OptionalLong dataGroupId) {
        return new EngageQuery(Optional.empty(), PROBE_PROPERTIES, Optional.empty(), 0, OptionalInt.empty(),
                OptionalLong.empty(), dataGroupId);
    }

    private static final List<String> PROBE_PROPERTIES = List.of("$distinct_id");
    static final String LAST_SEEN = "mp_reserved_last_seen";
    private static final Pattern ZONELESS = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?");
    private static final DateTimeFormatter WHERE_FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    @Override
    public CallPlan plan(StreamContext ctx) {
        return CallPlan.query(1, "engage 1 first page");
    }

    @Override
    public void sync(StreamContext ctx) {
        boolean incremental = ctx.incremental();
        Instant runStart = ctx.clock().instant();
        Optional<Instant> since = Optional.empty();
        if (incremental) {
            since = ctx.state().bookmark(ctx.stream()).flatMap(b -> Bookmarks.instant(b, ctx.zone()))
                    .or(() -> Optional.of(ctx.config().windows().startDate().toInstant(ctx.zone())));
        }
        Optional<String> where = since.map(t -> "properties[\"$last_seen\"] >= \"" + WHERE_FORMAT.format(t) + "\"");
        EngageQuery q = new EngageQuery(where, List.of(), Optional.empty(), 0, OptionalInt.empty(), OptionalLong.empty());
        Seen seen = EngagePages.read("engage", ctx.client()::engage, q, ctx.pool(), ctx.config().http().maxConcurrentRequests(),
                ctx.position(), new Seen(0, since), (sofar, page) -> {
                    List<ObjectNode> records = new ArrayList<>(page.size());
                    Seen after = sofar.plus(page.size());
                    for (ObjectNode profile : page) {
                        ObjectNode r = shape(profile);
                        // only an incremental run keeps a bookmark: no parse per profile otherwise
                        if (incremental) after = after.seen(dateTime(r.get(LAST_SEEN)));
                        records.add(r);
                    }
                    ctx.emitter().emitAll(records);
                    return after;
                });
        ctx.committer().commit(incremental && seen.latest().isPresent()
                ? Checkpoint.bookmark(seen.records(), LAST_SEEN, bookmark(seen.latest().get(), runStart))
                : Checkpoint.of(seen.records()));
    }

    /** What engage's pages read so far hand back: the profiles written, and the latest {@code $last_seen} among them (or the bookmark read from). */
    record Seen(long records, Optional<Instant> latest) {
        Seen plus(long more) { return new Seen(records + more, latest); }

        Seen seen(Optional<Instant> lastSeen) {
            if (lastSeen.isEmpty() || (latest.isPresent() && !lastSeen.get().isAfter(latest.get()))) return this;
            return new Seen(records, lastSeen);
        }
    }

    /**
     * docs/state.md "State": the bookmark is the latest {@code $last_seen} read, but never after the run started (a profile
     * seen "in the future" must not make later runs skip every profile updated until then).
     */
    static String bookmark(Instant latestSeen, Instant runStart) {
        return new Rfc3339().toString((latestSeen.isAfter(runStart) ? runStart : latestSeen).toEpochMilli());
    }

    /** A value as an instant when it is an RFC 3339 date-time text; anything else does not count for the bookmark. */
    static Optional<Instant> dateTime(JsonNode v) {
        if (v == null || !v.isTextual()) return Optional.empty();
        try {
            return Optional.of(OffsetDateTime.parse(v.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * docs/streams.md "Streams" (engage): a zone-less date-time text is UTC and is written with {@code Z}, judged by the value
     * alone, so that one column never mixes both forms whatever order the values came in. Lone surrogates in names
     * and values become U+FFFD ({@link UnicodeText}).
     */
    static ObjectNode shape(ObjectNode profile) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.set("distinct_id", UnicodeText.clean(profile.get("$distinct_id")));
        JsonNode props = profile.get("$properties");
        if (props != null && props.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = UnicodeText.clean(e.getValue());
                if (v.isTextual() && isZonelessDateTime(v.asText())) v = TextNode.valueOf(v.asText() + "Z");
                r.set(PropertyNames.engageColumn(UnicodeText.clean(e.getKey())), v);
            }
        }
        return r;
    }

    private static boolean isZonelessDateTime(String s) {
        if (!ZONELESS.matcher(s).matches()) return false;
        try {
            LocalDateTime.parse(s, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    @Override
    public List<String> bookmarkProperties(boolean incremental) {
        return incremental ? List.of(LAST_SEEN) : List.of();
    }
}
