package io.tapmixpanel.discovery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.mixpanel.PaymentRequiredException;
import io.tapmixpanel.singer.Catalog;
import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.singer.Metadata;
import io.tapmixpanel.streams.Discovering;
import io.tapmixpanel.streams.Offer;
import io.tapmixpanel.streams.StaticSchemas;
import io.tapmixpanel.streams.StreamRegistry;
import io.tapmixpanel.streams.TapStream;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the catalog (docs/discovery.md): each stream of {@link StreamRegistry}, in sync order, says whether it is
 * offered and builds its schema (the static one of {@code schemas/}, engage and export made dynamic from the project's
 * property metadata). A 402 on a stream's metadata endpoint (a plan without that API) leaves the stream out with a
 * warning; any other failure propagates and fails discovery, except those a schema says it outlives (engage/properties'
 * 404, a strict events/properties/top's 4xx: docs/discovery.md "The discover command"). Streams that need a service account are left out
 * without one, with one warning for all; the others that are not selected by default are marked so.
 */
public final class Discovery {
    private final MixpanelClient client;
    private final boolean selectPropertiesByDefault;
    private final boolean rawProperties;
    private final List<Long> dataGroupIds;

    public Discovery(MixpanelClient client, boolean selectPropertiesByDefault) {
        this(client, selectPropertiesByDefault, false);
    }

    /** With {@code rawProperties} (export_raw_properties), export's schema has the raw {@code properties} column. */
    public Discovery(MixpanelClient client, boolean selectPropertiesByDefault, boolean rawProperties) {
        this(client, selectPropertiesByDefault, rawProperties, List.of());
    }

    /** With {@code dataGroupIds} (data_group_ids), the catalog offers group_profiles. */
    public Discovery(MixpanelClient client, boolean selectPropertiesByDefault, boolean rawProperties, List<Long> dataGroupIds) {
        this.client = client;
        this.selectPropertiesByDefault = selectPropertiesByDefault;
        this.rawProperties = rawProperties;
        this.dataGroupIds = List.copyOf(dataGroupIds);
    }

    public Catalog discover() {
        return discover(false);
    }

    /**
     * The catalog of the streams selected by default only, for a run without a catalog (docs/discovery.md "Selecting streams
     * and properties"): the governance streams are not asked for, so that run makes no request and logs no
     * warning for streams it would not sync.
     */
    public Catalog discoverSelectedByDefault() {
        return discover(true);
    }

    private Catalog discover(boolean selectedByDefaultOnly) {
        List<CatalogEntry> entries = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        Set<String> refusedForPlan = new HashSet<>();
        Discovering discovering = new Discovering(client, rawProperties, dataGroupIds, listed, refusedForPlan);
        List<String> needServiceAccount = new ArrayList<>();
        for (TapStream stream : StreamRegistry.inSyncOrder()) {
            String id = stream.id();
            if (selectedByDefaultOnly && !stream.selectedByDefault()) continue;
            if (stream.needsServiceAccount() && !client.hasServiceAccount()) {
                needServiceAccount.add(id);
                continue;
            }
            Offer offer = stream.offer(discovering);
            if (offer instanceof Offer.NotAsked) continue;
            if (offer instanceof Offer.LeftOut left) {
                Log.warning("stream %s left out of the catalog: %s", id, left.why());
                continue;
            }
            ObjectNode schema;
            try {
                schema = stream.schema(discovering);
            } catch (PaymentRequiredException e) {
                Log.warning("stream %s left out of the catalog: Mixpanel answered 402 (your plan does not include this API): %s",
                        id, e.getMessage());
                refusedForPlan.add(id);
                continue;
            }
            schema.put("additionalProperties", selectPropertiesByDefault);
            Metadata md = Metadata.forStream(schema, stream.keyProperties(), stream.validReplicationKeys(),
                    stream.forcedReplicationMethod());
            if (!stream.selectedByDefault()) md.streamLevel().put(Metadata.SELECTED_BY_DEFAULT, false);
            entries.add(new CatalogEntry(id, schema, stream.keyProperties(), md));
            listed.add(id);
        }
        if (!needServiceAccount.isEmpty()) {
            // INFO: the run's one WARNING of a project secret already says these need a service account
            // (docs/migrating.md "Project secrets retire on 2027-03-03").
            Log.info("streams %s left out of the catalog: Mixpanel's governance routes need a service account "
                    + "(service_account_username, service_account_secret, project_id), not api_secret",
                    String.join(", ", needServiceAccount));
        }
        return new Catalog(entries);
    }

    /** The schema of {@code schemas/<stream>.json}, a fresh copy. */
    public static ObjectNode staticSchema(TapStream stream) {
        return StaticSchemas.of(stream.id());
    }
}
