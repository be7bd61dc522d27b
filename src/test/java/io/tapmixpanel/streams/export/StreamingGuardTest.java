package io.tapmixpanel.streams.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import io.tapmixpanel.mixpanel.export.ExportEvent;
import io.tapmixpanel.mixpanel.export.ExportScanner;
import io.tapmixpanel.singer.SchemaGuard;
import io.tapmixpanel.singer.SingerWriter;
import io.tapmixpanel.streams.RecordEmitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schema guard on the export path, end to end as a sync runs it (docs/streams.md "Values and types"): export lines go
 * through the byte scanner into the {@link ExportRenderer}, whose spools are appended by the {@link RecordEmitter}
 * after the SCHEMA it writes when the guard's version moved. Every RECORD on the output must validate against the
 * SCHEMA before it, and no value may be dropped or changed to make it fit.
 */
class StreamingGuardTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    private static final String SCHEMA = "{'type':'object','properties':{"
            + "'event':{'type':['null','string']},"
            + "'time':{'type':['null','string'],'format':'date-time'},"
            + "'seen':{'type':['null','string'],'format':'date-time'},"
            + "'n':{'type':['null','integer']},"
            + "'label':{'type':['null','string']},"
            + "'list':{'type':['null','array'],'items':{'type':'integer'}}}}";

    @TempDir
    Path dir;

    /** The messages of a sync's output, parsed. */
    private record Output(List<JsonNode> messages, SchemaGuard guard) {
        List<JsonNode> records() {
            return messages.stream().filter(m -> m.get("type").asText().equals("RECORD")).map(m -> m.get("record")).toList();
        }

        long schemas() {
            return messages.stream().filter(m -> m.get("type").asText().equals("SCHEMA")).count();
        }

        JsonNode property(String name) {
            return guard.versioned().schema().get("properties").get(name);
        }
    }

    private static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    /**
     * Renders each window's body (export lines) and appends its spool as the export stream does; with
     * {@code renderAhead}, every window is rendered before the first is appended (windows fetched in parallel).
     */
    private Output sync(String schema, Set<String> deselected, boolean renderAhead, String... windows) throws IOException {
        SchemaGuard guard = new SchemaGuard((ObjectNode) M.readTree(json(schema)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (SingerWriter out = new SingerWriter(bytes)) {
            RecordEmitter emitter = new RecordEmitter("export", out, guard, List.of(), List.of("time"), deselected,
                    RecordEmitter.Progress.NONE);
            List<ExportRenderer.Rendered> pending = new ArrayList<>();
            for (String window : windows) {
                pending.add(render(emitter, json(window)));
                if (!renderAhead) append(emitter, pending);
            }
            append(emitter, pending);
            out.flush();
        }
        List<JsonNode> messages = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) messages.add(M.readTree(line));
        return new Output(messages, guard);
    }

    private ExportRenderer.Rendered render(RecordEmitter emitter, String body) throws IOException {
        ExportRenderer renderer = new ExportRenderer(ExportRenderer.Options.of(emitter, dir));
        renderer.beginAttempt(1);
        ExportScanner scanner = new ExportScanner(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        for (ExportEvent e; (e = scanner.next()) != null; ) renderer.onEvent(e);
        return renderer.finish();
    }

    private static void append(RecordEmitter emitter, List<ExportRenderer.Rendered> pending) throws IOException {
        for (ExportRenderer.Rendered r : pending) {
            emitter.appendSpool(r.spool().channel(), r.records());
            r.spool().release();
        }
        pending.clear();
    }

    /** Every RECORD validates against the latest SCHEMA written before it. */
    private static void assertEveryRecordValidates(Output out) {
        JsonSchema current = null;
        for (JsonNode m : out.messages()) {
            switch (m.get("type").asText()) {
                case "SCHEMA" -> current = FACTORY.getSchema(m.get("schema"), CONFIG);
                case "RECORD" -> {
                    assertNotNull(current, "a SCHEMA precedes the first RECORD");
                    assertEquals(Set.of(), current.validate(m.get("record")), m::toString);
                }
                default -> throw new AssertionError(m.toString());
            }
        }
    }

    @Test
    void everyRecordValidatesAgainstTheSchemaWrittenBeforeItAndNothingIsMangled() throws IOException {
        Output out = sync(SCHEMA, Set.of(), false,
                "{'event':'a','properties':{'time':1704844792,'seen':'2024-01-09T23:59:52Z','n':1,'label':'x','list':[1]}}\n",
                "{'event':'b','properties':{'time':1704844793,'seen':'not a time','n':1.5,'label':7}}\n"
                        + "{'event':'c','properties':{'n':'many','fresh':{'x':1},'list':['s',null],'nothing':null}}\n",
                "{'event':'d','properties':{'n':true,'label':{'k':[1, 2]},'fresh':null,'seen':5,'list':[2.5]}}\n");
        assertEveryRecordValidates(out);
        assertEquals(List.of(
                M.readTree(json("{'event':'a','seen':'2024-01-09T23:59:52Z','n':1,'label':'x','list':[1],'time':'2024-01-09T23:59:52Z'}")),
                M.readTree(json("{'event':'b','seen':'not a time','n':1.5,'label':'7','time':'2024-01-09T23:59:53Z'}")),
                M.readTree(json("{'event':'c','n':'many','fresh':{'x':1},'list':['s',null],'nothing':null}")),
                M.readTree("{\"event\":\"d\",\"n\":\"true\",\"label\":\"{\\\"k\\\":[1,2]}\",\"fresh\":null,\"seen\":\"5\",\"list\":[2.5]}")),
                out.records(), "values as sent; a non-string in a column that takes strings is its JSON text");
        assertEquals(3, out.schemas(), "the initial SCHEMA, then one per window that widened");
        assertEquals(M.readTree(json("{'type':['null','string']}")), out.property("seen"),
                "a string that is no date-time dropped the format, then the column took a number as text");
        assertEquals(M.readTree(json("{'type':['null','integer','number','string']}")), out.property("n"));
        assertEquals(M.readTree(json("{'type':['null','string']}")), out.property("label"), "strings take any value as text");
        assertEquals(M.readTree(json("{'type':['null','object']}")), out.property("fresh"), "a new column is declared nullable");
        assertEquals(M.readTree(json("{'type':['null','array'],'items':{'type':['integer','string','null','number']}}")), out.property("list"),
                "a column with nested constraints is checked value by value");
        assertEquals(null, out.property("nothing"), "a null teaches nothing");
    }

    @Test
    void windowsRenderedAheadOfTheirAppendAreCoveredByTheSchemaWrittenBeforeTheFirst() throws IOException {
        Output out = sync(SCHEMA, Set.of(), true,
                "{'event':'a','properties':{'n':1}}\n",
                "{'event':'b','properties':{'n':'x','seen':'soon'}}\n",
                "{'event':'c','properties':{'n':2.5}}\n");
        assertEquals(List.of(M.readTree(json("{'event':'a','n':1}")), M.readTree(json("{'event':'b','n':'x','seen':'soon'}")),
                M.readTree(json("{'event':'c','n':'2.5'}"))), out.records());
        assertEquals(1, out.schemas(), "every widening happened before the first append");
        assertEquals("SCHEMA", out.messages().get(0).get("type").asText());
        assertEveryRecordValidates(out);
        assertEquals(M.readTree(json("{'type':['null','integer','string']}")), out.property("n"));
        assertEquals(M.readTree(json("{'type':['null','string']}")), out.property("seen"));
    }

    @Test
    void undeclaredColumnsUnderAdditionalPropertiesFalseAndDeselectedColumnsAreLeftOutNotDeclared() throws IOException {
        String closed = "{'type':'object','additionalProperties':false,'properties':{"
                + "'event':{'type':['null','string']},'n':{'type':['null','integer']},'gone':{'type':['null','integer']}}}";
        Output out = sync(closed, Set.of("gone"), false,
                "{'event':'a','properties':{'n':1,'extra':'x','gone':'not an integer'}}\n");
        assertEveryRecordValidates(out);
        assertEquals(List.of(M.readTree(json("{'event':'a','n':1}"))), out.records());
        assertEquals(1, out.schemas());
        assertEquals(null, out.property("extra"));
        assertEquals(M.readTree(json("{'type':['null','integer']}")), out.property("gone"), "a deselected column is never widened");
        assertFalse(out.guard().keeps("extra"));
        assertTrue(out.guard().keeps("n"));
    }

    private static final String TIMED = "{'event':'a','properties':{'time':1704844792,'n':1}}\n";

    /** One event through a schema whose {@code time} is as given (absent when null), under additionalProperties. */
    private Output timed(String time, boolean additional, Set<String> deselected) throws IOException {
        return sync("{'type':'object','additionalProperties':" + additional + ",'properties':{'event':{'type':'string'},"
                + (time == null ? "" : "'time':" + time + ",") + "'n':{'type':'integer'}}}", deselected, false, TIMED);
    }

    private static void assertTimeKept(Output out) throws IOException {
        assertEveryRecordValidates(out);
        assertEquals(List.of(M.readTree(json("{'event':'a','n':1,'time':'2024-01-09T23:59:52Z'}"))), out.records());
    }

    @Test
    void timeDeclaredAsAnIntegerIsWidenedToTakeItsRfc3339String() throws IOException {
        Output out = timed("{'type':'integer'}", true, Set.of());
        assertTimeKept(out);
        assertEquals(M.readTree(json("{'type':['integer','string']}")), out.property("time"));
        assertEquals(1, out.schemas(), "one SCHEMA, already widened");
    }

    @Test
    void timeLeftOutOfTheCatalogIsDeclaredAsDiscoveryDeclaresItEvenUnderAdditionalPropertiesFalse() throws IOException {
        for (boolean additional : List.of(false, true)) {
            Output out = timed(null, additional, Set.of());
            assertTimeKept(out);
            assertEquals(M.readTree(json("{'type':['null','string'],'format':'date-time'}")), out.property("time"));
        }
    }

    @Test
    void aDeselectedTimeIsKeptAndDeclaredTheReplicationKeyIsAutomatic() throws IOException {
        // the catalog's selected schema no longer has it (CatalogEntry.selectedSchema)
        for (boolean additional : List.of(false, true)) {
            Output out = timed(null, additional, Set.of("time"));
            assertTimeKept(out);
            assertEquals(M.readTree(json("{'type':['null','string'],'format':'date-time'}")), out.property("time"));
        }
    }

    @Test
    void timeIsTheFirstFieldWhenEveryOtherOneIsLeftOut() throws IOException {
        Output out = sync("{'type':'object','additionalProperties':false,'properties':{}}", Set.of(), false, TIMED);
        assertEveryRecordValidates(out);
        assertEquals(List.of(M.readTree(json("{'time':'2024-01-09T23:59:52Z'}"))), out.records());
    }

    @Test
    void aTimeColumnWhoseFormatOrConstraintsItsStringBreaksIsWidenedLikeAnyOther() throws IOException {
        Output date = timed("{'type':'string','format':'date'}", false, Set.of());
        assertTimeKept(date);
        assertEquals(M.readTree(json("{'type':'string'}")), date.property("time"), "a date-time is no date: the format goes");
        Output constrained = timed("{'type':'string','maxLength':4}", false, Set.of());
        assertTimeKept(constrained);
        assertEquals(M.readTree(json("{'type':'string'}")), constrained.property("time"));
        Output never = timed("false", false, Set.of());
        assertTimeKept(never);
        assertEquals(M.readTree(json("{'type':['null','string']}")), never.property("time"), "a schema that takes nothing");
    }
}
