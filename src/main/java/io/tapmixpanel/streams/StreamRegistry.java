package io.tapmixpanel.streams;

import io.tapmixpanel.mixpanel.GovernanceRoute;
import io.tapmixpanel.streams.export.ExportStream;
import io.tapmixpanel.streams.governance.GovernanceStream;

import java.util.List;
import java.util.Optional;

import static io.tapmixpanel.streams.governance.GovernanceStream.Listing.routes;

/**
 * Every stream the tap offers (docs/streams.md "Streams"), once each, in sync order: a run syncs the selected ones in this
 * order (the interrupted one first), discovery lists them in it. Adding a stream is one line here.
 */
public final class StreamRegistry {
    private static final List<TapStream> STREAMS = List.of(
            new ExportStream(d -> ExportSchema.of(d.client(), d.rawProperties())),
            new EngageStream(),
            new FunnelsStream(),
            new RevenueStream(),
            new AnnotationsStream(),
            new CohortsStream(),
            new CohortMembersStream(),
            new GroupProfilesStream(),
            new GovernanceStream("lexicon_events", List.of("id"), routes(GovernanceRoute.LEXICON_EVENTS)),
            new GovernanceStream("lexicon_properties", List.of("resource_type", "name"), GovernanceStream.Listing.lexiconProperties()),
            new GovernanceStream("lexicon_tags", List.of("id"), routes(GovernanceRoute.LEXICON_TAGS)),
            new GovernanceStream("schemas", List.of("entityType", "name"), GovernanceStream.Listing.schemaRegistry()),
            new GovernanceStream("custom_properties", List.of("customPropertyId"), routes(GovernanceRoute.CUSTOM_PROPERTIES)),
            new GovernanceStream("custom_events", List.of("customEventId"), routes(GovernanceRoute.CUSTOM_EVENTS)),
            new GovernanceStream("drop_filters", List.of("id"), routes(GovernanceRoute.DROP_FILTERS)),
            new GovernanceStream("lookup_tables", List.of("id"), routes(GovernanceRoute.LOOKUP_TABLES).withTextField("id")),
            new GovernanceStream("schema_enforcement", List.of("id"), GovernanceStream.Listing.schemaEnforcement()),
            new GovernanceStream("data_volume_anomalies", List.of("anomalyClass", "id"), routes(GovernanceRoute.DATA_VOLUME_ANOMALIES)),
            new GovernanceStream("deletion_requests", List.of("id"), routes(GovernanceRoute.DELETION_REQUESTS)));

    private StreamRegistry() {}

    /** All streams, in sync order. */
    public static List<TapStream> inSyncOrder() { return STREAMS; }

    public static Optional<TapStream> byId(String id) {
        return STREAMS.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The stream of a catalog or state id the tap has checked exists. */
    public static TapStream of(String id) {
        return byId(id).orElseThrow(() -> new IllegalArgumentException("unknown stream " + id));
    }
}
