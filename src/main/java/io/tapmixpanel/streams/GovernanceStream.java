package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.GovernanceRoute;
import io.tapmixpanel.mixpanel.MixpanelClient;

import java.util.List;

/**
 * The governance streams (docs/streams.md "Governance streams"): each one or two App API listings, read whole (FULL_TABLE),
 * every item written with every field as Mixpanel sent it. lexicon_properties reads event and user properties and
 * says which in {@code resource_type}; schemas is the schema registry. Lone surrogates become U+FFFD, as in the
 * other streams (docs/streams.md "Streams", names and text).
 */
public final class GovernanceStream implements StreamSync {
    private final StreamId id;

    GovernanceStream(StreamId id) {
        if (!id.governance()) throw new IllegalArgumentException(id + " is not a governance stream");
        this.id = id;
    }

    /** The App API routes of a governance stream, in the order they are read (none for schemas: the registry). */
    static List<GovernanceRoute> routes(StreamId id) {
        return switch (id) {
            case LEXICON_EVENTS -> List.of(GovernanceRoute.LEXICON_EVENTS);
            case LEXICON_PROPERTIES -> List.of(GovernanceRoute.LEXICON_EVENT_PROPERTIES, GovernanceRoute.LEXICON_USER_PROPERTIES);
            case LEXICON_TAGS -> List.of(GovernanceRoute.LEXICON_TAGS);
            case CUSTOM_PROPERTIES -> List.of(GovernanceRoute.CUSTOM_PROPERTIES);
            case CUSTOM_EVENTS -> List.of(GovernanceRoute.CUSTOM_EVENTS);
            case DROP_FILTERS -> List.of(GovernanceRoute.DROP_FILTERS);
            case LOOKUP_TABLES -> List.of(GovernanceRoute.LOOKUP_TABLES);
            case SCHEMA_ENFORCEMENT -> List.of(GovernanceRoute.SCHEMA_ENFORCEMENT);
            case DATA_VOLUME_ANOMALIES -> List.of(GovernanceRoute.DATA_VOLUME_ANOMALIES);
            case DELETION_REQUESTS -> List.of(GovernanceRoute.DELETION_REQUESTS);
            default -> List.of();
        };
    }

    /**
     * Asks Mixpanel for the stream's listings once, as discovery does to learn whether the project offers them: a
     * 403 or 404 propagates as a {@link io.tapmixpanel.mixpanel.MixpanelApiException}. The client keeps the
     * schema registry's answer, so a sync in the same run does not spend another of its 5 calls a minute.
     */
    public static void probe(MixpanelClient client, StreamId id) {
        if (id == StreamId.SCHEMAS) {
            client.schemaRegistry();
            return;
        }
        for (GovernanceRoute r : routes(id)) client.governance(r);
    }

    @Override
    public CallPlan plan(StreamContext ctx) {
        // The App API has no hourly budget; the schema registry's per-minute limit is kept by the client.
        return CallPlan.NONE;
    }

    @Override
    public void sync(StreamContext ctx) {
        if (id == StreamId.SCHEMAS) {
            // kept by the client for the run, shared with discovery: written as copies
            for (ObjectNode s : ctx.client().schemaRegistry()) ctx.emitter().emit((ObjectNode) UnicodeText.clean(s.deepCopy()));
        } else {
            for (GovernanceRoute r : routes(id)) {
                for (ObjectNode item : ctx.client().governance(r)) {
                    if (id == StreamId.LEXICON_PROPERTIES) item.put("resource_type", resourceType(r));
                    ctx.emitter().emit((ObjectNode) UnicodeText.clean(item));
                }
            }
        }
        ctx.checkpoint();
    }

    /** The listing a property came from, as Mixpanel spells the resource type: {@code Event} or {@code User}. */
    private static String resourceType(GovernanceRoute r) {
        return r == GovernanceRoute.LEXICON_USER_PROPERTIES ? "User" : "Event";
    }

    @Override
    public List<String> bookmarkProperties(boolean incremental) { return List.of(); }
}
