package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.tapmixpanel.singer.TestJson.obj;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The versioned guard of a stream's schema: the version moves exactly when the schema changes, every admitted
 * record validates against the latest version, the streaming path's cached answers follow widenings, and
 * snapshots are copies. The rules themselves are tested on the pure classes (SchemaFitTest, SchemaWideningTest).
 */
class SchemaGuardTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true).build();

    private static Set<ValidationMessage> errors(ObjectNode schema, JsonNode record) {
        JsonSchema s = FACTORY.getSchema(schema, CONFIG);
        return s.validate(record);
    }

    private static void assertValid(ObjectNode schema, JsonNode record) {
        Set<ValidationMessage> errs = errors(schema, record);
        assertTrue(errs.isEmpty(), () -> record + " against " + schema + ": " + errs);
    }

    private static final String BASE = "{'type':'object','properties':{"
            + "'id':{'type':'integer'},"
            + "'name':{'type':['null','string']},"
            + "'amount':{'type':['null','number']},"
            + "'time':{'type':['null','string'],'format':'date-time'},"
            + "'day':{'type':'string','format':'date'},"
            + "'tags':{'type':['null','array'],'items':{'type':'string'}},"
            + "'address':{'type':['null','object'],'properties':{'city':{'type':'string'},'zip':{'type':'integer'}},"
            + "'required':['city'],'additionalProperties':false}}}";

    /** Admits every record in turn; afterwards every one of them validates against the final schema. */
    private static SchemaGuard admitAll(String schema, String... records) {
        SchemaGuard g = new SchemaGuard(obj(schema));
        List<ObjectNode> rs = new ArrayList<>();
        for (String r : records) {
            ObjectNode rec = obj(r);
            rs.add(rec);
            long before = g.version();
            boolean changed = g.admit(rec);
            assertEquals(changed, g.version() > before, "version moves exactly when the schema changes");
            assertValid(g.versioned().schema(), rec);
        }
        for (ObjectNode rec : rs) assertValid(g.versioned().schema(), rec); // widening never narrows
        return g;
    }

    private static JsonNode prop(SchemaGuard g, String name) {
        return g.versioned().schema().get("properties").get(name);
    }

    @Test
    void recordsThatFitChangeNothing() {
        SchemaGuard g = admitAll(BASE, "{'id':1,'name':null,'amount':3,'time':'2024-01-09T23:59:52Z','day':'2024-01-09',"
                + "'tags':['a'],'address':{'city':'Paris','zip':75001}}", "{'id':2,'amount':1.5,'time':'2024-01-09T23:59:52.123+01:00'}");
        assertEquals(1, g.version());
        assertEquals(obj(BASE), g.versioned().schema());
    }

    @Test
    void eachWideningRecordMovesTheVersionOnce() {
        SchemaGuard g = new SchemaGuard(obj(BASE));
        assertTrue(g.admit(obj("{'id':'abc'}")));
        assertEquals(obj("{'type':['integer','string']}"), prop(g, "id"), "a single type becomes a list");
        assertTrue(g.admit(obj("{'name':42}")));
        assertEquals(obj("{'type':['null','string','integer']}"), prop(g, "name"));
        assertTrue(g.admit(obj("{'name':true}")));
        assertEquals(obj("{'type':['null','string','integer','boolean']}"), prop(g, "name"));
        assertEquals(4, g.version());
        admitAll(BASE, "{'id':1.5}", "{'amount':'n/a'}", "{'id':null}", "{'name':{'a':1}}", "{'name':[1,2]}");
    }

    @Test
    void anUndeclaredPropertyIsAddedAsNullable() {
        SchemaGuard g = new SchemaGuard(obj(BASE));
        assertFalse(g.admit(obj("{'newcomer':null}")), "a null teaches nothing");
        assertTrue(g.admit(obj("{'newcomer':'x','other':[1]}")));
        assertEquals(obj("{'type':['null','string']}"), prop(g, "newcomer"));
        assertEquals(obj("{'type':['null','array']}"), prop(g, "other"));
        assertValid(g.versioned().schema(), obj("{'newcomer':null,'other':null}"));
    }

    @Test
    void underAdditionalPropertiesFalseTheCallerDropsUndeclaredProperties() {
        SchemaGuard g = new SchemaGuard(obj("{'type':'object','additionalProperties':false,'properties':{'a':{'type':'string'}}}"));
        assertTrue(g.keeps("a"));
        assertFalse(g.keeps("b"));
        ObjectNode rec = obj("{'a':'x','b':1,'c':2}");
        assertFalse(g.admit(rec), "admit does not declare them");
        assertEquals(2, g.dropUndeclared(rec));
        assertEquals(obj("{'a':'x'}"), rec);
        assertValid(g.versioned().schema(), rec);
        assertFalse(g.widen("b", SchemaGuard.INTEGER));
        assertTrue(new SchemaGuard(obj(BASE)).keeps("anything"));
    }

    @Test
    void missingRequiredPropertiesAreNoLongerRequired() {
        SchemaGuard g = admitAll("{'type':'object','required':['id','name'],'properties':{'id':{'type':'integer'},"
                + "'name':{'type':'string'}}}", "{'id':1}");
        assertEquals(List.of("id"), M.convertValue(g.versioned().schema().get("required"), List.class));
    }

    @Test
    void manyRandomisedRecordsAllValidateAgainstTheLatestSchema() {
        java.util.Random r = new java.util.Random(42);
        List<String> values = List.of("null", "true", "1", "-7", "2.5", "'x'", "'2024-01-09T23:59:52Z'", "'2024-01-09'",
                "[1,'a']", "[]", "{'city':'x'}", "{'zip':'y','extra':[null]}", "{}");
        List<String> names = List.of("id", "name", "amount", "time", "day", "tags", "address", "fresh");
        SchemaGuard g = new SchemaGuard(obj(BASE));
        List<ObjectNode> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder("{");
            for (String n : names) {
                if (r.nextInt(3) == 0) continue;
                if (sb.length() > 1) sb.append(',');
                sb.append('\'').append(n).append("':").append(values.get(r.nextInt(values.size())));
            }
            ObjectNode rec = obj(sb.append('}').toString());
            g.admit(rec);
            all.add(rec);
        }
        JsonSchema latest = FACTORY.getSchema(g.versioned().schema(), CONFIG);
        for (ObjectNode rec : all) assertEquals(Set.of(), latest.validate(rec), rec::toString);
        assertTrue(g.version() > 1);
    }

    // ------------------------------------------------------------------ streaming path

    @Test
    void streamingChecksUseThePrecomputedMasks() {
        SchemaGuard g = new SchemaGuard(obj(BASE));
        assertTrue(g.fits("amount", SchemaGuard.INTEGER), "an integer fits a number");
        assertTrue(g.fits("name", SchemaGuard.NULL));
        assertFalse(g.fits("name", SchemaGuard.INTEGER));
        assertTrue(g.fits("undeclared", SchemaGuard.NULL), "nothing to learn from a null");
        assertFalse(g.fits("undeclared", SchemaGuard.STRING));
        assertTrue(g.isDateTime("time"));
        assertFalse(g.isDateTime("name"));
        assertTrue(g.needsTreeCheck("tags"));
        assertTrue(g.needsTreeCheck("address"));
        assertFalse(g.needsTreeCheck("time"));
        assertFalse(g.formatFits("time", "tomorrow"));
        assertTrue(g.formatFits("name", "tomorrow"));

        assertTrue(g.widen("name", SchemaGuard.INTEGER));
        assertFalse(g.widen("name", SchemaGuard.INTEGER), "only once");
        assertTrue(g.fits("name", SchemaGuard.INTEGER));
        assertTrue(g.widen("undeclared", SchemaGuard.STRING));
        assertEquals(obj("{'type':['null','string']}"), prop(g, "undeclared"));
        assertTrue(g.dropFormat("time"));
        assertFalse(g.dropFormat("time"));
        assertFalse(g.isDateTime("time"));
        assertEquals(4, g.version());
        assertTrue(g.admitValue("tags", obj("{'t':[1]}").get("t")));
        assertEquals(obj("{'type':['null','array'],'items':{'type':['string','integer']}}"), prop(g, "tags"));
        SchemaGuard.Versioned v = g.versioned();
        assertEquals(5, v.version());
        assertEquals(g.versioned().schema(), v.schema());
    }

    @Test
    void thousandsOfNewPropertiesCostOneDescriptionEachOnTheStreamingPath() {
        SchemaGuard g = new SchemaGuard(obj(BASE));
        long start = g.propertiesDescribed();
        int n = 3000;
        for (int i = 0; i < n; i++) {
            assertTrue(g.widen("p" + i, i % 2 == 0 ? SchemaGuard.INTEGER : SchemaGuard.STRING));
            assertTrue(g.fits("p" + i, i % 2 == 0 ? SchemaGuard.INTEGER : SchemaGuard.STRING));
        }
        for (int i = 0; i < n; i++) assertTrue(g.widen("p" + i, SchemaGuard.BOOLEAN), "a second type, widened in place");
        assertTrue(g.dropFormat("time"));
        assertEquals(1 + 2 * n + 1, g.version());
        // a rebuild of every description per widening would be about 2 * n * n / 2 + 3 * n * n / 2
        assertEquals(2L * n + 1, g.propertiesDescribed() - start, "only the property that changed is described again");
        assertTrue(g.fits("p7", SchemaGuard.STRING) && g.fits("p7", SchemaGuard.BOOLEAN) && !g.fits("p7", SchemaGuard.INTEGER));
        assertFalse(g.isDateTime("time"));
    }

    @Test
    void thousandsOfRecordsWithNewPropertiesCostOneDescriptionPerChangedPropertyOnTheTreePath() {
        SchemaGuard g = new SchemaGuard(obj(BASE));
        long start = g.propertiesDescribed();
        int n = 3000;
        for (int i = 0; i < n; i++) {
            assertTrue(g.admit(obj("{'id':1,'name':'x','q" + i + "':" + i + ",'r" + i + "':'s'}")));
        }
        assertTrue(g.admitValue("tags", obj("{'t':[1]}").get("t")));
        assertEquals(1 + n + 1, g.version());
        assertEquals(2L * n + 1, g.propertiesDescribed() - start, "properties that fitted are not described again");
        assertTrue(g.fits("q5", SchemaGuard.INTEGER) && g.fits("r5", SchemaGuard.STRING) && !g.fits("r5", SchemaGuard.INTEGER));
    }

    @Test
    void theDescriptionsKeptAcrossWideningsAgreeWithAFreshGuardOfTheSameSchema() {
        java.util.Random r = new java.util.Random(7);
        List<String> values = List.of("null", "true", "1", "2.5", "'x'", "'2024-01-09T23:59:52Z'", "'2024-01-09'",
                "[1,'a']", "{'city':'x'}", "{'zip':'y'}");
        List<String> names = List.of("id", "name", "amount", "time", "day", "tags", "address", "f1", "f2", "f3");
        int[] bits = {SchemaGuard.NULL, SchemaGuard.BOOLEAN, SchemaGuard.INTEGER, SchemaGuard.NUMBER, SchemaGuard.STRING,
                SchemaGuard.ARRAY, SchemaGuard.OBJECT};
        SchemaGuard g = new SchemaGuard(obj(BASE));
        for (int i = 0; i < 400; i++) {
            String name = names.get(r.nextInt(names.size()));
            switch (r.nextInt(4)) {
                case 0 -> g.widen(name, bits[r.nextInt(bits.length)]);
                case 1 -> g.dropFormat(name);
                case 2 -> g.admitValue(name, obj("{'v':" + values.get(r.nextInt(values.size())) + "}").get("v"));
                default -> g.admit(obj("{'" + name + "':" + values.get(r.nextInt(values.size())) + "}"));
            }
            SchemaGuard fresh = new SchemaGuard(g.versioned().schema());
            for (String n : names) {
                for (int bit : bits) assertEquals(fresh.fits(n, bit), g.fits(n, bit), n + " " + bit + " after step " + i);
                assertEquals(fresh.isDeclared(n), g.isDeclared(n), n);
                assertEquals(fresh.isDateTime(n), g.isDateTime(n), n);
                assertEquals(fresh.needsTreeCheck(n), g.needsTreeCheck(n), n);
                assertEquals(fresh.formatFits(n, "2024-01-09"), g.formatFits(n, "2024-01-09"), n);
            }
        }
    }

    @Test
    void snapshotsAreCopiesAndTheGuardOwnsItsSchema() {
        ObjectNode schema = obj(BASE);
        SchemaGuard g = new SchemaGuard(schema);
        g.admit(obj("{'id':'x'}"));
        assertEquals(obj(BASE), schema, "the caller's schema is not modified");
        ObjectNode snap = g.versioned().schema();
        snap.remove("properties");
        assertTrue(g.versioned().schema().has("properties"));
    }

    @Test
    void concurrentReadersAndWidenersAgree() throws Exception {
        SchemaGuard g = new SchemaGuard(obj("{'type':'object','properties':{}}"));
        int[] bits = {SchemaGuard.STRING, SchemaGuard.INTEGER, SchemaGuard.BOOLEAN, SchemaGuard.OBJECT};
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int bit = bits[t];
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        String p = "p" + (i % 50);
                        if (!g.fits(p, bit)) g.widen(p, bit);
                        assertTrue(g.fits(p, bit));
                    }
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdown();
        }
        assertEquals(1 + 50 * 4, g.version(), "each property widened once per type");
        assertEquals(5, prop(g, "p7").get("type").size());
    }

    @Test
    void declareAddsAMissingPropertyWhateverAdditionalPropertiesSaysAndLeavesADeclaredOneAsItIs() {
        SchemaGuard g = new SchemaGuard(obj("{'type':'object','additionalProperties':false,'properties':{'n':{'type':'integer'}}}"));
        assertFalse(g.keeps("time"));
        assertTrue(g.declare("time", obj("{'type':['null','string'],'format':'date-time'}")));
        assertEquals(2, g.version());
        assertTrue(g.keeps("time"));
        assertTrue(g.isDateTime("time"));
        assertFalse(g.declare("time", obj("{'type':'integer'}")), "already declared");
        assertFalse(g.declare("n", obj("{'type':'string'}")));
        assertEquals(2, g.version());
        assertEquals(obj("{'type':'integer'}"), g.versioned().schema().get("properties").get("n"));
    }
}
