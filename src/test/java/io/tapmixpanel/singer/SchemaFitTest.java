package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.tapmixpanel.singer.TestJson.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure fit checks: a value fits a schema exactly when a draft-7 validator (format assertions on) accepts it. */
class SchemaFitTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true).build();

    private static final List<String> SCHEMAS = List.of(
            "{'type':'integer'}", "{'type':['null','number']}", "{'type':'string'}", "{'type':['boolean','array']}",
            "{'type':'string','format':'date-time'}", "{'type':'string','format':'date'}",
            "{'anyOf':[{'type':'string'},{'type':'integer'}]}", "{'oneOf':[{'type':'number'},{'type':'integer'}]}",
            "{'allOf':[{'type':'number'},{'minimum':0}]}", "{'enum':['a',1,null]}", "{'const':{'k':[1]}}",
            "{'type':'string','pattern':'^[A-Z]+$'}", "{'type':'string','minLength':2,'maxLength':3}",
            "{'type':'number','minimum':0,'exclusiveMaximum':10}", "{'type':'number','multipleOf':0.5}",
            "{'type':'array','items':{'type':'integer'},'minItems':1,'maxItems':2}",
            "{'type':'array','items':[{'type':'string'}],'additionalItems':false}",
            "{'type':'array','uniqueItems':true}", "{'type':'array','contains':{'type':'string'}}",
            "{'type':'object','properties':{'a':{'type':'integer'}},'required':['a'],'additionalProperties':false}",
            "{'type':'object','additionalProperties':{'type':'string'}}", "{}", "{'not_a_keyword':1}");
    private static final List<String> VALUES = List.of("null", "true", "0", "1", "-3", "2.5", "10", "'x'", "'AB'",
            "'abcd'", "'😀😀'", "'a'", "'2024-01-09T23:59:52Z'", "'2024-01-09T23:59:52.5+05:30'", "'2024-02-30T00:00:00Z'",
            "'2024-01-09'", "'2023-02-29'", "[]", "[1]", "[1,2,3]", "['s']", "['s',1]", "[1,1]", "{}", "{'a':1}",
            "{'a':'x'}", "{'a':1,'b':2}", "{'b':'y'}", "{'k':[1]}");

    private static JsonNode value(String json) {
        return obj("{'v':" + json + "}").get("v");
    }

    @Test
    void fitsAgreesWithAValidatorOnEverySchemaAndValuePair() {
        List<String> disagreements = new ArrayList<>();
        for (String s : SCHEMAS) {
            JsonNode schema = obj(s);
            var validator = FACTORY.getSchema(schema, CONFIG);
            for (String v : VALUES) {
                JsonNode value = value(v);
                boolean expected = validator.validate(value).isEmpty();
                if (SchemaFit.fits(schema, value) != expected) disagreements.add(s + " / " + v + ": validator says " + expected);
            }
        }
        assertEquals(List.of(), disagreements);
    }

    @Test
    void booleanSchemasTakeAllOrNothing() {
        assertTrue(SchemaFit.fits(M.getNodeFactory().booleanNode(true), value("{'a':1}")));
        assertFalse(SchemaFit.fits(M.getNodeFactory().booleanNode(false), value("null")));
        assertFalse(SchemaFit.fits(obj("{'type':'object','properties':{'a':false}}"), value("{'a':1}")));
    }

    @Test
    void rfc3339DateTimesAreRecognisedStrictly() {
        for (String ok : List.of("2024-01-09T23:59:52Z", "2024-01-09T23:59:52.1Z", "2024-01-09T23:59:52.123456789Z",
                "2024-01-09T23:59:52+05:30", "2024-01-09T23:59:52.5-08:00", "2024-02-29T00:00:00Z")) {
            assertTrue(SchemaFit.isRfc3339DateTime(ok), ok);
            assertTrue(FACTORY.getSchema(obj("{'type':'string','format':'date-time'}"), CONFIG)
                    .validate(M.getNodeFactory().textNode(ok)).isEmpty(), ok);
        }
        for (String bad : List.of("", "2024-01-09", "2024-01-09T23:59Z", "2024-01-09 23:59:52Z", "2024-01-09T23:59:52",
                "2024-13-09T23:59:52Z", "2023-02-29T00:00:00Z", "2024-01-09T24:00:00Z", "2024-01-09T23:59:52.Z",
                "2024-01-09T23:59:52+0530", "2024-01-09T23:59:52ZZ", "x024-01-09T23:59:52Z",
                "2024-01-09T23:59:52.1234567890Z", "2024-01-09t23:59:52z")) {
            assertFalse(SchemaFit.isRfc3339DateTime(bad), bad);
        }
        assertTrue(SchemaFit.isRfc3339Date("2024-02-29"));
        assertTrue(SchemaFit.isRfc3339Date("2000-02-29"), "divisible by 400: a leap year");
        assertFalse(SchemaFit.isRfc3339Date("1900-02-29"), "divisible by 100: not a leap year");
        assertFalse(SchemaFit.isRfc3339Date("2023-02-29"));
        assertFalse(SchemaFit.isRfc3339Date("2024-04-31"));
        assertFalse(SchemaFit.isRfc3339Date("2024-1-09"));
    }

    @Test
    void onlyDateTimeAndDateFormatsAreChecked() {
        assertFalse(SchemaFit.formatHolds("date-time", "soon"));
        assertFalse(SchemaFit.formatHolds("date", "2024-01-09T00:00:00Z"));
        assertTrue(SchemaFit.formatHolds("email", "not an address"));
        assertTrue(SchemaFit.formatHolds("uri", "::"));
    }
}
