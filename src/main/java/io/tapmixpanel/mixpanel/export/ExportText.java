package io.tapmixpanel.mixpanel.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tapmixpanel.mixpanel.http.MixpanelJson;
import java.io.IOException;

/**
 * The text rules {@link ExportScanner} applies to the strings of an export body (docs/streams.md "Streams"): only
 * well-formed UTF-8 passes, an escaped surrogate that is not half of a pair becomes U+FFFD, and a string is
 * decoded only on rare paths. Static methods on the buffer's bytes, so the scanner's hot path calls them with no
 * dispatch and nothing allocated.
 */
final class ExportText {
    private ExportText() {}

    /** Rewrites the {@code \\uXXXX} escape whose backslash is at {@code at} as {@code \\ufffd}. */
    static void loneSurrogate(byte[] b, int at) {
        b[at + 2] = 'f';
        b[at + 3] = 'f';
        b[at + 4] = 'f';
        b[at + 5] = 'd';
    }

    /**
     * A multi-byte UTF-8 sequence at {@code p}; returns its end. Only well-formed UTF-8 (RFC 3629) passes: besides
     * bad start and continuation bytes, overlong forms ({@code C0}, {@code C1}, {@code E0 80..9F}, {@code F0
     * 80..8F}), encoded surrogates ({@code ED A0..BF}) and code points past U+10FFFF ({@code F4 90..}, {@code F5..})
     * make the line malformed, never copied to stdout where a strict target could not decode them (docs/streams.md "Streams").
     */
    static int utf8(byte[] buf, int p, int limit, long line) throws ExportSyntaxException {
        int c = buf[p] & 0xFF;
        int n;
        if (c >= 0xC2 && c <= 0xDF) n = 1;
        else if (c >= 0xE0 && c <= 0xEF) n = 2;
        else if (c >= 0xF0 && c <= 0xF4) n = 3;
        else throw new ExportSyntaxException("Invalid UTF-8 start byte 0x" + Integer.toHexString(c) + " at line " + line, line, false);
        for (int i = 1; i <= n; i++) {
            if (p + i >= limit) throw ExportBuffer.NEED_MORE;
            if ((buf[p + i] & 0xC0) != 0x80) {
                throw new ExportSyntaxException("Invalid UTF-8 middle byte at line " + line, line, false);
            }
        }
        if (c == 0xE0 || c == 0xED || c == 0xF0 || c == 0xF4) {
            int second = buf[p + 1] & 0xFF;
            String wrong = c == 0xE0 && second < 0xA0 || c == 0xF0 && second < 0x90 ? "an overlong form"
                    : c == 0xED && second > 0x9F ? "an encoded surrogate"
                    : c == 0xF4 && second > 0x8F ? "a code point past U+10FFFF" : null;
            if (wrong != null) {
                throw new ExportSyntaxException(String.format("Invalid UTF-8 (%s, bytes 0x%02X 0x%02X) at line %d", wrong, c, second, line),
                        line, false);
            }
        }
        return p + n + 1;
    }

    /** Decodes the JSON string whose quotes are at {@code from} and {@code to - 1} (rare paths only). */
    static String decodeString(byte[] b, int from, int to) throws IOException {
        try {
            return MixpanelJson.MAPPER.readValue(b, from, to - from, String.class);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot decode an already validated string", e);
        }
    }
}
