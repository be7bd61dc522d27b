package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.ExportEvent;
import io.tapmixpanel.mixpanel.ExportScanner;
import io.tapmixpanel.singer.SchemaGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The byte-level export renderer: exact record text for the cases that matter. */
class ExportRendererTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private List<String> render(String body, String schema) throws IOException {
        SchemaGuard guard = new SchemaGuard((ObjectNode) MAPPER.readTree(schema));
        ExportRenderer r = new ExportRenderer(guard, Set.of("gone"), Optional.empty(), dir, n -> {});
        r.beginAttempt(1);
        ExportScanner s = new ExportScanner(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        ExportEvent e;
        while ((e = s.next()) != null) r.onEvent(e);
        Path spool = r.finish().spool();
        List<String> lines = Files.readAllLines(spool).stream()
                .map(l -> {
                    assertTrue(l.matches(".*,\"time_extracted\":\"[0-9T:.Z-]+\"}$"), l);
                    return l.replaceAll("^\\{\"type\":\"RECORD\",\"stream\":\"export\",\"record\":", "")
                            .replaceAll(",\"time_extracted\":\"[^\"]*\"}$", "");
                }).toList();
        for (String l : lines) MAPPER.readTree(l); // valid JSON
        return lines;
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

    @Test
    void nonStringsInStringColumnsAreTheirJsonText() throws IOException {
        assertEquals(List.of("{\"n\":\"418.80\",\"o\":\"{\\\"k\\\":[1,\\\"a\\\\\\\"b\\\",418.80,{}]}\",\"b\":\"true\","
                        + "\"x\":\"[1,2]\",\"z\":\"null\"}"),
                render("{\"properties\":{\"n\":418.80,\"o\":{\"k\":[1,\"a\\\"b\",418.80,{}]},\"b\":true,\"x\":[1, 2],\"z\":null}}", STRINGS));
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
        assertEquals(List.of("{\"event\":\"a\\nb \\\"q\\\" é 😀 \\u0001\"}", "{}", "{\"event\":null}"),
                render("{\"event\":\"a\\nb \\\"q\\\" é 😀 \\u0001\"}\n{\"properties\":{}}\n{\"event\":null,\"other\":[1]}", OPEN));
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
