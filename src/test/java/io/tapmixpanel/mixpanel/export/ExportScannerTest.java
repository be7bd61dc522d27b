package io.tapmixpanel.mixpanel.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The byte-level export scanner: what it accepts, the fields it finds, and how it classifies bad bodies. */
class ExportScannerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Fields as "name=type:value" strings, per event. */
    private static List<List<String>> scan(InputStream in) throws Exception {
        List<List<String>> events = new ArrayList<>();
        ExportReader.read(in, new ExportConsumer() {
            @Override public void beginAttempt(int attempt) {}

            @Override public void onEvent(ExportEvent e) {
                List<String> fields = new ArrayList<>();
                for (int i = 0; i < e.size(); i++) {
                    String name = (e.flags(i) & ExportEvent.TOP_EVENT) != 0 ? "^event"
                            : new String(e.buf(), e.nameStart(i), e.nameEnd(i) - e.nameStart(i), StandardCharsets.UTF_8);
                    fields.add(name + "=" + e.type(i) + ":" + new String(e.buf(), e.valueStart(i),
                            e.valueEnd(i) - e.valueStart(i), StandardCharsets.UTF_8));
                }
                events.add(fields);
            }

            @Override public void discardAttempt(String reason) {}
        });
        return events;
    }

    private static List<List<String>> scan(String body) throws Exception {
        return scan(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static ExportReader.AttemptFailed failure(String body) {
        return assertThrows(ExportReader.AttemptFailed.class, () -> scan(body));
    }

    /** Hands out the body a few bytes at a time: every event spans reads. */
    private static InputStream trickle(byte[] body, long seed) {
        Random r = new Random(seed);
        return new InputStream() {
            int pos;

            @Override public int read() { return pos < body.length ? body[pos++] & 0xFF : -1; }

            @Override public int read(byte[] b, int off, int len) {
                if (pos >= body.length) return -1;
                int n = Math.min(Math.min(len, 1 + r.nextInt(7)), body.length - pos);
                System.arraycopy(body, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    /**
     * Strings are scanned 8 bytes at a time while no byte is special: a quote, a backslash, a control byte or a
     * non-ASCII byte must be seen at every offset of a word and every string length around it.
     */
    @Test
    void everySpecialByteIsFoundAtEveryOffsetOfTheWordScan() throws Exception {
        String[] specials = {"\\\"", "\\\\", "\\n", "\\u00e9", "é", "家", "😀"};
        for (int len = 0; len <= 40; len++) {
            for (int at = 0; at <= len; at++) {
                for (String special : specials) {
                    String value = "a".repeat(at) + special + "b".repeat(len - at);
                    String body = "{\"event\":\"e\",\"properties\":{\"k" + "x".repeat(len % 9) + "\":\"" + value + "\",\"n\":1}}\n";
                    List<List<String>> events = scan(body);
                    assertEquals(List.of(List.of("^event=1:\"e\"", "k" + "x".repeat(len % 9) + "=1:\"" + value + "\"", "n=2:1")), events, body);
                }
                String padded = "a".repeat(at) + "%s" + "b".repeat(len - at);
                // a raw control byte, a lone continuation byte, a truncated sequence: malformed wherever they are
                for (String bad : new String[] {"\u0001", "\u001f", "\t"}) {
                    String body = "{\"event\":\"e\",\"properties\":{\"k\":\"" + String.format(padded, bad) + "\"}}\n";
                    assertEquals(ExportReader.AttemptFailed.Kind.MALFORMED, failure(body).kind, body);
                }
                byte[] head = ("{\"event\":\"e\",\"properties\":{\"k\":\"" + "a".repeat(at)).getBytes(StandardCharsets.US_ASCII);
                byte[] tail = ("b".repeat(len - at) + "\"}}\n").getBytes(StandardCharsets.US_ASCII);
                for (byte[] bad : new byte[][] {{(byte) 0x80}, {(byte) 0xC3, 'x'}, {(byte) 0xFF}}) {
                    byte[] body = new byte[head.length + bad.length + tail.length];
                    System.arraycopy(head, 0, body, 0, head.length);
                    System.arraycopy(bad, 0, body, head.length, bad.length);
                    System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
                    ExportReader.AttemptFailed f = assertThrows(ExportReader.AttemptFailed.class, () -> scan(new ByteArrayInputStream(body)));
                    assertEquals(ExportReader.AttemptFailed.Kind.MALFORMED, f.kind);
                }
            }
        }
    }

    @Test
    void findsEventAndPropertiesWithTypesAndRawValueBytes() throws Exception {
        String body = "{\"event\":\"Sign up\",\"properties\":{\"time\":1700000000,\"$os\":\"Linux\",\"f\":418.80,\"e\":1e5,"
                + "\"z\":-0,\"b\":true,\"c\":false,\"n\":null,\"a\":[1,{\"x\":\"]\"}],\"o\":{},\"l\":[],\"event\":\"prop\"}}\n"
                + "  {\"properties\" : { \"s\" : \"a\\\"b\\\\c\\nd é 😀\" } , \"other\":{\"properties\":{\"no\":1},\"event\":1}, \"event\" : \"late\" }\n"
                + "{\"event\":\"\",\"properties\":{}}\n";
        List<List<String>> events = scan(body);
        assertEquals(List.of(
                List.of("^event=1:\"Sign up\"", "time=2:1700000000", "$os=1:\"Linux\"", "f=3:418.80", "e=3:1e5", "z=2:-0",
                        "b=4:true", "c=5:false", "n=6:null", "a=7:[1,{\"x\":\"]\"}]", "o=8:{}", "l=7:[]", "event=1:\"prop\""),
                List.of("s=1:\"a\\\"b\\\\c\\nd é 😀\"", "^event=1:\"late\""),
                List.of("^event=1:\"\"")), events);
        for (long seed = 0; seed < 20; seed++) {
            assertEquals(events, scan(trickle(body.getBytes(StandardCharsets.UTF_8), seed)), "seed " + seed);
        }
    }

    @Test
    void aLargeBodyScansTheSameInOneBufferOrAcrossManyReads() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            b.append("{\"event\":\"e").append(i).append("\",\"properties\":{\"time\":").append(1700000000 + i)
                    .append(",\"s\":\"").append("x".repeat(i % 300)).append("\\u00e9\",\"arr\":[").append(i).append(",\"ü\"]}}\n");
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length > 2 * ExportScanner.CHUNK);
        List<List<String>> whole = scan(new ByteArrayInputStream(bytes));
        assertEquals(3000, whole.size());
        assertEquals(whole, scan(trickle(bytes, 7)));
        // one event larger than the buffer
        String big = "{\"event\":\"big\",\"properties\":{\"s\":\"" + "y".repeat(3 * ExportScanner.CHUNK) + "\"}}\n";
        assertEquals(3 * ExportScanner.CHUNK + 6, scan(big + b).get(0).get(1).length());
    }

    /** Hands out the body {@code size} bytes per read and counts the reads. */
    private static final class FixedReads extends InputStream {
        final byte[] body;
        final int size;
        int pos;
        int reads;

        FixedReads(byte[] body, int size) {
            this.body = body;
            this.size = size;
        }

        @Override public int read() { throw new UnsupportedOperationException(); }

        @Override public int read(byte[] b, int off, int len) {
            reads++;
            if (pos >= body.length) return -1;
            int n = Math.min(Math.min(len, size), body.length - pos);
            System.arraycopy(body, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private static String line(String name, int valueLength) {
        return "{\"event\":\"" + name + "\",\"properties\":{\"s\":\"" + "y".repeat(valueLength) + "\",\"n\":1}}\n";
    }

    @Test
    void aLongLineArrivingInManySmallReadsIsScannedAgainOnceNotOncePerRead() throws Exception {
        String small = line("a", 10);
        byte[] body = (small + line("long", 300_000) + small).getBytes(StandardCharsets.US_ASCII);
        ExportScanner s = new ExportScanner(new FixedReads(body, 100)); // about 3,000 reads for the long line
        assertEquals(1, s.next().line());
        assertEquals(0, s.rescans());
        ExportEvent e = s.next();
        assertEquals(2, e.line());
        assertEquals(300_002, e.valueEnd(1) - e.valueStart(1));
        // from the 52 bytes the first read brought: scanned again at each doubling (13), not after each read (3,000)
        assertTrue(s.rescans() <= 14, "rescans " + s.rescans());
        assertEquals(3, s.next().line());
        assertEquals(null, s.next());
    }

    @Test
    void aLongLineArrivingInLargeReadsIsScannedAgainOnce() throws Exception {
        String longLine = line("long", 5_000_000);
        ExportScanner s = new ExportScanner(new FixedReads((line("a", 10) + longLine).getBytes(StandardCharsets.US_ASCII), 256 * 1024));
        s.next();
        assertEquals(2, s.next().line());
        // the first read brought 256 KB of it: at most one scan per doubling (5), and the one after its newline
        assertTrue(s.rescans() <= 6, "rescans " + s.rescans());
        assertEquals(null, s.next());
    }

    @Test
    void eventsFollowingOneAnotherWithoutNewlinesAreNotHeldWhole() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 3000; i++) body.append(line("e" + i, 1000).trim());
        ExportScanner s = new ExportScanner(new FixedReads(body.toString().getBytes(StandardCharsets.US_ASCII), 64 * 1024));
        int events = 0;
        while (s.next() != null) {
            events++;
            assertEquals(ExportScanner.CHUNK, s.capacity(), "after event " + events);
        }
        assertEquals(3000, events);
        assertTrue(s.rescans() <= 3000 * 1050 / (64 * 1024) + 1, "about once per read: " + s.rescans());
    }

    @Test
    void aCompleteLineIsDeliveredWithoutWaitingForTheNextRead() throws Exception {
        String first = line("a", 10);
        String second = line("b", 2_000);
        byte[] body = (first + second + first).getBytes(StandardCharsets.US_ASCII);
        FixedReads in = new FixedReads(body, first.length() + 100); // line 1 and the start of line 2
        ExportScanner s = new ExportScanner(in);
        assertEquals(1, s.next().line());
        assertEquals(1, in.reads, "line 1 is out after the read that brought it");
        assertEquals(2, s.next().line());
        int upToNewline = (first.length() + second.length() + in.size - 1) / in.size;
        assertEquals(upToNewline, in.reads, "line 2 is out after the read that brought its newline");
        assertEquals(3, s.next().line());
    }

    @Test
    void errorsAfterAndInsideALongLineSplitOverManyReadsNameTheirLine() {
        String ok = line("a", 10);
        String longLine = line("long", 100_000);
        for (int size : new int[] {7, 1000, 64 * 1024}) {
            ExportSyntaxException after = assertThrows(ExportSyntaxException.class, () -> drain(
                    new FixedReads((ok + longLine + "\n" + ok + "{\"event\":tru}\n").getBytes(StandardCharsets.US_ASCII), size)));
            assertEquals(5, after.line(), "after a blank line: " + size);
            String bad = longLine.replace("yyy\"", "yy\u0001\"");
            ExportSyntaxException inside = assertThrows(ExportSyntaxException.class, () -> drain(
                    new FixedReads((ok + bad + ok).getBytes(StandardCharsets.US_ASCII), size)));
            assertEquals(2, inside.line(), "a control byte at the end of the long line: " + size);
            ExportSyntaxException cut = assertThrows(ExportSyntaxException.class, () -> drain(
                    new FixedReads((ok + longLine.substring(0, 90_000)).getBytes(StandardCharsets.US_ASCII), size)));
            assertTrue(cut.endOfInput());
            assertEquals(2, cut.line());
        }
    }

    @Test
    void anEventSpreadOverLinesAndReadsIsStillScannedWithItsLines() throws Exception {
        String pretty = "{\n  \"event\": \"p\",\n  \"properties\": {\n    \"s\": \"" + "z".repeat(5000) + "\",\n    \"n\": 2\n  }\n}\n";
        byte[] body = (line("a", 10) + pretty + line("c", 10) + "{\"event\":nul}\n").getBytes(StandardCharsets.US_ASCII);
        for (int size : new int[] {3, 50, 4096}) {
            ExportScanner s = new ExportScanner(new FixedReads(body, size));
            assertEquals(1, s.next().line());
            ExportEvent e = s.next();
            assertEquals(2, e.line());
            assertEquals(3, e.size());
            assertEquals(9, s.next().line());
            ExportSyntaxException bad = assertThrows(ExportSyntaxException.class, s::next);
            assertEquals(10, bad.line());
        }
    }

    @Test
    void theBufferGrowsWithALongLineOnlyAndIsGivenBackAfterIt() throws Exception {
        int length = 3 * ExportScanner.CHUNK + 12_345;
        String longLine = line("long", length);
        StringBuilder after = new StringBuilder();
        for (int i = 0; i < 2000; i++) after.append(line("a" + i, i % 100));
        byte[] body = (line("a", 10) + longLine + after).getBytes(StandardCharsets.US_ASCII);
        ExportScanner s = new ExportScanner(new FixedReads(body, 64 * 1024));
        s.next();
        assertEquals(ExportScanner.CHUNK, s.capacity());
        s.next();
        assertTrue(s.capacity() >= longLine.length() && s.capacity() <= 2 * longLine.length(), "capacity " + s.capacity());
        int events = 2;
        while (s.next() != null) events++;
        assertEquals(2002, events);
        assertEquals(ExportScanner.CHUNK, s.capacity(), "given back once the long line is behind");
    }

    private static void drain(InputStream in) throws Exception {
        ExportScanner s = new ExportScanner(in);
        while (s.next() != null) { }
    }

    @Test
    void truncationsAreCutShort() {
        String l1 = "{\"event\":\"a\",\"properties\":{\"time\":1}}\n";
        for (String cut : List.of("{\"event\":\"a\",\"properties\":{\"s\":\"abc", "{\"event\":\"a\",\"properties\":{\"n\":12",
                "{\"event\":\"a\",\"properties\":{\"b\":tr", "{\"event\":\"a\",\"properties\":{\"s\":\"ab\\",
                "{\"event\":\"a\",\"properties\":{\"s\":\"ab\\u00", "{\"event\":\"a\",\"properties\":{\"a\":[1,[2",
                "{", "{\"event\"", "{\"event\":\"a\",\"properties\":{\"s\":\"x\"} ")) {
            ExportReader.AttemptFailed f = failure(l1 + cut);
            assertEquals(ExportReader.AttemptFailed.Kind.CUT_SHORT, f.kind, cut);
            assertTrue(f.reason.startsWith("truncated last record at line 2 (after 1 events)"), f.reason);
        }
        byte[] emoji = (l1 + "{\"event\":\"😀\"}").getBytes(StandardCharsets.UTF_8);
        byte[] cutEmoji = java.util.Arrays.copyOf(emoji, emoji.length - 5); // inside the 4-byte sequence
        ExportReader.AttemptFailed f = assertThrows(ExportReader.AttemptFailed.class, () -> scan(new ByteArrayInputStream(cutEmoji)));
        assertEquals(ExportReader.AttemptFailed.Kind.CUT_SHORT, f.kind);
    }

    @Test
    void terminatedEarlyAfterAWholeLineOrACutLineIsCutShort() {
        String l1 = "{\"event\":\"a\",\"properties\":{\"time\":1}}\n";
        for (String tail : List.of("terminated early\n", "{\"event\":\"a\",\"prop" + "terminated early",
                "{\"event\":\"a\",\"properties\":{\"time\":16028terminated early\n", "{\"event\":\"a\",\"properties\":{\"s\":\"x\\terminated early")) {
            ExportReader.AttemptFailed f = failure(l1 + tail);
            assertEquals(ExportReader.AttemptFailed.Kind.CUT_SHORT, f.kind, tail);
            assertTrue(f.reason.startsWith("terminated early (after 1 events, line 2)"), f.reason);
        }
    }

    @Test
    void invalidJsonIsMalformedWithItsLine() {
        String ok = "{\"event\":\"a\",\"properties\":{\"time\":1}}\n{\"event\":\"b\",\"properties\":{}}\n";
        for (String bad : List.of("{\"event\":\"a\u0001b\"}", "{\"event\":\"a\nb\"}", "{\"event\":tru}", "{\"event\":nul}",
                "{\"event\":01}", "{\"event\":1.}", "{\"event\":-}", "{\"event\":1e}", "{\"event\":+1}", "{\"event\":.5}",
                "{\"event\":\"a\" \"b\"}", "{\"event\":\"a\",}", "{\"event\":[1,]}", "{\"event\":[1}", "{\"event\":{\"a\":1]}",
                "{\"event\":\"\\x\"}", "{\"event\":\"\\u12G4\"}", "{event:1}", "{\"event\"1}", "[1,2]", "\"text\"", "garbage",
                "{\"event\":\"a\"}}", "{\"event\":NaN}", "{\"event\":truex}")) {
            ExportReader.AttemptFailed f = failure(ok + bad + "\n" + ok);
            assertEquals(ExportReader.AttemptFailed.Kind.MALFORMED, f.kind, bad);
            assertEquals(3, f.line, bad);
        }
        byte[] badUtf8 = (ok + "{\"event\":\"x\",\"properties\":{}}\n").getBytes(StandardCharsets.UTF_8);
        badUtf8[badUtf8.length - 21] = (byte) 0xFF;
        ExportReader.AttemptFailed f = assertThrows(ExportReader.AttemptFailed.class, () -> scan(new ByteArrayInputStream(badUtf8)));
        assertEquals(ExportReader.AttemptFailed.Kind.MALFORMED, f.kind);
        assertEquals(3, f.line);
    }

    private static byte[] lineWith(String before, byte[] raw, String after) {
        byte[] a = before.getBytes(StandardCharsets.UTF_8);
        byte[] c = after.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[a.length + raw.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(raw, 0, out, a.length, raw.length);
        System.arraycopy(c, 0, out, a.length + raw.length, c.length);
        return out;
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }

    @Test
    void overlongFormsEncodedSurrogatesAndCodePointsPastU10FFFFAreMalformedWithTheirLine() throws Exception {
        String ok = "{\"event\":\"a\",\"properties\":{}}\n";
        List<byte[]> bad = List.of(bytes(0xE0, 0x80, 0x80), bytes(0xE0, 0x9F, 0xBF), bytes(0xF0, 0x80, 0x80, 0x80),
                bytes(0xF0, 0x8F, 0xBF, 0xBF), bytes(0xED, 0xA0, 0x80), bytes(0xED, 0xBF, 0xBF),
                bytes(0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80) /* CESU-8 for U+1F600 */, bytes(0xF4, 0x90, 0x80, 0x80),
                bytes(0xF4, 0xBF, 0xBF, 0xBF));
        for (byte[] raw : bad) {
            for (String[] where : List.of(new String[] {"{\"event\":\"x", "\",\"properties\":{}}\n"},
                    new String[] {"{\"event\":\"x\",\"properties\":{\"k\":\"", "\"}}\n"},
                    new String[] {"{\"event\":\"x\",\"properties\":{\"", "\":1}}\n"},
                    new String[] {"{\"event\":\"x\",\"properties\":{\"k\":[{\"n\":\"", "\"}]}}\n"})) {
                byte[] full = lineWith(ok + ok + where[0], raw, where[1] + ok);
                ExportReader.AttemptFailed f = assertThrows(ExportReader.AttemptFailed.class, () -> scan(new ByteArrayInputStream(full)),
                        new String(full, StandardCharsets.ISO_8859_1));
                assertEquals(ExportReader.AttemptFailed.Kind.MALFORMED, f.kind);
                assertEquals(3, f.line);
                assertTrue(f.reason.startsWith("Invalid UTF-8 ("), f.reason);
            }
        }
        // the first and last code points of each range around them are text
        byte[] edges = lineWith("{\"event\":\"", bytes(0xE0, 0xA0, 0x80, 0xED, 0x9F, 0xBF, 0xEE, 0x80, 0x80,
                0xF0, 0x90, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF), "\",\"properties\":{}}\n");
        assertEquals(List.of(List.of("^event=1:\"\u0800\ud7ff\ue000\ud800\udc00\udbff\udfff\"")),
                scan(new ByteArrayInputStream(edges)));
    }

    @Test
    void anEscapedSurrogateThatIsNotHalfOfAPairIsRewrittenAsUfffdInValuesAndNames() throws Exception {
        String[][] cases = {
                {"\\ud800", "\\ufffd"}, {"a\\ud800b", "a\\ufffdb"}, {"\\udc00", "\\ufffd"}, {"\\uDBFFx", "\\ufffdx"},
                {"\\ud800\\ud800", "\\ufffd\\ufffd"}, {"\\ud800\\n\\udc00", "\\ufffd\\n\\ufffd"},
                {"\\udc00\\ud800", "\\ufffd\\ufffd"}, {"\\ud800\\udbff\\udc00", "\\ufffd\\udbff\\udc00"},
                {"\\ud83d\\ude00", "\\ud83d\\ude00"}, {"\\uD83D\\uDE00\\u00e9", "\\uD83D\\uDE00\\u00e9"},
                {"\\ud800\\u0041", "\\ufffd\\u0041"}};
        for (String[] c : cases) {
            String in = c[0], out = c[1];
            String body = "{\"event\":\"" + in + "\",\"properties\":{\"" + in + "\":\"" + in + "\",\"o\":[{\"" + in + "\":\"" + in + "\"}]}}\n";
            List<List<String>> events = scan(body);
            assertEquals(List.of(List.of("^event=1:\"" + out + "\"", out + "=1:\"" + out + "\"", "o=7:[{\"" + out + "\":\"" + out + "\"}]")),
                    events, in);
            // and the same when the bytes arrive a few at a time (a string scanned again once more bytes are in)
            assertEquals(events, scan(trickle(body.getBytes(StandardCharsets.UTF_8), in.hashCode())), in);
        }
    }

    @Test
    void aLineIsAnEventOnlyWithAnEventStringAndAPropertiesObject() {
        String ok = "{\"event\":\"a\",\"properties\":{\"time\":1}}\n";
        for (String bad : List.of("{\"error\":\"x\",\"request\":\"/api/2.0/export\"}", "{}", "{ }",
                "{\"event\":1,\"properties\":{}}", "{\"event\":null,\"properties\":{}}", "{\"event\":[\"a\"],\"properties\":{}}",
                "{\"event\":\"a\",\"properties\":[1]}", "{\"event\":\"a\",\"properties\":null}", "{\"event\":\"a\",\"properties\":\"{}\"}",
                "{\"event\":\"a\"}", "{\"properties\":{\"time\":1}}", "{\"event\":\"a\",\"other\":{\"properties\":{}}}",
                "{\"properties\":{},\"event\":\"a\",\"event\":2}", "{\"event\":\"a\",\"properties\":{},\"properties\":[]}")) {
            ExportReader.AttemptFailed f = failure(ok + bad + "\n" + ok);
            assertEquals(ExportReader.AttemptFailed.Kind.MALFORMED, f.kind, bad);
            assertEquals(2, f.line, bad);
            assertTrue(f.reason.startsWith("line 2 is not an event ("), f.reason);
        }
        // a whole 200 body that is an error object: line 1, saying what is missing
        ExportReader.AttemptFailed f = failure("{\"error\": \"unknown project\", \"request\": \"/api/2.0/export?x=1\"}\n");
        assertEquals(ExportReader.AttemptFailed.Kind.MALFORMED, f.kind);
        assertEquals(1, f.line);
        assertEquals("line 1 is not an event (it has no \"event\" string)", f.reason);
        assertEquals("line 1 is not an event (it has no \"properties\" object)", failure("{\"event\":\"a\"}").reason);
        assertEquals("line 1 is not an event (its \"event\" is not a string)", failure("{\"event\":7,\"properties\":{}}").reason);
        assertEquals("line 1 is not an event (its \"properties\" is not an object)", failure("{\"event\":\"a\",\"properties\":[]}").reason);
    }

    @Test
    void aTruncatedLineIsCutShortEvenWhenWhatArrivedIsNotAnEvent() {
        String ok = "{\"event\":\"a\",\"properties\":{\"time\":1}}\n";
        for (String cut : List.of("{\"event\":[1,", "{\"event\":\"a\",\"properties\":[1", "{\"error\":\"x")) {
            ExportReader.AttemptFailed f = failure(ok + cut);
            assertEquals(ExportReader.AttemptFailed.Kind.CUT_SHORT, f.kind, cut);
        }
    }

    @Test
    void escapedTopLevelNamesCountAsEventAndProperties() throws Exception {
        assertEquals(List.of(List.of("^event=1:\"e\"", "k=2:1")),
                scan("{\"ev\\u0065nt\":\"e\",\"propertie\\u0073\":{\"k\":1}}\n"));
    }

    @Test
    void flagsTellEscapesAndNonCompactContainers() throws Exception {
        List<Integer> flags = new ArrayList<>();
        ExportReader.read(new ByteArrayInputStream(("{\"event\":\"e\",\"properties\":{\"a\":\"x\\ny\",\"b\":\"plain\",\"c\":[1,\"\\u001F\"],"
                + "\"d\":[1, 2],\"e\":[\"\\/\"],\"f\":{\"k\":\"\\u00e9\"},\"g\\u0068\":1}}").getBytes(StandardCharsets.UTF_8)),
                new ExportConsumer() {
                    @Override public void beginAttempt(int attempt) {}
                    @Override public void onEvent(ExportEvent e) { for (int i = 0; i < e.size(); i++) flags.add(e.flags(i)); }
                    @Override public void discardAttempt(String reason) {}
                });
        int esc = ExportEvent.ESCAPED, nc = ExportEvent.NOT_COMPACT;
        assertEquals(List.of(ExportEvent.TOP_EVENT, esc, 0, esc, nc, esc | nc, esc | nc, ExportEvent.NAME_ESCAPED), flags);
    }

    @Test
    void everyAcceptedEventIsValidJson() throws Exception {
        String body = "{\"event\":\"a\\u00e9\\ud83d\\ude00\",\"properties\":{\"x\":[{\"y\":[[],{}]}],\"s\":\"\\\\\\\"\"}}\n";
        List<List<String>> events = scan(body);
        JsonNode n = MAPPER.readTree("{\"v\":" + events.get(0).get(1).substring(4) + "}");
        assertEquals("[{\"y\":[[],{}]}]", n.get("v").toString());
    }
}
