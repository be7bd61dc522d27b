package io.tapmixpanel.mixpanel.export;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Generated export bodies: realistic ~450-byte events, one per line. */
public final class ExportBodies {
    private ExportBodies() {}

    public static String event(long i) {
        return "{\"event\":\"Viewed Page\",\"properties\":{\"time\":" + (1_700_000_000L + i)
                + ",\"distinct_id\":\"1d694fd9-31a5-4b99-9eef-" + String.format("%012d", i) + "\""
                + ",\"$browser\":\"Chrome\",\"$browser_version\":120,\"$city\":\"Zürich\",\"$os\":\"Mac OS X\""
                + ",\"$current_url\":\"https://example.com/solutions/page-" + (i % 97) + "?utm_source=news\""
                + ",\"$insert_id\":\"c5eed127-c747-59c8-a5ed-" + String.format("%012x", i) + "\""
                + ",\"mp_lib\":\"web\",\"mp_processing_time_ms\":" + (1_700_000_000_000L + i * 7)
                + ",\"noninteraction\":true,\"plan\":\"pro\",\"price\":12.5,\"tags\":[\"a\",\"b\"]"
                + ",\"note\":\"line one\\nline two\"}}\n";
    }

    /** About {@code bytes} of whole lines, and the number of events in them. */
    public static Block block(int bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes + 1024);
        int events = 0;
        while (out.size() < bytes) {
            byte[] line = event(events).getBytes(StandardCharsets.UTF_8);
            out.write(line, 0, line.length);
            events++;
        }
        return new Block(out.toByteArray(), events);
    }

    public record Block(byte[] bytes, int events) {}
}
