package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Text a strict target can store, for values parsed into trees (engage profiles; docs/streams.md "Streams"): a UTF-16
 * surrogate that is not half of a pair becomes U+FFFD. JSON can carry one as an escape ({@code "\\ud800"}), and
 * Jackson decodes it as it is, and writes it back as the same escape: valid JSON, but no Unicode text, so a target
 * that encodes its strings strictly (Python's, a database's) fails on it. The export path does the same in its byte
 * scanner. What has no such surrogate is returned as it is, without a copy.
 */
public final class UnicodeText {
    private UnicodeText() {}

    /** {@code s} with every lone surrogate replaced by U+FFFD ({@code s} itself when there is none). */
    public static String clean(String s) {
        int i = firstLone(s);
        if (i < 0) return s;
        char[] c = s.toCharArray();
        for (; i < c.length; i++) {
            if (Character.isHighSurrogate(c[i]) && i + 1 < c.length && Character.isLowSurrogate(c[i + 1])) {
                i++;
            } else if (Character.isSurrogate(c[i])) {
                c[i] = '\uFFFD';
            }
        }
        return new String(c);
    }

    /**
     * A value with every text and object key cleaned: a text node is replaced, containers are cleaned in place
     * (keys keep their order; two keys that become one keep the later value, as duplicate keys do).
     */
    public static JsonNode clean(JsonNode v) {
        if (v == null) return null;
        if (v.isTextual()) {
            String s = v.textValue();
            String t = clean(s);
            return t == s ? v : TextNode.valueOf(t);
        }
        if (v instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode e = a.get(i);
                JsonNode c = clean(e);
                if (c != e) a.set(i, c);
            }
        } else if (v instanceof ObjectNode o) {
            boolean renamed = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode c = clean(e.getValue());
                if (c != e.getValue()) e.setValue(c);
                renamed |= firstLone(e.getKey()) >= 0;
            }
            if (renamed) {
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
                o.fields().forEachRemaining(fields::add);
                o.removeAll();
                for (Map.Entry<String, JsonNode> e : fields) {
                    String k = clean(e.getKey());
                    o.remove(k); // the later value of a key that two names became, at the later one's place
                    o.set(k, e.getValue());
                }
            }
        }
        return v;
    }

    /** The index of the first lone surrogate, or -1. */
    private static int firstLone(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (!Character.isSurrogate(c)) continue;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else {
                return i;
            }
        }
        return -1;
    }
}
