package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.tapmixpanel.singer.TestJson.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pure widening of one property schema: after widening for a value, the value validates (a draft-7 validator,
 * format assertions on) and so does every value that fitted before; the widened schema is the smallest change the
 * rules of docs/streams.md "Values and types" allow.
 */
class SchemaWideningTest {
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true).build();

    private static JsonNode value(String json) {
        return obj("{'v':" + json + "}").get("v");
    }

    private static void assertValid(ObjectNode schema, JsonNode v) {
        Set<ValidationMessage> errs = FACTORY.getSchema(schema, CONFIG).validate(v);
        assertTrue(errs.isEmpty(), () -> v + " against " + schema + ": " + errs);
    }

    /** Widens {@code schema} for each value in turn, checking the contract after each; returns the result. */
    private static ObjectNode widened(String schema, String... values) {
        ObjectNode s = obj(schema);
        List<JsonNode> seen = new ArrayList<>();
        for (String json : values) {
            JsonNode v = value(json);
            boolean fitted = SchemaFit.fits(s, v);
            ObjectNode before = s.deepCopy();
            boolean changed = !fitted && SchemaWidening.widenSchema(s, v);
            assertEquals(!fitted, changed, () -> "widened exactly when " + v + " did not fit " + before);
            assertEquals(changed, !before.equals(s), "reports a change exactly when it made one");
            assertTrue(SchemaFit.fits(s, v), () -> v + " fits " + s);
            assertValid(s, v);
            seen.add(v);
            for (JsonNode earlier : seen) assertValid(s, earlier); // never narrows
        }
        return s;
    }

    @Test
    void aValueOfAnotherTypeAddsItsType() {
        assertEquals(obj("{'type':['integer','string']}"), widened("{'type':'integer'}", "'abc'"), "a single type becomes a list");
        assertEquals(obj("{'type':['null','string','integer','boolean']}"), widened("{'type':['null','string']}", "42", "true"));
        widened("{'type':['null','string']}", "{'a':1}", "[1,2]", "1.5");
    }

    @Test
    void anIntegerFitsANumberButADecimalWidensAnInteger() {
        assertEquals(obj("{'type':['null','number']}"), widened("{'type':['null','number']}", "7"));
        assertEquals(obj("{'type':['integer','number']}"), widened("{'type':'integer'}", "7.25"));
    }

    @Test
    void aStringThatIsNotADateTimeDropsTheFormat() {
        String dateTime = "{'type':['null','string'],'format':'date-time'}";
        assertEquals(obj("{'type':['null','string']}"), widened(dateTime, "'2024-01-09T23:59:52Z'", "'yesterday'"),
                "a plain string, no anyOf");
        widened(dateTime, "'2024-01-09 23:59:52'");
        widened(dateTime, "'2024-02-30T00:00:00Z'");
        assertEquals(obj("{'type':'string'}"), widened("{'type':'string','format':'date'}", "'2024-01-09T00:00:00Z'"));
    }

    @Test
    void aNonStringInADateTimeColumnAddsTheTypeAndKeepsTheFormat() {
        assertEquals(obj("{'type':['null','string','integer'],'format':'date-time'}"),
                widened("{'type':['null','string'],'format':'date-time'}", "1704844792"));
    }

    @Test
    void arrayItemsAreWidenedAndViolatedItemConstraintsRemoved() {
        assertEquals(obj("{'type':['null','array'],'items':{'type':['string','integer','null']}}"),
                widened("{'type':['null','array'],'items':{'type':'string'}}", "['a',1,null]"));
        assertEquals(obj("{'type':['null','array'],'items':{'type':'string'}}"),
                widened("{'type':['null','array'],'items':{'type':'string'},'maxItems':1,'uniqueItems':true}", "['a','a']"));
        assertEquals(obj("{'type':'array','items':[{'type':['string','integer']}]}"),
                widened("{'type':'array','items':[{'type':'string'}],'additionalItems':false}", "[1,'b']"));
    }

    @Test
    void nestedObjectsAreWidenedWithoutDroppingAnything() {
        String address = "{'type':['null','object'],'properties':{'city':{'type':'string'},'zip':{'type':'integer'}},"
                + "'required':['city'],'additionalProperties':false}";
        assertEquals(obj("{'type':['null','object'],'properties':{'city':{'type':['string','integer']},"
                + "'zip':{'type':['integer','string']},'country':{'type':['null','string']}},"
                + "'required':[],'additionalProperties':false}"),
                widened(address, "{'city':7,'zip':'75001','country':'FR'}", "{'zip':1}"));
        widened(address, "'12 rue de la Paix'", "{'city':'Lyon','geo':{'lat':1.5}}");
    }

    @Test
    void missingRequiredNamesAreNoLongerRequired() {
        ObjectNode s = obj("{'type':'object','required':['id','name']}");
        assertTrue(SchemaWidening.relaxRequired(s, value("{'id':1}")));
        assertEquals(obj("{'type':'object','required':['id']}"), s);
        assertFalse(SchemaWidening.relaxRequired(s, value("{'id':2}")));
    }

    @Test
    void anyOfGainsABranchAndOneOfStaysUnambiguous() {
        assertEquals(obj("{'anyOf':[{'type':'string'},{'type':'null'},{'type':'integer'}]}"),
                widened("{'anyOf':[{'type':'string','format':'date-time'},{'type':'null'}]}",
                        "null", "'2024-01-01T00:00:00Z'", "'soon'", "3"),
                "the date-time branch loses its format instead of gaining a plain-string sibling");
        assertEquals(obj("{'anyOf':[{'type':'integer'},{'type':'number'},{'type':'boolean'}]}"),
                widened("{'oneOf':[{'type':'integer'},{'type':'number'}]}", "1.5", "1", "true"),
                "1 matched two branches: the oneOf became an anyOf");
    }

    @Test
    void violatedValueConstraintsAreRelaxed() {
        assertEquals(obj("{'type':'string','enum':['a','b','c']}"), widened("{'type':'string','enum':['a','b']}", "'c'"));
        assertEquals(obj("{'enum':['x','y']}"), widened("{'const':'x'}", "'y'"));
        assertEquals(obj("{'type':'string'}"), widened("{'type':'string','pattern':'^[A-Z]+$','maxLength':3}", "'abcd'"));
        assertEquals(obj("{'type':'integer'}"), widened("{'type':'integer','minimum':0,'maximum':10}", "-1"));
        assertEquals(obj("{'type':'number'}"), widened("{'type':'number','multipleOf':0.01}", "1.005"));
    }

    @Test
    void topLevelPropertiesAreDeclaredNullableOnlyWhenAdditionalPropertiesAreAllowed() {
        ObjectNode props = obj("{'a':{'type':'string'},'never':false}");
        assertFalse(SchemaWidening.admitProperty(props, "new", value("null"), true), "a null teaches nothing");
        assertFalse(SchemaWidening.admitProperty(props, "new", value("1"), false));
        assertTrue(SchemaWidening.admitProperty(props, "new", value("1"), true));
        assertTrue(SchemaWidening.admitProperty(props, "never", value("'x'"), false), "a false schema is replaced");
        assertFalse(SchemaWidening.admitProperty(props, "a", value("'x'"), true), "fits already");
        assertTrue(SchemaWidening.admitType(props, "a", SchemaGuard.BOOLEAN, false));
        assertFalse(SchemaWidening.admitType(props, "other", SchemaGuard.BOOLEAN, false));
        assertTrue(SchemaWidening.admitType(props, "other", SchemaGuard.BOOLEAN, true));
        assertEquals(obj("{'a':{'type':['string','boolean']},'never':{'type':['null','string']},"
                + "'new':{'type':['null','integer']},'other':{'type':['null','boolean']}}"), props);
    }
}
