package io.tapmixpanel.streams.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.BatchOptions;
import io.tapmixpanel.mixpanel.export.ExportEvent;
import io.tapmixpanel.mixpanel.export.ExportScanner;
import io.tapmixpanel.mixpanel.export.ExportSyntaxException;
import io.tapmixpanel.output.BatchFiles;
import io.tapmixpanel.singer.SchemaGuard;
import io.tapmixpanel.singer.SingerWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The byte-level export renderer: exact record text for the cases that matter. */
class ExportRendererTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private List<String> render(String body, String schema) throws IOException {
        return render(body, schema, Optional.empty());
    }

    private List<String> render(String body, String schema, Optional<ZoneId> legacyZone) throws IOException {
        SchemaGuard guard = new SchemaGuard((ObjectNode) MAPPER.readTree(schema));
        ExportRenderer r = new ExportRenderer(ExportRenderer.Options.of(guard, Spools.recordLines(), dir)
                .withDeselected(Set.of("gone")).withLegacyZone(legacyZone));
        r.beginAttempt(1);
        ExportScanner s = new ExportScanner(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        ExportEvent e;
        while ((e = s.next()) != null) r.onEvent(e);
        List<String> lines = Spools.text(r.finish().spool()).lines()
                .map(l -> {
                    assertTrue(l.matches(".*,\"time_extracted\":\"[0-9T:.Z-]+\"}$"), l);
                    return l.replaceAll("^\\{\"type\":\"RECORD\",\"stream\":\"export\",\"record\":", "")
                            .replaceAll(",\"time_extracted\":\"[^\"]*\"}$", "");
                }).toList();
        for (String l : lines) MAPPER.readTree(l); // valid JSON
        return lines;
    }

    private List<String> renderRaw(String body, String schema) throws IOException {
        SchemaGuard guard = new SchemaGuard((ObjectNode) MAPPER.readTree(schema));
        ExportRenderer r = new ExportRenderer(ExportRenderer.Options.of(guard, Spools.recordLines(), dir).withRawProperties(true));
        r.beginAttempt(1);
        ExportScanner s = new ExportScanner(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        ExportEvent e;
        while ((e = s.next()) != null) r.onEvent(e);
        List<String> lines = Spools.text(r.finish().spool()).lines()
                .map(l -> l.replaceAll("^\\{\"type\":\"RECORD\",\"stream\":\"export\",\"record\":", "")
                        .replaceAll(",\"time_extracted\":\"[^\"]*\"}$", "")).toList();
        for (String l : lines) MAPPER.readTree(l);
        return lines;
    }

    @Test
    void rawPropertiesHoldTheEventsPropertiesExactlyAsSentBesideTheShapedColumns() throws IOException {
        String props = "{\"$os\":\"iOS\",\"time\":1700000000,\"n\":{\"a\":[1,2.50]},\"properties\":\"x\"}";
        assertEquals(List.of("{\"event\":\"e\",\"mp_reserved_os\":\"iOS\",\"n\":{\"a\":[1,2.50]},"
                        + "\"mp_literal_properties\":\"x\",\"properties\":" + props + ",\"time\":\"2023-11-14T22:13:20Z\"}"),
                renderRaw("{\"event\":\"e\",\"properties\":" + props + "}\n", OPEN));
        // spaced bodies are still copied as valid JSON; an empty object is an empty object
        assertEquals(List.of("{\"event\":\"e\",\"properties\":{}}", "{\"event\":\"e\",\"k\":1,\"properties\":{ \"k\" : 1 }}"),
                renderRaw("{\"event\":\"e\",\"properties\":{}}\n{\"event\":\"e\",\"properties\":{ \"k\" : 1 }}\n", OPEN));
    }

    @Test
    void rawPropertiesAreDeclaredEvenUnderAdditionalPropertiesFalse() throws IOException {
        String closed = "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"event\":{\"type\":[\"null\",\"string\"]}}}";
        assertEquals(List.of("{\"event\":\"e\",\"properties\":{\"k\":1,\"time\":1700000000},\"time\":\"2023-11-14T22:13:20Z\"}"),
                renderRaw("{\"event\":\"e\",\"properties\":{\"k\":1,\"time\":1700000000}}\n", closed));
    }

    @Test
    void forBatchFilesAWindowIsBareRecordsInFilesOfBatchSizeRecordsAnnouncedOnlyLater() throws IOException {
        SchemaGuard guard = new SchemaGuard((ObjectNode) MAPPER.readTree(OPEN));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        SingerWriter writer = new SingerWriter(stdout);
        BatchFiles batch = new BatchFiles(writer,
                new BatchOptions(dir, "", false, 2));
        ExportRenderer r = new ExportRenderer(ExportRenderer.Options.of(guard, batch, dir));
        r.beginAttempt(1);
        ExportScanner s = new ExportScanner(new ByteArrayInputStream(("{\"event\":\"a\",\"properties\":{}}\n"
                + "{\"event\":\"b\",\"properties\":{}}\n{\"event\":\"c\",\"properties\":{}}\n").getBytes(StandardCharsets.UTF_8)));
        for (ExportEvent e; (e = s.next()) != null; ) r.onEvent(e);
        ExportRenderer.Rendered rendered = r.finish();
        assertEquals(null, rendered.spool(), "no spool: the files are written in place");
        assertEquals(3, rendered.records());
        assertEquals(2, rendered.batchFiles().size());
        assertEquals("{\"event\":\"a\"}\n{\"event\":\"b\"}\n", Files.readString(rendered.batchFiles().get(0)));
        assertEquals("{\"event\":\"c\"}\n", Files.readString(rendered.batchFiles().get(1)));
        writer.flush();
        assertEquals("", stdout.toString(StandardCharsets.UTF_8), "announcing is the output's, in window order");
    }

    private static final String OPEN = "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":true}";
    private static final String STRINGS = "{\"type\":\"object\",\"additionalProperties\":true,\"properties\":{"
            + "\"n\":{\"type\":[\"null\",\"string\"]},\"o\":{\"type\":[\"null\",\"string\"]},\"b\":{\"type\":[\"string\"]},"
            + "\"x\":{\"type\":[\"null\",\"string\"]},\"z\":{\"type\":[\"string\"]}}}";

    @Test
    void numbersKeepTheirTextAndTimeBecomesRfc3339Last() throws IOException {
        assertEquals(List.of("{\"event\":\"e\",\"a\":418.80,\"b\":-0,\"c\":1e5,\"d\":1.0,\"time\":\"2023-11-14T22:13:20.250Z\"}"),
                render("{\"event\":\"e\",\"properties\":{\"time\":1700000000.25,\"a\":418.80,\"b\":-0,\"c\":1e5,\"d\":1.0}}\n", OPEN));
    }

    private static String timed(String time) {
        return "{\"event\":\"e\",\"properties\":{\"time\":" + time + ",\"k\":1}}\n";
    }

    /** The error a {@code time} on line 2 gives, after a good line 1. */
    private ExportSyntaxException badTime(String time, Optional<ZoneId> legacyZone) {
        ExportSyntaxException e = assertThrows(ExportSyntaxException.class,
                () -> render(timed("1700000000") + timed(time), OPEN, legacyZone), time);
        assertEquals(2, e.line(), time);
        assertFalse(e.endOfInput(), time);
        assertTrue(e.getMessage().startsWith("time " + time + " at line 2 is out of range: not Unix seconds in the years 0001..9999"),
                e.getMessage());
        return e;
    }

    @Test
    void aTimeOutsideTheYears1To9999IsAMalformedLineNamingItsLineNeverAWrappedOrGuessedDate() {
        for (String time : List.of("1000000000000" /* milliseconds sent as seconds: year 33658 */, "1700000000000",
                "9223372036854775807", "-9223372036854775808", "99999999999999999999", "-62135596801", "253402300800",
                "1.7e300", "-1.7e300", "1e400", "1000000000000.5", "253402300799.9996", "-62135596800.0006")) {
            badTime(time, Optional.empty());
            badTime(time, Optional.of(ZoneId.of("America/New_York")));
        }
    }

    @Test
    void theFirstAndLastSecondsOfTheYears1To9999AreTimes() throws IOException {
        assertEquals(List.of("{\"event\":\"e\",\"k\":1,\"time\":\"0001-01-01T00:00:00Z\"}",
                        "{\"event\":\"e\",\"k\":1,\"time\":\"9999-12-31T23:59:59Z\"}",
                        "{\"event\":\"e\",\"k\":1,\"time\":\"9999-12-31T23:59:59.999Z\"}",
                        // not taken for milliseconds: a plausible far future in seconds is kept as it is
                        "{\"event\":\"e\",\"k\":1,\"time\":\"5138-11-16T09:46:40Z\"}"),
                render(timed("-62135596800") + timed("253402300799") + timed("253402300799.999") + timed("100000000000"), OPEN));
    }

    @Test
    void aLegacyLocalTimeThatConvertsToUtcOutsideTheYears1To9999IsMalformed() {
        // 9999-12-31T23:59:59 in New York is 10000-01-01T04:59:59Z; 0001-01-01T00:00 in Kolkata is in year 0
        ExportSyntaxException e = badTime("253402300799", Optional.of(ZoneId.of("America/New_York")));
        assertTrue(e.getMessage().endsWith("once converted to UTC"), e.getMessage());
        badTime("-62135596800", Optional.of(ZoneId.of("Asia/Kolkata")));
    }

    @Test
    void aHugeProcessingTimeIsJustANumber() throws IOException {
        for (Optional<ZoneId> zone : List.of(Optional.<ZoneId>empty(), Optional.of(ZoneId.of("America/New_York")))) {
            for (String huge : List.of("99999999999999999999999", "9223372036854775807", "-9223372036854775808", "-99999999999999999999", "1e300")) {
                assertEquals(List.of("{\"event\":\"e\",\"mp_processing_time_ms\":" + huge + ",\"time\":\"2023-11-14T22:13:20Z\"}"),
                        render("{\"event\":\"e\",\"properties\":{\"time\":" + (zone.isPresent() ? 1699982000 : 1700000000)
                                + ",\"mp_processing_time_ms\":" + huge + "}}\n", OPEN, zone), huge + " " + zone);
            }
        }
    }

    @Test
    void nonStringsInStringColumnsAreTheirJsonText() throws IOException {
        assertEquals(List.of("{\"event\":\"e\",\"n\":\"418.80\",\"o\":\"{\\\"k\\\":[1,\\\"a\\\\\\\"b\\\",418.80,{}]}\",\"b\":\"true\","
                        + "\"x\":\"[1,2]\",\"z\":\"null\"}"),
                render("{\"event\":\"e\",\"properties\":{\"n\":418.80,\"o\":{\"k\":[1,\"a\\\"b\",418.80,{}]},\"b\":true,\"x\":[1, 2],\"z\":null}}", STRINGS));
    }

    @Test
    void namesAreRenamedEscapedAndDeselectedColumnsLeftOut() throws IOException {
        assertEquals(List.of("{\"event\":\"top\",\"mp_reserved_os\":\"Linux\",\"mp_literal_mp_reserved_os\":\"lit\","
                        + "\"mp_literal_event\":\"prop\",\"time\":\"2023-11-14T22:13:21Z\"}"),
                render("{\"event\":\"top\",\"properties\":{\"time\":1700000000,\"$os\":\"Linux\",\"mp_reserved_os\":\"lit\","
                        + "\"event\":\"prop\",\"gone\":1,\"time\":1700000001}}", OPEN));
    }

    @Test
    void stringsPassThroughByteForByte() throws IOException {
        assertEquals(List.of("{\"event\":\"a\\nb \\\"q\\\" é 😀 \\u0001\"}", "{\"event\":\"\"}", "{\"event\":\"x\"}"),
                render("{\"event\":\"a\\nb \\\"q\\\" é 😀 \\u0001\",\"properties\":{}}\n{\"properties\":{},\"event\":\"\"}\n"
                        + "{\"event\":\"x\",\"other\":[1],\"properties\":{}}", OPEN));
    }

    @Test
    void aNameGivenTwiceInOneEventIsOneKeyHoldingItsLastValue() throws IOException {
        assertEquals(List.of("{\"event\":\"e\",\"b\":2,\"a\":3}", "{\"a\":[1],\"event\":\"second\"}" /* at the place of its last */,
                        "{\"event\":\"e\",\"time\":\"soon\"}", "{\"event\":\"e\",\"time\":\"2023-11-14T22:13:20Z\"}"),
                render("{\"event\":\"e\",\"properties\":{\"a\":1,\"b\":2,\"a\":3}}\n"
                        + "{\"event\":\"first\",\"properties\":{\"a\":null,\"a\":[1]},\"event\":\"second\"}\n"
                        + "{\"event\":\"e\",\"properties\":{\"time\":1700000000,\"time\":\"soon\"}}\n"
                        + "{\"event\":\"e\",\"properties\":{\"time\":\"soon\",\"time\":1700000000}}\n", OPEN));
        // two properties objects: the members of both, a name in both keeping its later value
        assertEquals(List.of("{\"event\":\"e\",\"b\":1,\"a\":2}"),
                render("{\"event\":\"e\",\"properties\":{\"a\":1,\"b\":1},\"properties\":{\"a\":2}}\n", OPEN));
    }

    @Test
    void namesAreComparedAsDecodedTextWhateverTheirEscapes() throws IOException {
        assertEquals(List.of("{\"event\":\"e\",\"a\":2,\"mp_reserved_os\":\"y\"}", "{\"event\":\"e\",\"a\":3,\"mp_reserved_os\":\"z\"}",
                        "{\"event\":\"e\",\"k\":1,\"time\":\"2023-11-14T22:13:21Z\"}"),
                render("{\"event\":\"e\",\"properties\":{\"\\u0061\":1,\"a\":2,\"$os\":\"x\",\"\\u0024os\":\"y\"}}\n"
                        + "{\"event\":\"e\",\"properties\":{\"\\u0061\":3,\"\\u0024\\u006fs\":\"z\",\"g\\u006fne\":1}}\n"
                        + "{\"event\":\"e\",\"properties\":{\"ti\\u006de\":1700000000,\"k\":1,\"time\":1700000001}}\n", OPEN));
    }

    @Test
    void aNameOrValueWithAnEscapedLoneSurrogateIsWrittenWithUfffd() throws IOException {
        List<String> out = render("{\"event\":\"e\\udc00\",\"properties\":{\"a\\ud800\":\"x\\ud800\",\"\\ud83d\":[\"\\ude00\"],"
                + "\"d\":\"\\ud800\"}}\n", "{\"type\":\"object\",\"additionalProperties\":true,\"properties\":{"
                + "\"d\":{\"type\":\"string\",\"format\":\"date-time\"},\"\uFFFD\":{\"type\":\"string\"}}}");
        assertEquals(List.of("{\"event\":\"e\\ufffd\",\"a\uFFFD\":\"x\\ufffd\",\"\uFFFD\":\"[\\\"\uFFFD\\\"]\",\"d\":\"\\ufffd\"}"), out);
    }

    @Test
    void longNamesThatDifferOnlyInTheMiddleAreEachTheirOwnColumn() throws IOException {
        // The column lookup hashes head, tail and middle words: every name here shares its first and last 8 bytes.
        ObjectNode props = MAPPER.createObjectNode();
        for (int i = 0; i < 300; i++) props.put(String.format("experiment_%04d_variant", i), i);
        String base = "abcdefgh_middle_of_a_long_name_12345678"; // 39 bytes: one byte changed at each middle position
        for (int k = 8; k < base.length() - 8; k++) {
            props.put(base.substring(0, k) + "#" + base.substring(k + 1), "k" + k);
        }
        props.put(base, "base");
        ObjectNode event = MAPPER.createObjectNode();
        event.put("event", "e");
        event.set("properties", props);
        String line = MAPPER.writeValueAsString(event);
        List<String> out = render(line + "\n" + line + "\n", OPEN); // the second event finds every column again
        assertEquals(2, out.size());
        ObjectNode expected = MAPPER.createObjectNode();
        expected.put("event", "e");
        expected.setAll(props);
        for (String record : out) assertEquals(expected, MAPPER.readTree(record));
    }
}
