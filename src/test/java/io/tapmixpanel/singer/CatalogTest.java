package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.tapmixpanel.singer.TestJson.obj;
import static org.junit.jupiter.api.Assertions.*;

class CatalogTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static Catalog discovered() {
        ObjectNode export = obj("{'type':'object','additionalProperties':true,'properties':{"
                + "'event':{'type':['null','string']},'time':{'type':['null','string'],'format':'date-time'},"
                + "'mp_reserved_insert_id':{'type':['null','string']},'amount':{'type':['null','number'],'multipleOf':0.000001}}}");
        ObjectNode funnels = obj("{'type':'object','properties':{'funnel_id':{'type':'integer'},"
                + "'date':{'type':'string','format':'date'},'steps':{'type':['null','array'],'items':{'type':'object'}}}}");
        return new Catalog(List.of(
                new CatalogEntry("export", export, List.of(),
                        Metadata.forStream(export, List.of(), List.of("time"), Optional.of(ReplicationMethod.INCREMENTAL))),
                new CatalogEntry("funnels", funnels, List.of("funnel_id", "date"),
                        Metadata.forStream(funnels, List.of("funnel_id", "date"), List.of("date"), Optional.empty()))));
    }

    @Test
    void discoveryMetadataFollowsTheSingerConventions() {
        CatalogEntry export = discovered().entry("export").orElseThrow();
        assertEquals(obj("{'table-key-properties':[],'valid-replication-keys':['time'],"
                + "'forced-replication-method':'INCREMENTAL','inclusion':'available','selected-by-default':true}"),
                export.metadata().streamLevel());
        assertEquals(obj("{'inclusion':'automatic','selected-by-default':true}"), export.metadata().property("time"));
        assertEquals(obj("{'inclusion':'available','selected-by-default':true}"), export.metadata().property("event"));
        CatalogEntry funnels = discovered().entry("funnels").orElseThrow();
        assertEquals("automatic", funnels.metadata().property("funnel_id").get("inclusion").asText());
        assertEquals("automatic", funnels.metadata().property("date").get("inclusion").asText());
        assertEquals("available", funnels.metadata().property("steps").get("inclusion").asText());
        assertFalse(funnels.metadata().streamLevel().has("forced-replication-method"));
    }

    @Test
    void catalogJsonHasTheSingerLayout() {
        JsonNode first = discovered().toJson().get("streams").get(0);
        assertEquals(List.of("tap_stream_id", "stream", "schema", "key_properties", "metadata"),
                M.convertValue(M.valueToTree(iterable(first.fieldNames())), List.class));
        assertEquals(obj("{'breadcrumb':[],'metadata':{'table-key-properties':[],'valid-replication-keys':['time'],"
                + "'forced-replication-method':'INCREMENTAL','inclusion':'available','selected-by-default':true}}"),
                first.get("metadata").get(0));
        assertEquals(obj("{'breadcrumb':['properties','event'],'metadata':{'inclusion':'available','selected-by-default':true}}"),
                first.get("metadata").get(1));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    @Test
    void discoverThenReadThenWriteIsByteIdentical(@TempDir Path dir) throws IOException {
        byte[] discovered = M.writerWithDefaultPrettyPrinter().writeValueAsBytes(discovered().toJson());
        Path file = dir.resolve("catalog.json");
        Files.write(file, discovered);
        byte[] again = M.writerWithDefaultPrettyPrinter().writeValueAsBytes(Catalog.read(file).toJson());
        assertEquals(new String(discovered, StandardCharsets.UTF_8), new String(again, StandardCharsets.UTF_8));

        byte[] compact = M.writeValueAsBytes(discovered().toJson());
        Files.write(file, compact);
        assertArrayEquals(compact, M.writeValueAsBytes(Catalog.read(file).toJson()));
    }

    @Test
    void topLevelReplicationFieldsAndStreamNameSurviveTheRoundTrip() {
        Catalog c = Catalog.parse(obj("{'streams':[{'tap_stream_id':'a','stream':'a_table','schema':{},"
                + "'key_properties':['id'],'metadata':[],'replication_key':'updated','replication_method':'INCREMENTAL'}]}"), "c.json");
        CatalogEntry e = c.streams().get(0);
        assertEquals("a_table", e.stream());
        assertEquals(Optional.of(ReplicationMethod.INCREMENTAL), e.replicationMethod());
        assertEquals(obj("{'tap_stream_id':'a','stream':'a_table','schema':{},'key_properties':['id'],'metadata':[],"
                + "'replication_key':'updated','replication_method':'INCREMENTAL'}"), c.toJson().get("streams").get(0));
    }

    @Test
    void streamNameAndKeyPropertiesDefaultFromIdAndMetadata() {
        CatalogEntry e = Catalog.parse(obj("{'streams':[{'tap_stream_id':'a','schema':{},"
                + "'metadata':[{'breadcrumb':[],'metadata':{'table-key-properties':['k']}}]}]}"), "c.json").streams().get(0);
        assertEquals("a", e.stream());
        assertEquals(List.of("k"), e.keyProperties());
    }

    // ------------------------------------------------------------------ errors

    private static String problem(String json) {
        return assertThrows(CatalogException.class, () -> Catalog.parse(obj(json), "catalog.json")).getMessage();
    }

    @Test
    void eachStructuralProblemIsNamedWithItsPathAndInsideAnEntryItsStream() {
        assertEquals("catalog.json: streams: is missing", problem("{}"));
        assertEquals("catalog.json: streams: must be a list, not an object", problem("{'streams':{}}"));
        assertEquals("catalog.json: streams[0]: must be an object, not a string", problem("{'streams':['x']}"));
        assertEquals("catalog.json: streams[0].tap_stream_id: is missing", problem("{'streams':[{'schema':{}}]}"));
        assertEquals("catalog.json: streams[0].tap_stream_id: must be a non-empty string, not a number",
                problem("{'streams':[{'tap_stream_id':3,'schema':{}}]}"));
        assertEquals("catalog.json: streams[1].schema: is missing (stream b)",
                problem("{'streams':[{'tap_stream_id':'a','schema':{}},{'tap_stream_id':'b'}]}"));
        assertEquals("catalog.json: streams[2].schema: must be an object, not a string (stream c)",
                problem("{'streams':[{'tap_stream_id':'a','schema':{}},{'tap_stream_id':'b','schema':{}},"
                        + "{'tap_stream_id':'c','schema':'x'}]}"));
        assertEquals("catalog.json: streams[0].schema.properties: must be an object, not a list (stream a)",
                problem("{'streams':[{'tap_stream_id':'a','schema':{'properties':[]}}]}"));
        assertEquals("catalog.json: streams[0].key_properties: must be a list of strings, not a string (stream a)",
                problem("{'streams':[{'tap_stream_id':'a','schema':{},'key_properties':'id'}]}"));
        assertEquals("catalog.json: streams[0].key_properties[1]: must be a string, not a number (stream a)",
                problem("{'streams':[{'tap_stream_id':'a','schema':{},'key_properties':['id',1]}]}"));
        assertEquals("catalog.json: streams[0].metadata: must be a list, not an object (stream a)",
                problem("{'streams':[{'tap_stream_id':'a','schema':{},'metadata':{}}]}"));
        assertEquals("catalog.json: streams[0].metadata[0]: must be an object, not a list (stream a)",
                problem("{'streams':[{'tap_stream_id':'a','schema':{},'metadata':[[]]}]}"));
        assertEquals("catalog.json: streams[0].metadata[0].breadcrumb: is missing (stream a)",
                problem("{'streams':[{'tap_stream_id':'a','schema':{},'metadata':[{'metadata':{}}]}]}"));
        assertEquals("catalog.json: streams[0].metadata[1].breadcrumb: must be a list, not a string (stream a)",
                problem("{'streams':[{'tap_stream_id':'a','schema':{},'metadata':[{'breadcrumb':[],'metadata':{}},"
                        + "{'breadcrumb':'properties/x','metadata':{}}]}]}"));
        assertEquals("catalog.json: streams[0].metadata[0].breadcrumb[1]: must be a string, not a number (stream a)",
                problem("{'streams':[{'tap_stream_id':'a','schema':{},'metadata':[{'breadcrumb':['properties',1],'metadata':{}}]}]}"));
        assertEquals("catalog.json: streams[0].metadata[0].metadata: must be an object, not a list (stream a)",
                problem("{'streams':[{'tap_stream_id':'a','schema':{},'metadata':[{'breadcrumb':[],'metadata':[]}]}]}"));
        assertEquals("catalog.json: streams[0].metadata[1].breadcrumb: duplicate [\"properties\",\"x\"] (also streams[0].metadata[0]) (stream a)",
                problem("{'streams':[{'tap_stream_id':'a','schema':{},'metadata':[{'breadcrumb':['properties','x'],'metadata':{}},"
                        + "{'breadcrumb':['properties','x'],'metadata':{}}]}]}"));
        assertEquals("catalog.json: streams[1].tap_stream_id: duplicate \"a\" (also streams[0])",
                problem("{'streams':[{'tap_stream_id':'a','schema':{}},{'tap_stream_id':'a','schema':{}}]}"));
        assertEquals("catalog.json: must be a JSON object with a \"streams\" list, not a list",
                assertThrows(CatalogException.class, () -> Catalog.parse(M.readTree("[]"), "catalog.json")).getMessage());
    }

    private static String entryProblem(String metadataJson, String schemaJson) {
        return problem("{'streams':[{'tap_stream_id':'engage','schema':" + schemaJson + ",'metadata':" + metadataJson + "}]}");
    }

    @Test
    void selectedAndSelectedByDefaultThatAreNotBooleansAreNamedWithTheirStream() {
        assertEquals("catalog.json: streams[0].metadata[breadcrumb=[]].selected: must be true or false, not a string"
                + " (stream engage)", entryProblem("[{'breadcrumb':[],'metadata':{'selected':'yes'}}]", "{}"));
        assertEquals("catalog.json: streams[0].metadata[breadcrumb=[]].selected: must be true or false, not a string"
                + " (stream engage)", entryProblem("[{'breadcrumb':[],'metadata':{'selected':'true'}}]", "{}"),
                "text that reads as a boolean is still text: a catalog tool that wrote it has a bug to show");
        assertEquals("catalog.json: streams[0].metadata[breadcrumb=[\"properties\",\"city\"]].selected: must be true or"
                + " false, not a number (stream engage)",
                entryProblem("[{'breadcrumb':['properties','city'],'metadata':{'selected':0}}]", "{}"));
        assertEquals("catalog.json: streams[0].metadata[breadcrumb=[\"properties\",\"city\"]].selected-by-default: must be"
                + " true or false, not a string (stream engage)",
                entryProblem("[{'breadcrumb':['properties','city'],'metadata':{'selected-by-default':'no'}}]", "{}"));
        assertEquals("catalog.json: streams[0].schema.selected: must be true or false, not a string (stream engage)",
                entryProblem("[]", "{'selected':'yes'}"));
        assertTrue(entry("[{'breadcrumb':[],'metadata':{'selected':true,'selected-by-default':null}},"
                + "{'breadcrumb':['properties','a'],'metadata':{'selected':null}}]", SCHEMA).isSelected(), "null is as absent");
    }

    @Test
    void anInclusionOutsideTheSingerSpecIsNamedWithItsStream() {
        assertEquals("catalog.json: streams[0].metadata[breadcrumb=[\"properties\",\"city\"]].inclusion: must be one of"
                + " automatic, available, unsupported, not 'Unsupported' (stream engage)",
                entryProblem("[{'breadcrumb':['properties','city'],'metadata':{'inclusion':'Unsupported'}}]", "{}"));
        assertEquals("catalog.json: streams[0].metadata[breadcrumb=[]].inclusion: must be one of automatic, available,"
                + " unsupported, not a boolean (stream engage)",
                entryProblem("[{'breadcrumb':[],'metadata':{'inclusion':false}}]", "{}"));
        assertFalse(entry("[{'breadcrumb':['properties','a'],'metadata':{'inclusion':'unsupported'}}]", SCHEMA)
                .isPropertySelected("a"));
    }

    @Test
    void replicationMethodsAndKeysThatAreNotStringsAreNamedWithTheirStream() {
        assertEquals("catalog.json: streams[0].metadata[breadcrumb=[]].replication-method: must be a string, not a number"
                + " (stream engage)", entryProblem("[{'breadcrumb':[],'metadata':{'replication-method':1}}]", "{}"));
        assertEquals("catalog.json: streams[0].metadata[breadcrumb=[]].forced-replication-method: must be a string, not a"
                + " list (stream engage)", entryProblem("[{'breadcrumb':[],'metadata':{'forced-replication-method':[]}}]", "{}"));
        assertEquals("catalog.json: streams[0].metadata[breadcrumb=[]].replication-key: must be a string, not an object"
                + " (stream engage)", entryProblem("[{'breadcrumb':[],'metadata':{'replication-key':{}}}]", "{}"));
        assertEquals("catalog.json: streams[0].replication_method: must be a string, not a boolean (stream engage)",
                problem("{'streams':[{'tap_stream_id':'engage','schema':{},'replication_method':true}]}"));
    }

    @Test
    void aStreamSchemaWhoseTypeIsNotObjectIsACatalogError() {
        String not = "catalog.json: streams[0].schema.type: must be \"object\" (or a list of types with \"object\"), not ";
        assertEquals(not + "\"string\" (stream engage)", entryProblem("[]", "{'type':'string','properties':{}}"));
        assertEquals(not + "a number (stream engage)", entryProblem("[]", "{'type':5}"));
        assertEquals(not + "an object (stream engage)", entryProblem("[]", "{'type':{'object':true}}"));
        assertEquals("catalog.json: streams[0].schema.type: must include \"object\", not only [\"null\",\"string\"]"
                + " (stream engage)", entryProblem("[]", "{'type':['null','string']}"));
        assertEquals("catalog.json: streams[0].schema.type: must include \"object\", not only [] (stream engage)",
                entryProblem("[]", "{'type':[]}"));
        assertEquals("catalog.json: streams[0].schema.type[1]: must be a string, not a number (stream engage)",
                entryProblem("[]", "{'type':['object',5]}"));
        for (String ok : List.of("{'type':'object'}", "{'type':['null','object']}", "{}", "{'type':null}")) {
            assertEquals("engage", Catalog.parse(obj("{'streams':[{'tap_stream_id':'engage','schema':" + ok + "}]}"),
                    "catalog.json").streams().get(0).tapStreamId(), ok);
        }
    }

    @Test
    void everyReplicationMethodAndKeyAnEntryNamesIsListedWithWhereItIsNamed() {
        CatalogEntry e = Catalog.parse(obj("{'streams':[{'tap_stream_id':'s','schema':{},'replication_method':'FULL_TABLE',"
                + "'replication_key':'k2','metadata':[{'breadcrumb':[],'metadata':{'replication-method':'LOG_BASED',"
                + "'forced-replication-method':'INCREMENTAL','replication-key':'k1'}}]}]}"), "c.json").streams().get(0);
        assertEquals(List.of("metadata[breadcrumb=[]].replication-method=LOG_BASED",
                "metadata[breadcrumb=[]].forced-replication-method=INCREMENTAL", "replication_method=FULL_TABLE"),
                e.replicationMethodsNamed().entrySet().stream().map(Object::toString).toList());
        assertEquals(List.of("metadata[breadcrumb=[]].replication-key=k1", "replication_key=k2"),
                e.replicationKeysNamed().entrySet().stream().map(Object::toString).toList());
        assertTrue(entry("[]", SCHEMA).replicationMethodsNamed().isEmpty());
        assertTrue(entry("[]", SCHEMA).replicationKeysNamed().isEmpty());
    }

    @Test
    void unreadableEmptyAndMalformedFilesAreNamed(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.json");
        CatalogException e = assertThrows(CatalogException.class, () -> Catalog.read(missing));
        assertEquals(missing + ": cannot read the file: no such file", e.getMessage());
        assertEquals(missing.toString(), e.file());

        Path empty = Files.writeString(dir.resolve("empty.json"), "  \n");
        assertEquals(empty + ": the file is empty",
                assertThrows(CatalogException.class, () -> Catalog.read(empty)).getMessage());

        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"streams\": [\n  {\"tap_stream_id\": \"a\",,}\n]}");
        String msg = assertThrows(CatalogException.class, () -> Catalog.read(bad)).getMessage();
        assertTrue(msg.startsWith(bad + ": malformed JSON at line 2, column "), msg);

        Path trailing = Files.writeString(dir.resolve("trailing.json"), "{\"streams\": []} x");
        assertTrue(assertThrows(CatalogException.class, () -> Catalog.read(trailing)).getMessage()
                .startsWith(trailing + ": malformed JSON at line 1"));

        Path dirAsFile = dir;
        assertTrue(assertThrows(CatalogException.class, () -> Catalog.read(dirAsFile)).getMessage()
                .startsWith(dir + ": cannot read the file"));
    }

    // ------------------------------------------------------------------ selection

    private static CatalogEntry entry(String metadataJson, String schemaJson) {
        return Catalog.parse(obj("{'streams':[{'tap_stream_id':'s','schema':" + schemaJson + ",'metadata':" + metadataJson + "}]}"),
                "c.json").streams().get(0);
    }

    private static final String SCHEMA = "{'type':'object','properties':{'id':{'type':'integer'},'a':{'type':'string'},"
            + "'b':{'type':'string'},'c':{'type':'string'},'d':{'type':'string'},'e':{'type':'string'}}}";

    @Test
    void aStreamIsSelectedOnlyByStreamLevelSelectedTrue() {
        assertTrue(entry("[{'breadcrumb':[],'metadata':{'selected':true}}]", SCHEMA).isSelected());
        assertFalse(entry("[{'breadcrumb':[],'metadata':{'selected':false}}]", SCHEMA).isSelected());
        assertFalse(entry("[{'breadcrumb':[],'metadata':{'selected-by-default':true}}]", SCHEMA).isSelected());
        assertFalse(entry("[]", SCHEMA).isSelected());
        assertFalse(discovered().streams().get(0).isSelected(), "discovery selects nothing");
    }

    @Test
    void legacySchemaSelectedCountsWhenMetadataIsSilent() {
        String legacy = "{'type':'object','selected':true,'properties':{}}";
        assertTrue(entry("[]", legacy).isSelected());
        assertFalse(entry("[{'breadcrumb':[],'metadata':{'selected':false}}]", legacy).isSelected(), "metadata wins");
        assertFalse(entry("[]", legacy).selectedSchema().has("selected"));
    }

    @Test
    void propertiesAreKeptUnlessDeselectedAndNotAutomatic() {
        CatalogEntry e = entry("[{'breadcrumb':[],'metadata':{'selected':true}},"
                + "{'breadcrumb':['properties','id'],'metadata':{'inclusion':'automatic','selected':false}},"
                + "{'breadcrumb':['properties','a'],'metadata':{'inclusion':'available','selected':false}},"
                + "{'breadcrumb':['properties','b'],'metadata':{'inclusion':'available','selected':true}},"
                + "{'breadcrumb':['properties','c'],'metadata':{'inclusion':'unsupported','selected':true}},"
                + "{'breadcrumb':['properties','d'],'metadata':{'inclusion':'available','selected-by-default':false}},"
                + "{'breadcrumb':['properties','ghost'],'metadata':{'selected':false}}]", SCHEMA);
        assertTrue(e.isPropertySelected("id"), "automatic is kept despite selected:false");
        assertFalse(e.isPropertySelected("a"), "deselected");
        assertTrue(e.isPropertySelected("b"));
        assertFalse(e.isPropertySelected("c"), "unsupported is never emitted");
        assertFalse(e.isPropertySelected("d"), "selected-by-default:false with no selected");
        assertTrue(e.isPropertySelected("e"), "no metadata: kept");
        assertTrue(e.isPropertySelected("new_property"), "unknown to the catalog: kept");
        assertEquals(Set.of("a", "c", "d", "ghost"), e.deselectedProperties());
        assertEquals(List.of("id", "b", "e"), iterable(e.selectedSchema().get("properties").fieldNames()));
        assertEquals(6, e.schema().get("properties").size(), "the entry's schema is untouched");
    }

    @Test
    void replicationMethodComesFromMetadataFirstInAnyCaseAndAnUnknownOneCountsAsNone() {
        CatalogEntry e = entry("[{'breadcrumb':[],'metadata':{'replication-method':'INCREMENTAL',"
                + "'forced-replication-method':'FULL_TABLE','replication-key':'b','valid-replication-keys':['a','b']}}]", SCHEMA);
        assertEquals(Optional.of(ReplicationMethod.INCREMENTAL), e.replicationMethod());
        CatalogEntry forced = entry("[{'breadcrumb':[],'metadata':{'forced-replication-method':'FULL_TABLE',"
                + "'valid-replication-keys':['a','b']}}]", SCHEMA);
        assertEquals(Optional.of(ReplicationMethod.FULL_TABLE), forced.replicationMethod());
        CatalogEntry lower = entry("[{'breadcrumb':[],'metadata':{'replication-method':'incremental'}}]", SCHEMA);
        assertEquals(Optional.of(ReplicationMethod.INCREMENTAL), lower.replicationMethod());
        CatalogEntry unknown = entry("[{'breadcrumb':[],'metadata':{'replication-method':'LOG_BASED',"
                + "'forced-replication-method':'INCREMENTAL'}}]", SCHEMA);
        assertEquals(Optional.empty(), unknown.replicationMethod(), "the first method given decides, even unknown");
        CatalogEntry none = entry("[]", SCHEMA);
        assertEquals(Optional.empty(), none.replicationMethod());
    }

    @Test
    void selectAllMarksEveryStreamSelectedInANewCatalog() {
        Catalog discovered = discovered();
        Catalog c = discovered.selectAll();
        assertEquals(2, c.selected().size());
        assertTrue(c.toJson().get("streams").get(1).get("metadata").get(0).get("metadata").get("selected").asBoolean());
        assertEquals(List.of(), discovered.selected(), "the discovered catalog is unchanged");
    }

    @Test
    void anEntryCannotBeChangedThroughWhatItHandsOutOrWasBuiltFrom() {
        ObjectNode schema = obj("{'type':'object','properties':{'a':{'type':'string'}}}");
        Metadata md = Metadata.forStream(schema, List.of(), List.of(), Optional.empty());
        CatalogEntry e = new CatalogEntry("s", schema, List.of(), md);
        schema.putObject("properties").put("b", 1);
        md.streamLevel().put("selected", true);
        e.schema().remove("properties");
        e.metadata().streamLevel().put("selected", true);
        assertEquals(obj("{'type':'object','properties':{'a':{'type':'string'}}}"), e.schema());
        assertFalse(e.isSelected());
        assertTrue(e.withSelected(true).isSelected());
        assertFalse(e.isSelected(), "withSelected makes a copy");
    }
}
