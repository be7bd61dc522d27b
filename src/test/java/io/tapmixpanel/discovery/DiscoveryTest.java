package io.tapmixpanel.discovery;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.singer.Catalog;
import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.singer.Metadata;
import io.tapmixpanel.streams.StreamRegistry;
import io.tapmixpanel.streams.TapStream;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Discovery against WireMock: types, renaming, Lexicon, metadata, 402 and failure paths (docs/streams.md "Streams" and docs/discovery.md). */
class DiscoveryTest extends DiscoveryWireMockSupport {

    @Test
    void engagePropertiesOfEveryReportedTypeBecomeNullableJsonSchema() {
        stubEngageProperties("""
                {"$browser":{"count":1,"type":"string"},
                 "age":{"count":1,"type":"number"},
                 "$is_active":{"count":1,"type":"boolean"},
                 "$last_seen":{"count":1,"type":"datetime"},
                 "$created":{"count":1,"type":"datetime"},
                 "address":{"count":1,"type":"object"},
                 "tags":{"count":1,"type":"list"},
                 "weird":{"count":1,"type":"hyperloglog"},
                 "untyped":{"count":1}}""");
        stubTopProperties("{}");
        stubLexicon("[]");
        Catalog c = discover(SERVICE_ACCOUNT);

        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "engage", "mp_reserved_browser"));
        assertEquals(json("{\"type\":[\"null\",\"number\"]}"), prop(c, "engage", "age"));
        assertEquals(json("{\"type\":[\"null\",\"boolean\"]}"), prop(c, "engage", "mp_reserved_is_active"));
        assertEquals(json("{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"}"), prop(c, "engage", "mp_reserved_last_seen"));
        assertEquals(json("{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"}"), prop(c, "engage", "mp_reserved_created"));
        assertEquals(json("{\"type\":[\"null\",\"object\"]}"), prop(c, "engage", "address"));
        assertEquals(json("{\"type\":[\"null\",\"array\"]}"), prop(c, "engage", "tags"));
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "engage", "weird"), "unknown type -> string");
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "engage", "untyped"), "no type -> string");
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "engage", "distinct_id"));
        assertFalse(schemaOf(c, "engage").path("properties").has("$browser"), "no $ name survives");

        ObjectNode stream = c.entry("engage").orElseThrow().metadata().get(Metadata.STREAM).orElseThrow();
        assertEquals("[\"mp_reserved_last_seen\"]", stream.get("valid-replication-keys").toString());
        assertEquals("[\"distinct_id\"]", stream.get("table-key-properties").toString());
        assertFalse(stream.has("forced-replication-method"), "engage may be FULL_TABLE or INCREMENTAL");
    }

    @Test
    void engageReplicationKeyIsAlwaysInTheSchemaAsADateTime() {
        // A project whose engage/properties does not list $last_seen (or reports it as a string) still gets a
        // date-time mp_reserved_last_seen: it is the valid replication key and the engage stream emits it in RFC 3339.
        stubEngageProperties("{\"$browser\":{\"count\":1,\"type\":\"string\"}}");
        stubTopProperties("{}");
        stubLexicon("[]");
        Catalog c = discover(SERVICE_ACCOUNT);
        assertEquals(json("{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"}"), prop(c, "engage", "mp_reserved_last_seen"));
        assertEquals("automatic", c.entry("engage").orElseThrow().metadata().property("mp_reserved_last_seen").get("inclusion").asText());

        wm.resetAll();
        stubEngageProperties("{\"$last_seen\":{\"count\":1,\"type\":\"string\"}}");
        stubTopProperties("{}");
        stubLexicon("[]");
        c = discover(SERVICE_ACCOUNT);
        assertEquals(json("{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"}"), prop(c, "engage", "mp_reserved_last_seen"));
    }

    @Test
    void exportPropertiesAreTypedFromLexiconMergedOverEventsWithConflictsWidened() {
        stubEngageProperties("{}");
        stubTopProperties("""
                {"item_id":{"count":9},"price":{"count":9},"coupon":{"count":9},"mixed":{"count":3},
                 "$browser":{"count":9},"not_in_lexicon":{"count":1},"plan":{"count":1},"nulls_only":{"count":1},
                 "time":{"count":9},"distinct_id":{"count":9},"$insert_id":{"count":9},"flags":{"count":1},"meta":{"count":1}}""");
        stubLexicon("""
                [{"entityType":"event","name":"Added To Cart","schemaJson":{"properties":{
                    "item_id":{"type":"integer"},"price":{"type":"number"},"coupon":{"type":["string","null"]},
                    "mixed":{"type":"integer"},"time":{"type":"integer"},"distinct_id":{"type":"integer"},
                    "flags":{"type":"array"},"meta":{"type":"object"},"nulls_only":{"type":"null"}}}},
                 {"entityType":"event","name":"Viewed Page","schemaJson":{"properties":{
                    "mixed":{"type":"string"},"$browser":{"type":"string"},"price":{"type":"integer"}}}},
                 {"entityType":"profile","name":"$user","schemaJson":{"properties":{"plan":{"type":"number"}}}}]""");
        Catalog c = discover(SERVICE_ACCOUNT);

        assertEquals(json("{\"type\":[\"null\",\"integer\"]}"), prop(c, "export", "item_id"));
        assertEquals(json("{\"type\":[\"null\",\"integer\",\"number\"]}"), prop(c, "export", "price"), "number + integer widen");
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "export", "coupon"));
        assertEquals(json("{\"type\":[\"null\",\"integer\",\"string\"]}"), prop(c, "export", "mixed"), "conflict widens to both");
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "export", "mp_reserved_browser"));
        assertEquals(json("{\"type\":[\"null\",\"array\"]}"), prop(c, "export", "flags"));
        assertEquals(json("{\"type\":[\"null\",\"object\"]}"), prop(c, "export", "meta"));
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "export", "not_in_lexicon"));
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "export", "plan"), "profile schemas do not type events");
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "export", "nulls_only"), "a null-only type is no type");
        // The static columns keep their static types whatever Lexicon says.
        assertEquals(json("{\"type\":[\"null\",\"string\"],\"format\":\"date-time\"}"), prop(c, "export", "time"));
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "export", "distinct_id"));
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "export", "mp_reserved_insert_id"));
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "export", "event"));

        wm.verify(1, getRequestedFor(urlPathEqualTo(LEXICON_PATH)));
    }

    @Test
    void apiSecretWithoutProjectIdTypesExportAsStringsAndNeverCallsLexicon() {
        stubEngageProperties("{}");
        stubTopProperties("{\"item_id\":{\"count\":9},\"$browser\":{\"count\":1}}");
        stubLexicon("[{\"entityType\":\"event\",\"name\":\"E\",\"schemaJson\":{\"properties\":{\"item_id\":{\"type\":\"integer\"}}}}]");
        Catalog c = discover(API_SECRET_ONLY);
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "export", "item_id"));
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "export", "mp_reserved_browser"));
        wm.verify(0, getRequestedFor(urlPathMatching("/api/app/.*")));
    }

    @Test
    void aFailingLexiconOnlyCostsTheTypes() {
        stubEngageProperties("{}");
        stubTopProperties("{\"item_id\":{\"count\":9}}");
        stubJson(LEXICON_PATH, 403, "{\"status\":\"error\",\"error\":\"no access\"}");
        Catalog c = discover(SERVICE_ACCOUNT);
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "export", "item_id"));
        assertTrue(log().contains("WARNING") && log().contains("Lexicon"), log());
        // the schemas stream's probe does not ask again: the registry's refusal is kept for the run
        wm.verify(1, getRequestedFor(urlPathEqualTo(LEXICON_PATH)));
    }

    @Test
    void exportStreamMetadata() {
        stubMinimalProject();
        Catalog c = discover(SERVICE_ACCOUNT);
        CatalogEntry export = c.entry("export").orElseThrow();
        ObjectNode s = export.metadata().get(Metadata.STREAM).orElseThrow();
        assertEquals("INCREMENTAL", s.get("forced-replication-method").asText());
        assertEquals("[\"time\"]", s.get("valid-replication-keys").toString());
        assertEquals("[]", s.get("table-key-properties").toString());
        assertEquals(List.of(), export.keyProperties());
        assertEquals("automatic", export.metadata().property("time").get("inclusion").asText());
        assertEquals("available", export.metadata().property("event").get("inclusion").asText());
        assertEquals("available", export.metadata().property("plan").get("inclusion").asText());
    }

    @Test
    void everyStreamHasStreamAndPropertyMetadata() {
        stubMinimalProject();
        Catalog c = discover(SERVICE_ACCOUNT);
        assertEquals(List.of("export", "engage", "funnels", "revenue", "annotations", "cohorts", "cohort_members"),
                defaultStreams(c));
        Map<String, String> forced = Map.of("export", "INCREMENTAL", "funnels", "INCREMENTAL", "revenue", "INCREMENTAL",
                "annotations", "FULL_TABLE", "cohorts", "FULL_TABLE", "cohort_members", "FULL_TABLE");
        for (CatalogEntry e : c.streams()) {
            TapStream id = StreamRegistry.of(e.tapStreamId());
            assertEquals(e.tapStreamId(), e.stream());
            assertEquals(id.keyProperties(), e.keyProperties());
            ObjectNode s = e.metadata().get(Metadata.STREAM).orElseThrow();
            assertEquals(strings(id.keyProperties()), s.get("table-key-properties"), e.tapStreamId());
            assertEquals("available", s.get("inclusion").asText(), e.tapStreamId());
            assertEquals(id.selectedByDefault(), s.get("selected-by-default").asBoolean(), e.tapStreamId());
            assertFalse(s.has("selected"), "discovery selects nothing: the user does");
            assertEquals(Optional.ofNullable(forced.get(e.tapStreamId())).or(() -> id.needsServiceAccount() ? Optional.of("FULL_TABLE") : Optional.empty()),
                    Optional.ofNullable(s.get("forced-replication-method")).map(JsonNode::asText), e.tapStreamId());
            if (id.validReplicationKeys().isEmpty()) {
                assertFalse(s.has("valid-replication-keys"), e.tapStreamId());
            } else {
                assertEquals(strings(id.validReplicationKeys()), s.get("valid-replication-keys"), e.tapStreamId());
            }
            Set<String> automatic = new java.util.HashSet<>(id.keyProperties());
            automatic.addAll(id.validReplicationKeys());
            List<String> schemaProps = new java.util.ArrayList<>();
            e.schema().path("properties").fieldNames().forEachRemaining(schemaProps::add);
            assertEquals(schemaProps, e.metadata().propertyNames(), "one metadata entry per property, in schema order");
            for (String k : automatic) assertTrue(schemaProps.contains(k), e.tapStreamId() + " lacks its key " + k);
            for (String p : schemaProps) {
                String expected = automatic.contains(p) ? "automatic" : "available";
                assertEquals(expected, e.metadata().property(p).get("inclusion").asText(), e.tapStreamId() + "." + p);
            }
            assertTrue(e.metadata().breadcrumbs().stream().allMatch(b -> b.isEmpty() || b.size() == 2));
        }
    }

    @Test
    void additionalPropertiesFollowsSelectPropertiesByDefault() {
        stubMinimalProject();
        for (boolean byDefault : new boolean[]{true, false}) {
            Catalog c = discover(SERVICE_ACCOUNT, byDefault);
            for (CatalogEntry e : c.streams()) {
                assertEquals(byDefault, e.schema().get("additionalProperties").asBoolean(), e.tapStreamId() + " " + byDefault);
            }
        }
    }

    @Test
    void paymentRequiredOnEngagePropertiesLeavesEngageAndCohortMembersOut() {
        stubJson("/api/2.0/engage/properties", 402, "{\"request\":\"/api/2.0/engage/properties\",\"error\":\"Your plan does not allow API calls\"}");
        stubTopProperties("{\"plan\":{\"count\":1}}");
        stubLexicon("[]");
        Catalog c = discover(SERVICE_ACCOUNT);
        List<String> ids = defaultStreams(c);
        assertFalse(ids.contains("engage"), ids.toString());
        assertFalse(ids.contains("cohort_members"), "cohort_members reads members through engage: " + ids);
        assertEquals(List.of("export", "funnels", "revenue", "annotations", "cohorts"), ids);
        String log = log();
        assertTrue(log.lines().anyMatch(l -> l.contains("WARNING") && l.contains("engage") && l.contains("402")), log);
        assertTrue(log.lines().anyMatch(l -> l.contains("WARNING") && l.contains("cohort_members")), log);
    }

    @Test
    void engagePropertiesMissingFallsBackToTheStaticEngageSchemaWithAWarning() {
        // engage/properties is undocumented (docs/reliability.md "When a stream fails"): its 404 costs the reported types only
        stubJson("/api/2.0/engage/properties", 404, "{\"error\":\"not found\"}");
        stubTopProperties("{\"plan\":{\"count\":1}}");
        stubLexicon("[]");
        Catalog c = discover(SERVICE_ACCOUNT);
        List<String> ids = defaultStreams(c);
        assertEquals(List.of("export", "engage", "funnels", "revenue", "annotations", "cohorts", "cohort_members"), ids);
        CatalogEntry engage = c.streams().stream().filter(e -> e.tapStreamId().equals("engage")).findFirst().orElseThrow();
        ObjectNode expected = (ObjectNode) Discovery.staticSchema(StreamRegistry.of("engage")).get("properties");
        expected.fieldNames().forEachRemaining(f -> assertTrue(engage.schema().get("properties").has(f), f));
        assertTrue(engage.schema().get("properties").has("mp_reserved_last_seen"));
        assertTrue(log().lines().anyMatch(l -> l.startsWith("WARNING") && l.contains("engage/properties") && l.contains("404")), log());
        wm.verify(1, getRequestedFor(urlPathEqualTo("/api/2.0/engage/properties")));
    }

    @Test
    void paymentRequiredOnTopEventPropertiesLeavesExportOut() {
        stubEngageProperties("{\"$browser\":{\"count\":1,\"type\":\"string\"}}");
        stubJson("/api/2.0/events/properties/top", 402, "{\"request\":\"/api/2.0/events/properties/top\",\"error\":\"Your plan does not allow API calls\"}");
        stubLexicon("[]");
        Catalog c = discover(SERVICE_ACCOUNT);
        List<String> ids = defaultStreams(c);
        assertEquals(List.of("engage", "funnels", "revenue", "annotations", "cohorts", "cohort_members"), ids);
        assertTrue(log().lines().anyMatch(l -> l.contains("WARNING") && l.contains("export") && l.contains("402")), log());
        // no type lookup for export: the one registry call is the schemas stream's probe
        wm.verify(1, getRequestedFor(urlPathEqualTo(LEXICON_PATH)));
    }

    @Test
    void aStrictTopEventProperties422GivesExportTheRegistrysEventPropertiesWithOneWarning() {
        // Mixpanel's spec wants `event` on events/properties/top (docs/discovery.md): a server that holds to it answers 422
        stubEngageProperties("{\"$browser\":{\"count\":1,\"type\":\"string\"}}");
        stubJson("/api/2.0/events/properties/top", 422, "{\"error\":\"event is required\"}");
        stubLexicon("[{\"entityType\":\"event\",\"name\":\"E\",\"schemaJson\":{\"properties\":{\"item_id\":{\"type\":\"integer\"},"
                + "\"coupon\":{\"type\":[\"string\",\"null\"]}}}},"
                + "{\"entityType\":\"profile\",\"name\":\"$user\",\"schemaJson\":{\"properties\":{\"plan\":{\"type\":\"string\"}}}}]");
        Catalog c = discover(SERVICE_ACCOUNT);
        assertEquals(List.of("export", "engage", "funnels", "revenue", "annotations", "cohorts", "cohort_members"), defaultStreams(c));
        JsonNode props = c.streams().stream().filter(e -> e.tapStreamId().equals("export")).findFirst().orElseThrow().schema().get("properties");
        assertEquals("[\"null\",\"integer\"]", props.get("item_id").get("type").toString());
        assertEquals("[\"null\",\"string\"]", props.get("coupon").get("type").toString());
        assertFalse(props.has("plan"), "profile properties are not export columns");
        // one warning about export's schema (the governance streams' own warnings are about their routes)
        List<String> warnings = log().lines().filter(l -> l.startsWith("WARNING") && !l.contains("left out of the catalog")).toList();
        assertEquals(1, warnings.size(), log());
        assertTrue(warnings.get(0).contains("events/properties/top answered 422") && warnings.get(0).contains("Lexicon schema registry"), log());
        wm.verify(1, getRequestedFor(urlPathEqualTo("/api/2.0/events/properties/top")));
    }

    @Test
    void aStrictTopEventProperties400WithoutARegistryLeavesExportItsStaticSchemaWithOneWarning() {
        stubEngageProperties("{\"$browser\":{\"count\":1,\"type\":\"string\"}}");
        stubJson("/api/2.0/events/properties/top", 400, "{\"error\":\"'event' is a required parameter\"}");
        stubJson(LEXICON_PATH, 403, "{\"status\":\"error\",\"error\":\"no access\"}");
        Catalog c = discover(SERVICE_ACCOUNT);
        CatalogEntry export = c.streams().stream().filter(e -> e.tapStreamId().equals("export")).findFirst().orElseThrow();
        ObjectNode expected = (ObjectNode) Discovery.staticSchema(StreamRegistry.of("export")).get("properties");
        List<String> columns = new java.util.ArrayList<>();
        export.schema().get("properties").fieldNames().forEachRemaining(columns::add);
        List<String> staticColumns = new java.util.ArrayList<>();
        expected.fieldNames().forEachRemaining(staticColumns::add);
        assertEquals(staticColumns, columns);
        List<String> warnings = log().lines().filter(l -> l.startsWith("WARNING") && !l.contains("left out of the catalog")).toList();
        assertEquals(1, warnings.size(), log());
        assertTrue(warnings.get(0).contains("400") && warnings.get(0).contains("static schema only"), log());
    }

    @Test
    void refusedCredentialsOnTopEventPropertiesStillFailDiscovery() {
        stubEngageProperties("{}");
        stubJson("/api/2.0/events/properties/top", 401, "{\"error\":\"Unable to authenticate request\"}");
        stubLexicon("[]");
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> discover(SERVICE_ACCOUNT));
        assertEquals(401, e.status());
    }

    @Test
    void aPersistent500FailsDiscoveryNamingTheEndpoint() {
        stubJson("/api/2.0/engage/properties", 500, "{\"error\":\"internal\"}");
        stubTopProperties("{}");
        stubLexicon("[]");
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> discover(SERVICE_ACCOUNT));
        assertEquals(500, e.status());
        assertTrue(e.getMessage().contains("engage/properties") || e.getMessage().contains("engage properties"), e.getMessage());
        wm.verify(FAST_RETRIES.maxAttempts(), getRequestedFor(urlPathEqualTo("/api/2.0/engage/properties")));
    }

    @Test
    void aPersistent500OnTopEventPropertiesFailsToo() {
        stubEngageProperties("{}");
        stubJson("/api/2.0/events/properties/top", 503, "busy");
        stubLexicon("[]");
        MixpanelApiException e = assertThrows(MixpanelApiException.class, () -> discover(SERVICE_ACCOUNT));
        assertTrue(e.getMessage().contains("events/properties/top") || e.getMessage().contains("event properties"), e.getMessage());
    }

    @Test
    void collisionRuleKeepsReservedAndLiteralNamesApart() {
        stubEngageProperties("""
                {"$browser":{"count":1,"type":"string"},"mp_reserved_browser":{"count":1,"type":"number"},
                 "distinct_id":{"count":1,"type":"number"},"mp_literal_x":{"count":1,"type":"boolean"}}""");
        stubTopProperties("""
                {"$browser":{"count":1},"mp_reserved_browser":{"count":1},"event":{"count":1},"mp_literal_event":{"count":1}}""");
        stubLexicon("""
                [{"entityType":"event","name":"E","schemaJson":{"properties":{
                   "$browser":{"type":"string"},"mp_reserved_browser":{"type":"integer"},"event":{"type":"integer"},
                   "mp_literal_event":{"type":"boolean"}}}}]""");
        Catalog c = discover(SERVICE_ACCOUNT);

        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "engage", "mp_reserved_browser"));
        assertEquals(json("{\"type\":[\"null\",\"number\"]}"), prop(c, "engage", "mp_literal_mp_reserved_browser"));
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "engage", "distinct_id"), "the key column is not clobbered");
        assertEquals(json("{\"type\":[\"null\",\"number\"]}"), prop(c, "engage", "mp_literal_distinct_id"));
        assertEquals(json("{\"type\":[\"null\",\"boolean\"]}"), prop(c, "engage", "mp_literal_mp_literal_x"));

        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "export", "mp_reserved_browser"));
        assertEquals(json("{\"type\":[\"null\",\"integer\"]}"), prop(c, "export", "mp_literal_mp_reserved_browser"));
        assertEquals(json("{\"type\":[\"null\",\"string\"]}"), prop(c, "export", "event"), "the event column is not clobbered");
        assertEquals(json("{\"type\":[\"null\",\"integer\"]}"), prop(c, "export", "mp_literal_event"));
        assertEquals(json("{\"type\":[\"null\",\"boolean\"]}"), prop(c, "export", "mp_literal_mp_literal_event"));
        assertEquals(List.of("event", "time", "distinct_id", "mp_reserved_insert_id", "mp_processing_time_ms",
                "mp_reserved_browser", "mp_literal_mp_reserved_browser", "mp_literal_event", "mp_literal_mp_literal_event"),
                fieldNames(schemaOf(c, "export").get("properties")));
    }

    static JsonNode strings(List<String> values) {
        com.fasterxml.jackson.databind.node.ArrayNode a = MAPPER.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    static List<String> fieldNames(JsonNode o) {
        List<String> names = new java.util.ArrayList<>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) names.add(it.next());
        return names;
    }
}
