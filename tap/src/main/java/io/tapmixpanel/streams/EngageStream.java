package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tapmixpanel.mixpanel.EngageQuery;
import io.tapmixpanel.singer.SchemaGuard;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * engage: user profiles, {@code distinct_id} plus the de-nested {@code $properties} (renamed as README "Streams" says).
 * FULL_TABLE by default; INCREMENTAL on {@code mp_reserved_last_seen} when the catalog asks, reading only
 * profiles seen since the bookmark ({@code where properties["$last_seen"] >= ...}). Mixpanel writes profile
 * datetimes without a zone; they are UTC and are written as RFC 3339 with {@code Z}.
 */
final class EngageStream implements StreamSync {
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
        Optional<Instant> since = Optional.empty();
        if (incremental) {
            since = ctx.state().bookmark(ctx.stream()).flatMap(b -> Bookmarks.instant(b, ctx.zone()))
                    .or(() -> Optional.of(ctx.config().windows().startDate().toInstant(ctx.zone())));
        }
        Optional<String> where = since.map(t -> "properties[\"$last_seen\"] >= \"" + WHERE_FORMAT.format(t) + "\"");
        EngageQuery q = new EngageQuery(where, List.of(), Optional.empty(), 0, OptionalInt.empty(), OptionalLong.empty());
        String[] maxSeen = {since.map(t -> new Rfc3339().toString(t.toEpochMilli())).orElse(null)};
        SchemaGuard guard = ctx.emitter().guard();
        EngagePages.forEach(ctx.client()::engage, q, ctx.pool(), ctx.config().http().maxConcurrentRequests(), ctx.position(), page -> {
            for (ObjectNode profile : page) {
                ObjectNode r = shape(profile, guard);
                JsonNode seen = r.get(LAST_SEEN);
                // RFC 3339 UTC strings of one shape compare correctly as text.
                if (seen != null && seen.isTextual() && (maxSeen[0] == null || seen.asText().compareTo(maxSeen[0]) > 0)) {
                    maxSeen[0] = seen.asText();
                }
                ctx.emitter().emit(r);
            }
        });
        if (incremental && maxSeen[0] != null) ctx.state().setBookmark(ctx.stream(), LAST_SEEN, maxSeen[0]);
        ctx.checkpoint();
    }

    static ObjectNode shape(ObjectNode profile, SchemaGuard guard) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.set("distinct_id", profile.get("$distinct_id"));
        JsonNode props = profile.get("$properties");
        if (props != null && props.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String column = PropertyNames.engageColumn(e.getKey());
                JsonNode v = e.getValue();
                if (v.isTextual() && (guard.isDateTime(column) || column.equals(LAST_SEEN))
                        && ZONELESS.matcher(v.asText()).matches()) {
                    v = TextNode.valueOf(v.asText() + "Z");
                }
                r.set(column, v);
            }
        }
        return r;
    }

    @Override
    public List<String> bookmarkProperties(boolean incremental) {
        return incremental ? List.of(LAST_SEEN) : List.of();
    }
}
