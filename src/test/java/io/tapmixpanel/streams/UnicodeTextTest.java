package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Lone surrogates on the tree path (engage profiles) become U+FFFD; pairs and everything else are untouched. */
class UnicodeTextTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aLoneSurrogateBecomesUfffdAndAPairStays() {
        assertEquals("\uFFFD", UnicodeText.clean("\uD800"));
        assertEquals("a\uFFFDb", UnicodeText.clean("a\uDC00b"));
        assertEquals("\uFFFD\uFFFD", UnicodeText.clean("\uDC00\uD800"));
        assertEquals("\uFFFD\uD83D\uDE00", UnicodeText.clean("\uD800\uD83D\uDE00"));
        assertEquals("x\uFFFD", UnicodeText.clean("x\uDBFF"));
        String fine = "plain \uD83D\uDE00 é";
        assertSame(fine, UnicodeText.clean(fine), "no copy when there is nothing to clean");
    }

    /** Strictly decodes the writer's UTF-8 and parses it: what a strict target would read. */
    private static JsonNode strictlyRead(JsonNode written) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MAPPER.writeValue(out, written);
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        JsonNode back = MAPPER.readTree(text);
        assertTrue(noLoneSurrogate(back.toString()), text);
        return back;
    }

    private static boolean noLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
            else if (Character.isSurrogate(c)) return false;
        }
        return true;
    }

    @Test
    void anEngageProfileWithEscapedOrUtf8EncodedLoneSurrogatesIsWrittenAsValidUnicode() throws Exception {
        // escapes in the body, and ED A0 80 (a UTF-8 encoded surrogate, which Jackson decodes as it is)
        byte[] head = ("{\"$distinct_id\":\"u\\udc00\",\"$properties\":{\"a\\ud800\":\"x\\ud800y\",\"$os\":\"ok \\ud83d\\ude00\","
                + "\"list\":[\"\\udfff\",{\"k\\udbff\":\"v\"}],\"raw\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + 3 + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        body[head.length] = (byte) 0xED;
        body[head.length + 1] = (byte) 0xA0;
        body[head.length + 2] = (byte) 0x80;
        System.arraycopy(tail, 0, body, head.length + 3, tail.length);
        ObjectNode record = EngageStream.shape((ObjectNode) MAPPER.readTree(body));
        JsonNode expected = MAPPER.readTree("{\"distinct_id\":\"u\uFFFD\",\"a\uFFFD\":\"x\uFFFDy\",\"mp_reserved_os\":\"ok \uD83D\uDE00\","
                + "\"list\":[\"\uFFFD\",{\"k\uFFFD\":\"v\"}],\"raw\":\"\uFFFD\"}");
        assertEquals(expected, record);
        assertEquals(expected, strictlyRead(record));
    }

    @Test
    void keysThatBecomeOneKeepTheLaterValue() {
        ObjectNode o = (ObjectNode) UnicodeText.clean(MAPPER.createObjectNode().put("k\uD800", 1).put("b", 2).put("k\uDC00", 3));
        assertEquals("{\"b\":2,\"k\uFFFD\":3}", o.toString());
    }
}
