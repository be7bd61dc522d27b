package io.tapmixpanel.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.LexiconSchema;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.mixpanel.PaymentRequiredException;
import io.tapmixpanel.singer.Catalog;
import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.singer.Metadata;
import io.tapmixpanel.streams.GovernanceStream;
import io.tapmixpanel.streams.PropertyNames;
import io.tapmixpanel.streams.StreamId;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the catalog (docs/discovery.md): the static schema of each stream from {@code schemas/}, with engage and export
 * made dynamic from the project's property metadata. A 402 on a stream's metadata endpoint (a plan without that
 * API) leaves the stream out with a warning; any other failure propagates and fails discovery. The governance
 * streams are asked for (with a service account only) and marked not selected by default; group_profiles is
 * offered when data_group_ids names group keys.
 */
public final class Discovery {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Mixpanel JSON types in the order they are listed in a widened "type". */
    private static final List<String> TYPE_ORDER = List.of("null", "boolean", "integer", "number", "string", "array", "object");

    private static final String ENGAGE_LAST_SEEN = "mp_reserved_last_seen";

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
        boolean engageAllowed = true;
        List<String> needServiceAccount = new ArrayList<>();
        for (StreamId id : StreamId.values()) {
            if (id == StreamId.GROUP_PROFILES && dataGroupIds.isEmpty()) continue;
            if (selectedByDefaultOnly && !id.selectedByDefault()) continue;
            if (id.governance()) {
                if (!client.hasServiceAccount()) {
                    needServiceAccount.add(id.id());
                    continue;
                }
                if (!offered(id, entries)) continue;
            }
            ObjectNode schema = staticSchema(id);
            schema.put("additionalProperties", selectPropertiesByDefault);
            // Decision: cohort_members reads its members through the engage API (engage with filter_by_cohort).
            // A 402 on engage/properties means the plan has no engage API, so cohort_members could never sync:
            // it is left out of the catalog with engage, with its own warning, rather than listed and then
            // skipped (402) on every sync. (A catalog written before still works: sync skips a 402 stream.)
            if ((id == StreamId.COHORT_MEMBERS || id == StreamId.GROUP_PROFILES) && !engageAllowed) {
                Log.warning("stream %s left out of the catalog: it reads members through the engage API, which "
                        + "answered 402 (your plan does not include it)", id.id());
                continue;
            }
            try {
                switch (id) {
                    case ENGAGE -> addEngageProperties(schema);
                    case EXPORT -> addExportProperties(schema);
                    default -> { }
                }
            } catch (PaymentRequiredException e) {
                Log.warning("stream %s left out of the catalog: Mixpanel answered 402 (your plan does not include this API): %s",
                        id.id(), e.getMessage());
                if (id == StreamId.ENGAGE) engageAllowed = false;
                continue;
            }
            Metadata md = Metadata.forStream(schema, id.keyProperties(), id.validReplicationKeys(), id.forcedReplicationMethod());
            if (!id.selectedByDefault()) md.streamLevel().put(Metadata.SELECTED_BY_DEFAULT, false);
            entries.add(new CatalogEntry(id.id(), schema, id.keyProperties(), md));
        }
        if (!needServiceAccount.isEmpty()) {
            Log.warning("streams %s left out of the catalog: Mixpanel's governance routes need a service account "
                    + "(service_account_username, service_account_secret, project_id), not api_secret",
                    String.join(", ", needServiceAccount));
        }
        return new Catalog(entries);
    }

    /**
     * Whether the project offers a governance stream (docs/streams.md "Governance streams"): its routes are asked once. A 403
     * (a plan without the feature) or 404 (an undocumented route that is missing or moved) leaves it out with a
     * warning; refused credentials fail discovery; any other failure keeps it listed, for the sync to report.
     */
    private boolean offered(StreamId id, List<CatalogEntry> listed) {
        // The enforcement route answers 404 when none is configured (a stream of no rows), so its 404 cannot tell a
        // project without the route: it is offered with the project's Lexicon (lexicon_events, listed before it).
        if (id == StreamId.SCHEMA_ENFORCEMENT && listed.stream().noneMatch(e -> e.tapStreamId().equals(StreamId.LEXICON_EVENTS.id()))) {
            Log.warning("stream %s left out of the catalog: the project does not offer its Lexicon (lexicon_events is not listed)",
                    id.id());
            return false;
        }
        try {
            GovernanceStream.probe(client, id);
            return true;
        } catch (MixpanelApiException e) {
            if (e.credentialsRefused()) throw e;
            if (e.status() == 402 || e.status() == 403 || e.status() == 404) {
                Log.warning("stream %s left out of the catalog: %s", id.id(), unavailable(e));
                return false;
            }
            Log.warning("stream %s listed although its route failed (the sync will report it if it still fails): %s",
                    id.id(), e.getMessage());
            return true;
        }
    }

    /** Why a governance route is not available, for the warning that skips its stream (discovery and sync). */
    public static String unavailable(MixpanelApiException e) {
        String why = e.status() == 404
                ? "the project does not offer this route (it is undocumented and may have moved)"
                : "the project's plan or the account's role does not include this feature";
        String said = e.apiMessage().isEmpty() ? "" : ": " + e.apiMessage();
        return "Mixpanel answered " + e.status() + " for " + e.path() + ", " + why + said;
    }

    /** The schema of {@code schemas/<stream>.json}, a fresh copy. */
    public static ObjectNode staticSchema(StreamId id) {
        String path = "/schemas/" + id.id() + ".json";
        try (InputStream in = Discovery.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing resource " + path + " (broken build)");
            return (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private void addEngageProperties(ObjectNode schema) {
        ObjectNode props = (ObjectNode) schema.get("properties");
        Map<String, String> reported;
        try {
            reported = client.engageProperties();
        } catch (PaymentRequiredException e) {
            throw e;
        } catch (MixpanelApiException e) {
            // engage/properties is in no Mixpanel spec and may disappear: engage itself still works (docs/discovery.md)
            if (e.status() != 404) throw e;
            Log.warning("engage/properties answered 404 (an undocumented endpoint): engage has its static schema only (%s)",
                    e.getMessage());
            reported = Map.of();
        }
        for (Map.Entry<String, String> e : reported.entrySet()) {
            String column = PropertyNames.engageColumn(e.getKey());
            if (props.has(column)) continue;
            props.set(column, engageType(e.getValue()));
        }
        // The replication key is always there, and always a date-time (the engage stream writes it in RFC 3339),
        // even when engage/properties does not list $last_seen or reports it as a string.
        props.set(ENGAGE_LAST_SEEN, engageType("datetime"));
    }

    /** engage/properties reports string, number, boolean, datetime, object or list. */
    static ObjectNode engageType(String reported) {
        ObjectNode p = F.objectNode();
        switch (reported == null ? "" : reported) {
            case "datetime" -> {
                p.set("type", types("null", "string"));
                p.put("format", "date-time");
            }
            case "number" -> p.set("type", types("null", "number"));
            case "boolean" -> p.set("type", types("null", "boolean"));
            case "list" -> p.set("type", types("null", "array"));
            case "object" -> p.set("type", types("null", "object"));
            default -> p.set("type", types("null", "string"));
        }
        return p;
    }

    private void addExportProperties(ObjectNode schema) {
        ObjectNode props = (ObjectNode) schema.get("properties");
        if (rawProperties) props.set("properties", F.objectNode().set("type", types("null", "object")));
        List<String> names = client.topEventProperties();
        Map<String, Set<String>> lexicon = client.hasProjectId() ? lexiconEventTypes() : Map.of();
        for (String name : names) {
            String column = PropertyNames.exportColumn(name);
            if (props.has(column)) continue;
            Set<String> known = lexicon.get(name);
            ObjectNode p = F.objectNode();
            if (known == null || known.isEmpty() || known.equals(Set.of("null"))) {
                p.set("type", types("null", "string"));
            } else {
                Set<String> all = new LinkedHashSet<>(known);
                all.add("null");
                p.set("type", types(TYPE_ORDER.stream().filter(all::contains).toArray(String[]::new)));
            }
            props.set(column, p);
        }
    }

    /**
     * Event property types from the Lexicon schema registry, merged over all events: a property typed
     * differently by two events gets both types (it widens; it never picks one and breaks the other).
     */
    private Map<String, Set<String>> lexiconEventTypes() {
        List<LexiconSchema> schemas;
        try {
            schemas = client.lexiconSchemas();
        } catch (RuntimeException e) {
            // Types are an improvement, not a requirement: without them every property is a string.
            Log.warning("Lexicon schemas unavailable, export properties are typed as strings: %s", e.getMessage());
            return Map.of();
        }
        Map<String, Set<String>> types = new LinkedHashMap<>();
        for (LexiconSchema s : schemas) {
            if (!"event".equals(s.entityType())) continue;
            JsonNode props = s.schemaJson().path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Set<String> t = types.computeIfAbsent(e.getKey(), k -> new LinkedHashSet<>());
                JsonNode type = e.getValue().get("type");
                if (type == null) {
                    t.add("string");
                } else if (type.isArray()) {
                    type.forEach(x -> t.add(x.asText()));
                } else {
                    t.add(type.asText());
                }
            }
        }
        types.values().forEach(t -> t.retainAll(TYPE_ORDER));
        return types;
    }

    private static ArrayNode types(String... names) {
        ArrayNode a = F.arrayNode();
        for (String n : names) a.add(n);
        return a;
    }
}
