package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.TapConfig;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.mixpanel.PaymentRequiredException;
import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.singer.ReplicationMethod;

import java.util.List;
import java.util.Optional;

/**
 * Everything the tap knows about one stream (docs/streams.md "Streams"), in one place: its id and keys, how it replicates,
 * whether discovery offers it and how its schema is built, its cheapest {@code --test} probe, which failures skip
 * it (docs/reliability.md "When a stream fails"), the calls it plans and its sync. {@link StreamRegistry} lists them all in sync
 * order; adding a stream is one class implementing this and one line there.
 */
public interface TapStream {
    /** {@code tap_stream_id}, the name of its schema file and of its STATE entry. */
    String id();

    List<String> keyProperties();

    /** The replication keys a catalog may choose (none for a FULL_TABLE stream). */
    default List<String> validReplicationKeys() { return List.of(); }

    /** The replication method when only one makes sense, whatever the catalog says. */
    Optional<ReplicationMethod> forcedReplicationMethod();

    /**
     * {@code selected-by-default} in discovery's metadata, and what a run without a catalog syncs (docs/discovery.md "Selecting
     * streams and properties").
     */
    default boolean selectedByDefault() { return true; }

    /** Read from the App API's governance routes, which take a service account only (docs/streams.md "Governance streams"). */
    default boolean needsServiceAccount() { return false; }

    /** Whether {@code --test} without a catalog checks it: the streams a sync without a catalog would sync. */
    default boolean inScopeWithoutCatalog(TapConfig config) { return selectedByDefault(); }

    /**
     * How this stream replicates with this catalog entry, the one rule of docs/streams.md "Streams": a stream with only
     * one sensible method always uses it, whatever the catalog says; engage uses the catalog's choice; no choice
     * means FULL_TABLE.
     */
    default ReplicationMethod replicationMethod(CatalogEntry entry) {
        return forcedReplicationMethod().or(entry::replicationMethod).orElse(ReplicationMethod.FULL_TABLE);
    }

    /** {@code bookmark_properties} of its SCHEMA. */
    List<String> bookmarkProperties(boolean incremental);

    /** Whether discovery lists it for this project, asked before its schema is built (docs/discovery.md). */
    default Offer offer(Discovering discovering) { return Offer.OFFERED; }

    /**
     * Its discovered schema: {@code schemas/<id>.json}, plus what the project's metadata adds. A
     * {@link PaymentRequiredException} leaves the stream out of the catalog with a warning.
     */
    default ObjectNode schema(Discovering discovering) { return StaticSchemas.of(id()); }

    /** Its cheapest real calls, for {@code --test} (README "Command line"). */
    Probe probe(Probe.Context context);

    /** The failures that skip it with a warning instead of failing it, tried in order (docs/reliability.md "When a stream fails"). */
    default List<SkipRule> skipRules() { return List.of(SkipRule.PAYMENT_REQUIRED); }

    /** Why {@code e} only means this stream is not available to the project; empty when it is a failure. */
    default Optional<Skip> skip(MixpanelApiException e) {
        // Refused credentials end the run, whatever the status; a 402 is a plan's answer, never a refusal.
        if (!(e instanceof PaymentRequiredException) && e.credentialsRefused()) return Optional.empty();
        return skipRules().stream().map(r -> r.match(e)).flatMap(Optional::stream).findFirst();
    }

    /**
     * The budget-counted calls its sync will make, for the plan logged before syncing (docs/rate-limits.md "Rate limits"). It may
     * call list endpoints, whose answers the client keeps for the run, so the sync does not ask again.
     */
    CallPlan plan(StreamContext ctx);

    void sync(StreamContext ctx);
}
