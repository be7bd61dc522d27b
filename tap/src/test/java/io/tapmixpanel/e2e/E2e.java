package io.tapmixpanel.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.tapmixpanel.cli.Cli;
import io.tapmixpanel.sandbox.Sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the end-to-end tests share: configs and catalogs written to files, the tap run in-process through its
 * command line, its stdout read back as Singer messages, and the checks every run must pass (SCHEMA before
 * RECORD, every RECORD valid against the latest SCHEMA of its stream with formats asserted, keys present and
 * unique, time_extracted present).
 */
final class E2e {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> STREAMS = List.of("export", "engage", "funnels", "revenue", "annotations", "cohorts", "cohort_members");
    private static final AtomicInteger FILES = new AtomicInteger();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private static final SchemaValidatorsConfig FORMATS_ON = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    private E2e() {}

    /** A config for the sandbox (service account), plus the given keys. */
    static ObjectNode config(Sandbox sandbox, Map<String, Object> extra) {
        ObjectNode c = JSON.createObjectNode();
        c.put("service_account_username", "sandbox-user");
        c.put("service_account_secret", "sandbox-password");
        c.put("project_id", 1234);
        c.put("api_base_url", sandbox.baseUrl());
        c.put("export_base_url", sandbox.baseUrl());
        c.put("app_base_url", sandbox.baseUrl());
        c.put("start_date", sandbox.startDate().toString());
        c.put("end_date", sandbox.endDate().toString());
        c.put("project_timezone", sandbox.options().timezone.getId());
        extra.forEach((k, v) -> c.set(k, JSON.valueToTree(v)));
        return c;
    }

    static Path write(Path dir, String name, JsonNode node) {
        Path p = dir.resolve(FILES.incrementAndGet() + "-" + name);
        try {
            Files.write(p, JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** Runs {@code tap-mixpanel args...} in-process; fails the test on a non-zero exit. */
    static Run tap(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new Cli(out, Map.of()).run(args);
        assertEquals(0, code, () -> "tap-mixpanel " + String.join(" ", args) + " exited " + code);
        return Run.parse(out.toString(StandardCharsets.UTF_8), false);
    }

    static ObjectNode discover(Path config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new Cli(out, Map.of()).run(new String[]{"--config", config.toString(), "--discover"});
        assertEquals(0, code, "discovery failed");
        try {
            return (ObjectNode) JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The catalog with exactly these streams selected. */
    static ObjectNode select(ObjectNode catalog, String... streams) {
        ObjectNode c = catalog.deepCopy();
        Set<String> wanted = Set.of(streams);
        for (JsonNode s : c.get("streams")) {
            streamMetadata(s).put("selected", wanted.contains(s.get("tap_stream_id").asText()));
        }
        return c;
    }

    static ObjectNode entry(ObjectNode catalog, String stream) {
        for (JsonNode s : catalog.get("streams")) {
            if (s.get("tap_stream_id").asText().equals(stream)) return (ObjectNode) s;
        }
        throw new AssertionError("no stream " + stream + " in the catalog");
    }

    static ObjectNode streamMetadata(JsonNode entry) {
        return propertyMetadata(entry, null);
    }

    /** The metadata object of a property (or of the stream when {@code property} is null). */
    static ObjectNode propertyMetadata(JsonNode entry, String property) {
        for (JsonNode m : entry.get("metadata")) {
            ArrayNode b = (ArrayNode) m.get("breadcrumb");
            boolean match = property == null ? b.isEmpty() : b.size() == 2 && b.get(1).asText().equals(property);
            if (match) return (ObjectNode) m.get("metadata");
        }
        throw new AssertionError("no metadata for " + property + " in " + entry.get("tap_stream_id"));
    }

    static JsonNode stats(Sandbox sandbox) {
        try {
            return JSON.readTree(sandbox.statsJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Expected events per day of the sandbox's timezone, as the sandbox itself counts them. */
    static Map<LocalDate, Integer> eventsPerDay(Sandbox sandbox) {
        Map<LocalDate, Integer> m = new TreeMap<>();
        stats(sandbox).get("events_per_day").fields().forEachRemaining(e -> m.put(LocalDate.parse(e.getKey()), e.getValue().asInt()));
        return m;
    }

    static int eventsFrom(Sandbox sandbox, LocalDate from, LocalDate to) {
        return eventsPerDay(sandbox).entrySet().stream().filter(e -> !e.getKey().isBefore(from) && !e.getKey().isAfter(to))
                .mapToInt(Map.Entry::getValue).sum();
    }

    /** The sandbox's raw export of its whole range, read directly (not through the tap). */
    static List<ObjectNode> rawExport(Sandbox sandbox) {
        String url = sandbox.baseUrl() + "/api/2.0/export?from_date=" + sandbox.startDate() + "&to_date=" + sandbox.endDate();
        String auth = Base64.getEncoder().encodeToString((sandbox.options().apiSecret + ":").getBytes(StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Basic " + auth).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            List<ObjectNode> events = new ArrayList<>();
            for (String line : r.body().split("\n")) {
                if (!line.isBlank()) events.add((ObjectNode) JSON.readTree(line));
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static LocalDate day(JsonNode record, ZoneId zone) {
        return Instant.parse(record.get("time").asText()).atZone(zone).toLocalDate();
    }

    static JsonSchema schema(JsonNode schema) {
        return SCHEMAS.getSchema(schema, FORMATS_ON);
    }

    /** Singer messages of one run, in order. */
    record Run(List<ObjectNode> messages) {
        static Run parse(String stdout, boolean dropPartialLastLine) {
            List<ObjectNode> msgs = new ArrayList<>();
            String[] lines = stdout.split("\n", -1);
            int n = lines.length;
            // A killed tap may leave half a line: it was never a message.
            if (dropPartialLastLine || !lines[n - 1].isEmpty()) n--;
            for (int i = 0; i < n; i++) {
                if (lines[i].isEmpty()) continue;
                try {
                    msgs.add((ObjectNode) JSON.readTree(lines[i]));
                } catch (IOException e) {
                    fail("stdout line " + (i + 1) + " is not JSON: " + lines[i]);
                }
            }
            if (!dropPartialLastLine && !lines[lines.length - 1].isEmpty()) fail("stdout does not end with a newline");
            return new Run(msgs);
        }

        List<ObjectNode> records(String stream) {
            List<ObjectNode> r = new ArrayList<>();
            for (ObjectNode m : messages) {
                if (m.get("type").asText().equals("RECORD") && m.get("stream").asText().equals(stream)) r.add((ObjectNode) m.get("record"));
            }
            return r;
        }

        Map<String, Integer> recordCounts() {
            Map<String, Integer> c = new TreeMap<>();
            for (ObjectNode m : messages) {
                if (m.get("type").asText().equals("RECORD")) c.merge(m.get("stream").asText(), 1, Integer::sum);
            }
            return c;
        }

        List<ObjectNode> states() {
            return messages.stream().filter(m -> m.get("type").asText().equals("STATE")).map(m -> (ObjectNode) m.get("value")).toList();
        }

        ObjectNode lastState() {
            List<ObjectNode> s = states();
            assertTrue(!s.isEmpty(), "no STATE message");
            return s.get(s.size() - 1);
        }

        /** The latest SCHEMA message of a stream. */
        ObjectNode schema(String stream) {
            ObjectNode last = null;
            for (ObjectNode m : messages) {
                if (m.get("type").asText().equals("SCHEMA") && m.get("stream").asText().equals(stream)) last = m;
            }
            assertNotNull(last, "no SCHEMA for " + stream);
            return last;
        }

        /**
         * The checks every run must pass: SCHEMA before the first RECORD of each stream, every RECORD valid
         * against its stream's latest SCHEMA (draft 7, formats asserted), time_extracted an RFC 3339 UTC
         * instant, key properties present and unique per stream.
         */
        Run assertSingerValid() {
            Map<String, JsonSchema> current = new HashMap<>();
            Map<String, List<String>> keys = new HashMap<>();
            Map<String, Set<List<JsonNode>>> seen = new HashMap<>();
            int i = 0;
            for (ObjectNode m : messages) {
                i++;
                String type = m.path("type").asText();
                switch (type) {
                    case "SCHEMA" -> {
                        String s = m.get("stream").asText();
                        current.put(s, E2e.schema(m.get("schema")));
                        List<String> k = new ArrayList<>();
                        m.get("key_properties").forEach(n -> k.add(n.asText()));
                        keys.put(s, k);
                    }
                    case "RECORD" -> {
                        String s = m.get("stream").asText();
                        JsonSchema schema = current.get(s);
                        assertNotNull(schema, "message " + i + ": RECORD of " + s + " before any SCHEMA of it");
                        Set<ValidationMessage> errors = schema.validate(m.get("record"));
                        assertTrue(errors.isEmpty(), () -> "message " + s + " RECORD invalid: " + errors + "\n" + m);
                        String te = m.path("time_extracted").asText("");
                        assertTrue(te.endsWith("Z"), "message " + s + " time_extracted: '" + te + "'");
                        Instant.parse(te);
                        List<String> k = keys.get(s);
                        if (!k.isEmpty()) {
                            List<JsonNode> key = new ArrayList<>();
                            for (String p : k) {
                                JsonNode v = m.get("record").get(p);
                                assertTrue(v != null && !v.isNull(), "RECORD of " + s + " without key property " + p + ": " + m);
                                key.add(v);
                            }
                            assertTrue(seen.computeIfAbsent(s, x -> new HashSet<>()).add(key), "duplicate key " + key + " in " + s);
                        }
                    }
                    case "STATE" -> assertTrue(m.get("value").isObject(), "STATE without a value object");
                    default -> fail("message " + i + " of unknown type: " + m);
                }
            }
            return this;
        }
    }

    /** A record minus nothing: its canonical text, for multiset comparisons. */
    static String canonical(JsonNode record) {
        try {
            return JSON.writeValueAsString(sorted(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode sorted(JsonNode n) {
        if (!n.isObject()) return n;
        Map<String, JsonNode> m = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), sorted(e.getValue()));
        }
        ObjectNode o = JSON.createObjectNode();
        m.forEach(o::set);
        return o;
    }

    static Map<String, Integer> multiset(List<ObjectNode> records) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (ObjectNode r : records) m.merge(canonical(r), 1, Integer::sum);
        return m;
    }
}
