package io.tapmixpanel.mixpanel.export;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The export scanner against Jackson, its reference for what JSON is: valid export lines are mutated many ways
 * (fixed seed, so a failure is reproducible) and every mutant that Jackson's strict parser rejects must fail the
 * attempt when read the way the client reads a body ({@link ExportReader#read}), whether the bytes arrive at once
 * or a few at a time. The scanner may be stricter than Jackson (it wants objects; it refuses overlong UTF-8 such
 * as {@code C0 80}, which Jackson decodes), never laxer.
 */
class ExportScannerDifferentialTest {
    private static final long SEED = 0x5CA77E5L;
    private static final int MUTANTS_PER_LINE = 800;
    private static final JsonFactory JACKSON = new JsonFactory();

    /** Valid lines covering what the scanner distinguishes: nesting, escapes, UTF-8, numbers, literals, spacing. */
    private static final List<String> LINES = List.of(
            ExportBodies.event(0).strip(),
            ExportBodies.event(123_456_789).strip(),
            "{\"event\":\"Signed up\",\"properties\":{\"time\":1602611311,\"distinct_id\":\"u-42\",\"n\":12.5}}",
            "{\"event\":\"Purchase\",\"properties\":{\"time\":1602611312,\"distinct_id\":\"u-43\",\"items\":[1,2,"
                    + "{\"sku\":\"a-1\",\"q\":3,\"tags\":[]}],\"meta\":{\"a\":{\"b\":[true,false,null]},\"e\":{}},"
                    + "\"neg\":-0.5e-3,\"big\":12345678901234567890,\"exp\":1E+2,\"zero\":0,\"nz\":-0}}",
            "{\"event\":\"Caf\\u00e9 \\\"quoted\\\"\",\"properties\":{\"time\":1700000000,\"distinct_id\":\"d\\\\u\","
                    + "\"url\":\"https:\\/\\/x.y\\/p?q=1\",\"emoji\":\"😀\",\"pair\":\"\\ud83d\\ude00\",\"tab\":\"a\\tb\","
                    + "\"ctrl\":\"\\u001F\\b\\f\\r\\n\",\"zh\":\"家\",\"é\":\"Zürich\"}}",
            "{\"event\":\"x\",\"properties\":{\"time\":1,\"flag\":true},\"extra\":[1,{\"a\":\"b\"},[[]]],\"n\":null}",
            "{ \"event\" : \"Spaced\" , \"properties\" : { \"time\" : 1 , \"a\" : [ 1 , 2 ] , \"o\" : { \"k\" : \"v\" } } }",
            "{\"ev\\u0065nt\":\"escaped names\",\"propertie\\u0073\":{\"time\":2,\"k\\\"ey\":\"v\",\"\":\"\"}}",
            "{\"event\":\"e\",\"properties\":{}}",
            "{\"properties\":{\"o\":{}},\"event\":\"late\",\"extra\":[\"a\",1.0],\"properties\":{}}");

    private static final String[] BAD_NUMBERS = {
            "01", "00", "-", "-01", "1.", "1.e5", ".5", "+1", "--1", "1e", "1e+", "1E-", "0x1F", "1_000", "NaN",
            "Infinity", "-Infinity", "1.5.2", "1e5.5", "1ee5", "0.", "-.5", "1e+-5", "٣", "1 2", "0-1", "-0e"};
    private static final String[] BARE_WORDS = {
            "tru", "nul", "fals", "True", "NULL", "undefined", "abc", "truee", "nulll", "t", "n", "f", "'x'", "none"};
    private static final String[] BAD_ESCAPES = {
            "\\u", "\\u1", "\\u12", "\\u123", "\\u12G4", "\\uZZZZ", "\\x41", "\\U0041", "\\", "\\'", "\\0", "\\a",
            "\\u{41}", "\\ ", "\\\n", "\\v", "\\e"};
    private static final byte[][] BAD_UTF8 = {
            {(byte) 0x80}, {(byte) 0xBF}, {(byte) 0xC3}, {(byte) 0xC3, 'x'}, {(byte) 0xC0, (byte) 0x80},
            {(byte) 0xE2, (byte) 0x82}, {(byte) 0xE2, 'x', (byte) 0xAC}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98},
            {(byte) 0xF8, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xFE}, {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
    /** Bytes worth inserting or replacing anywhere: structure, quotes, escapes, digits, controls, non-ASCII. */
    private static final byte[] INTERESTING = {
            '{', '}', '[', ']', '"', ':', ',', '\\', '/', '0', '1', '9', '-', '+', '.', 'e', 'E', 't', 'n', 'u', 'x',
            ' ', '\t', '\n', '\r', 0x00, 0x01, 0x08, 0x0B, 0x0C, 0x1F, 0x7F, (byte) 0x80, (byte) 0xA0, (byte) 0xC3,
            (byte) 0xE2, (byte) 0xF0, (byte) 0xFF, '\''};

    @Test
    void everyValidLineIsAcceptedByBoth() throws Exception {
        for (String line : LINES) {
            byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
            assertTrue(jacksonAccepts(b), line);
            assertTrue(scannerAccepts(b, null), line);
        }
    }

    @Test
    void everyMutantThatJacksonRejectsFailsTheAttempt() throws Exception {
        Random random = new Random(SEED);
        List<String> notFailed = new ArrayList<>();
        int mutants = 0;
        int rejectedByJackson = 0;
        for (String line : LINES) {
            byte[] base = line.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < MUTANTS_PER_LINE; i++) {
                StringBuilder how = new StringBuilder();
                byte[] m = mutate(base, random, how);
                if (random.nextBoolean()) m = withNewline(m);
                mutants++;
                if (jacksonAccepts(m)) continue;
                rejectedByJackson++;
                Random trickle = random.nextBoolean() ? new Random(random.nextLong()) : null;
                String verdict;
                try {
                    verdict = scannerAccepts(m, trickle) ? "accepted" : null;
                } catch (RuntimeException e) { // neither a clean event nor a failed attempt: the sync would end
                    verdict = "crashed (" + e + ")";
                }
                if (verdict != null) notFailed.add(verdict + " after " + how + (trickle != null ? ", trickled" : "") + ": " + show(m));
            }
        }
        assertTrue(notFailed.isEmpty(), notFailed.size() + " of " + rejectedByJackson
                + " lines Jackson rejects did not fail the attempt, e.g.\n" + String.join("\n", notFailed.subList(0, Math.min(20, notFailed.size()))));
        // Not vacuous: most of the thousands of mutants break the line.
        assertTrue(rejectedByJackson > mutants / 2, rejectedByJackson + " of " + mutants + " rejected by Jackson");
    }

    /** Jackson's verdict over the whole body: every token read, strings and numbers decoded (UTF-8 checked). */
    private static boolean jacksonAccepts(byte[] body) {
        try (JsonParser p = JACKSON.createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) p.getText();
                else if (t.isNumeric()) p.getNumberValue();
            }
            return true;
        } catch (IOException rejected) {
            return false;
        }
    }

    /** The client's verdict: the attempt completes, or it fails (malformed, or cut short). */
    private static boolean scannerAccepts(byte[] body, Random trickle) throws Exception {
        InputStream in = trickle == null ? new ByteArrayInputStream(body) : trickle(body, trickle);
        try {
            ExportReader.read(in, new ExportConsumer() {
                @Override public void beginAttempt(int attempt) {}

                @Override public void onEvent(ExportEvent event) {}

                @Override public void discardAttempt(String reason) {}
            });
            return true;
        } catch (ExportReader.AttemptFailed failed) {
            return false;
        }
    }

    /** One to three mutations of {@code base}; {@code how} names them. */
    private static byte[] mutate(byte[] base, Random r, StringBuilder how) {
        byte[] b = base;
        int times = r.nextInt(10) < 7 ? 1 : 2 + r.nextInt(2);
        for (int k = 0; k < times; k++) {
            int op = r.nextInt(19);
            int at = r.nextInt(b.length + 1);
            int in = b.length == 0 ? 0 : r.nextInt(b.length);
            how.append(how.length() == 0 ? "" : ", ");
            switch (op) {
                case 0 -> { how.append("delete byte ").append(in); b = splice(b, in, Math.min(b.length, in + 1), new byte[0]); }
                case 1 -> {
                    int n = 1 + r.nextInt(8);
                    how.append("delete ").append(n).append(" at ").append(in);
                    b = splice(b, in, Math.min(b.length, in + n), new byte[0]);
                }
                case 2 -> { how.append("insert byte at ").append(at); b = splice(b, at, at, new byte[] {pick(INTERESTING, r)}); }
                case 3 -> { how.append("replace byte ").append(in); b = splice(b, in, Math.min(b.length, in + 1), new byte[] {pick(INTERESTING, r)}); }
                case 4 -> { how.append("truncate at ").append(at); b = splice(b, at, b.length, new byte[0]); }
                case 5 -> { // a quote doubled
                    int q = find(b, r, x -> x == '"');
                    how.append("double quote ").append(q);
                    if (q >= 0) b = splice(b, q, q, new byte[] {'"'});
                }
                case 6 -> { // a bad escape inside a string
                    int s = insideString(b, r);
                    how.append("bad escape at ").append(s);
                    if (s >= 0) b = splice(b, s, s, ascii(pick(BAD_ESCAPES, r)));
                }
                case 7 -> { // a number replaced by an invalid one
                    int[] num = number(b, r);
                    how.append("bad number at ").append(num[0]);
                    if (num[0] >= 0) b = splice(b, num[0], num[1], ascii(pick(BAD_NUMBERS, r)));
                }
                case 8 -> { // a value replaced by a bare word
                    int[] v = scalar(b, r);
                    how.append("bare word at ").append(v[0]);
                    if (v[0] >= 0) b = splice(b, v[0], v[1], ascii(pick(BARE_WORDS, r)));
                }
                case 9 -> { // a raw control byte inside a string
                    int s = insideString(b, r);
                    how.append("control byte at ").append(s);
                    if (s >= 0) b = splice(b, s, s, new byte[] {(byte) r.nextInt(0x20)});
                }
                case 10 -> { // a bracket or brace more, or one less
                    byte[] brackets = {'{', '}', '[', ']'};
                    int c = find(b, r, x -> x == '{' || x == '}' || x == '[' || x == ']');
                    if (r.nextBoolean() || c < 0) {
                        how.append("insert bracket at ").append(at);
                        b = splice(b, at, at, new byte[] {pick(brackets, r)});
                    } else {
                        how.append("delete bracket ").append(c);
                        b = splice(b, c, c + 1, new byte[0]);
                    }
                }
                case 11 -> { // a trailing comma
                    int c = find(b, r, x -> x == '}' || x == ']');
                    how.append("trailing comma at ").append(c);
                    if (c >= 0) b = splice(b, c, c, new byte[] {','});
                }
                case 12 -> { // a colon missing or wrong
                    int c = find(b, r, x -> x == ':');
                    byte[][] instead = {{}, {'='}, {','}, {';'}, {':', ':'}, {' '}};
                    how.append("colon at ").append(c);
                    if (c >= 0) b = splice(b, c, c + 1, instead[r.nextInt(instead.length)]);
                }
                case 13 -> { // a comma doubled, missing, or swapped for a colon
                    int c = find(b, r, x -> x == ',');
                    byte[][] instead = {{',', ','}, {}, {':'}, {' '}};
                    how.append("comma at ").append(c);
                    if (c >= 0) b = splice(b, c, c + 1, instead[r.nextInt(instead.length)]);
                }
                case 14 -> { // two neighbours swapped
                    how.append("swap at ").append(in);
                    if (in + 1 < b.length) {
                        b = b.clone();
                        byte t = b[in];
                        b[in] = b[in + 1];
                        b[in + 1] = t;
                    }
                }
                case 15 -> { // invalid UTF-8, in a string or anywhere
                    int s = r.nextBoolean() ? insideString(b, r) : at;
                    how.append("bad UTF-8 at ").append(s);
                    if (s >= 0) b = splice(b, s, s, pick(BAD_UTF8, r));
                }
                case 16 -> { // a slice repeated
                    int from = in;
                    int to = Math.min(b.length, from + 1 + r.nextInt(12));
                    how.append("repeat ").append(from).append("..").append(to);
                    b = splice(b, to, to, java.util.Arrays.copyOfRange(b, from, to));
                }
                case 17 -> { // a byte that is not JSON whitespace between tokens
                    int c = find(b, r, x -> x == ':' || x == ',' || x == '{' || x == '[');
                    byte[][] spaces = {{0x0B}, {0x0C}, {(byte) 0xC2, (byte) 0xA0}, {0x00}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}};
                    how.append("odd space after ").append(c);
                    if (c >= 0) b = splice(b, c + 1, c + 1, spaces[r.nextInt(spaces.length)]);
                }
                default -> { // a newline inside the line, which a JSON string may not hold raw
                    how.append("newline at ").append(at);
                    b = splice(b, at, at, new byte[] {'\n'});
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    private interface BytePredicate {
        boolean test(byte b);
    }

    /** A random index whose byte matches, or -1. */
    private static int find(byte[] b, Random r, BytePredicate p) {
        List<Integer> hits = new ArrayList<>();
        for (int i = 0; i < b.length; i++) {
            if (p.test(b[i])) hits.add(i);
        }
        return hits.isEmpty() ? -1 : hits.get(r.nextInt(hits.size()));
    }

    /** Quote state per byte (true inside a string, after its opening quote), as far as the bytes allow. */
    private static boolean[] inString(byte[] b) {
        boolean[] inside = new boolean[b.length + 1];
        boolean s = false;
        for (int i = 0; i < b.length; i++) {
            inside[i] = s;
            if (s && b[i] == '\\') {
                i++;
                if (i < b.length) inside[i] = true;
                continue;
            }
            if (b[i] == '"') s = !s;
        }
        inside[b.length] = s;
        return inside;
    }

    /** A random position strictly inside a string (after its opening quote, not inside an escape), or -1. */
    private static int insideString(byte[] b, Random r) {
        boolean[] inside = inString(b);
        List<Integer> hits = new ArrayList<>();
        for (int i = 1; i < b.length; i++) {
            if (inside[i] && b[i - 1] != '\\') hits.add(i);
        }
        return hits.isEmpty() ? -1 : hits.get(r.nextInt(hits.size()));
    }

    /** A random number token outside strings, as {from, to}; {-1, -1} when there is none. */
    private static int[] number(byte[] b, Random r) {
        boolean[] inside = inString(b);
        List<int[]> hits = new ArrayList<>();
        for (int i = 0; i < b.length; i++) {
            if (inside[i] || !(b[i] == '-' || (b[i] >= '0' && b[i] <= '9'))) continue;
            int j = i;
            while (j < b.length && (b[j] == '-' || b[j] == '+' || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || (b[j] >= '0' && b[j] <= '9'))) j++;
            hits.add(new int[] {i, j});
            i = j;
        }
        return hits.isEmpty() ? new int[] {-1, -1} : hits.get(r.nextInt(hits.size()));
    }

    /** A random scalar value (number, literal or string after ':' or in an array), as {from, to}; {-1, -1} when none. */
    private static int[] scalar(byte[] b, Random r) {
        boolean[] inside = inString(b);
        List<int[]> hits = new ArrayList<>();
        for (int i = 1; i < b.length; i++) {
            if (inside[i] || !(b[i - 1] == ':' || b[i - 1] == '[' || (b[i - 1] == ',' && !startsName(b, inside, i)))) continue;
            int j = i;
            if (b[i] == '"') {
                j++;
                while (j < b.length && inside[j]) j++;
                j = Math.min(b.length, j + 1);
            } else {
                while (j < b.length && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ') j++;
            }
            if (j > i) hits.add(new int[] {i, j});
        }
        return hits.isEmpty() ? new int[] {-1, -1} : hits.get(r.nextInt(hits.size()));
    }

    /** Whether the string at {@code i} is a member name (a ':' follows it). */
    private static boolean startsName(byte[] b, boolean[] inside, int i) {
        if (b[i] != '"') return false;
        int j = i + 1;
        while (j < b.length && inside[j]) j++;
        j++;
        while (j < b.length && b[j] == ' ') j++;
        return j < b.length && b[j] == ':';
    }

    private static byte[] withNewline(byte[] b) {
        byte[] out = java.util.Arrays.copyOf(b, b.length + 1);
        out[b.length] = '\n';
        return out;
    }

    private static byte pick(byte[] choices, Random r) { return choices[r.nextInt(choices.length)]; }

    private static byte[] pick(byte[][] choices, Random r) { return choices[r.nextInt(choices.length)]; }

    private static String pick(String[] choices, Random r) { return choices[r.nextInt(choices.length)]; }

    private static byte[] ascii(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    /** The bytes as Java-escaped text: printable ASCII as is, everything else as \xNN. */
    private static String show(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\\') sb.append((char) c);
            else sb.append(String.format("\\x%02X", c));
        }
        return sb.toString();
    }

    /** Hands out the body a few bytes at a time, so that events span reads and are scanned again. */
    private static InputStream trickle(byte[] body, Random r) {
        return new InputStream() {
            int pos;

            @Override public int read() { return pos < body.length ? body[pos++] & 0xFF : -1; }

            @Override public int read(byte[] b, int off, int len) {
                if (pos >= body.length) return -1;
                int n = Math.min(Math.min(len, 1 + r.nextInt(16)), body.length - pos);
                System.arraycopy(body, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }
}
