package io.tapmixpanel.testing;

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
import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.RetryPolicy;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sync.Tap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the end-to-end and reliability tests share: configs and catalogs written to files, the tap run in-process
 * through its command line ({@link #tap}) or its {@code Tap} with a test retry policy ({@link #sync}), its stdout
 * read back as Singer messages, the checks every run must pass (SCHEMA before RECORD, every RECORD valid against
 * the latest SCHEMA of its stream with formats asserted, keys present and unique, time_extracted present), record
 * multisets to compare runs, and the figures the reliability suite reports.
 */
public final class TapHarness {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final List<String> STREAMS = List.of("export", "engage", "funnels", "revenue", "annotations", "cohorts", "cohort_members");
    private static final AtomicInteger FILES = new AtomicInteger();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private static final SchemaValidatorsConfig FORMATS_ON = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    private TapHarness() {}

    /** A config for the sandbox (service account), covering exactly its days, plus the given keys. */
    public static ObjectNode config(Sandbox sandbox, Map<String, Object> extra) {
        return config(sandbox, sandbox.baseUrl(), extra);
    }

    /** The same, with every host at {@code baseUrl} (e.g. a proxy in front of the sandbox). */
    public static ObjectNode config(Sandbox sandbox, String baseUrl, Map<String, Object> extra) {
        ObjectNode c = JSON.createObjectNode();
        c.put("service_account_username", "sandbox-user");
        c.put("service_account_secret", "sandbox-password");
        c.put("project_id", 1234);
        c.put("api_base_url", baseUrl);
        c.put("export_base_url", baseUrl);
        c.put("app_base_url", baseUrl);
        c.put("start_date", exportStart(sandbox).toString());
        c.put("end_date", sandbox.endDate().toString());
        c.put("project_timezone", sandbox.options().timezone.getId());
        extra.forEach((k, v) -> c.set(k, JSON.valueToTree(v)));
        return c;
    }

    public static Path write(Path dir, String name, JsonNode node) {
        Path p = dir.resolve(FILES.incrementAndGet() + "-" + name);
        try {
            Files.write(p, JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** Runs {@code tap-mixpanel args...} in-process; fails the test on a non-zero exit. */
    public static Messages tap(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new Cli(out, Map.of()).run(args);
        assertEquals(0, code, () -> "tap-mixpanel " + String.join(" ", args) + " exited " + code);
        return Messages.parse(out.toString(StandardCharsets.UTF_8), false);
    }

    public static ObjectNode discover(Path config) {
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
    public static ObjectNode select(ObjectNode catalog, String... streams) {
        ObjectNode c = catalog.deepCopy();
        Set<String> wanted = Set.of(streams);
        for (JsonNode s : c.get("streams")) {
            streamMetadata(s).put("selected", wanted.contains(s.get("tap_stream_id").asText()));
        }
        return c;
    }

    public static ObjectNode entry(ObjectNode catalog, String stream) {
        for (JsonNode s : catalog.get("streams")) {
            if (s.get("tap_stream_id").asText().equals(stream)) return (ObjectNode) s;
        }
        throw new AssertionError("no stream " + stream + " in the catalog");
    }

    public static ObjectNode streamMetadata(JsonNode entry) {
        return propertyMetadata(entry, null);
    }

    /** The metadata object of a property (or of the stream when {@code property} is null). */
    public static ObjectNode propertyMetadata(JsonNode entry, String property) {
        for (JsonNode m : entry.get("metadata")) {
            ArrayNode b = (ArrayNode) m.get("breadcrumb");
            boolean match = property == null ? b.isEmpty() : b.size() == 2 && b.get(1).asText().equals(property);
            if (match) return (ObjectNode) m.get("metadata");
        }
        throw new AssertionError("no metadata for " + property + " in " + entry.get("tap_stream_id"));
    }

    public static JsonNode stats(Sandbox sandbox) {
        try {
            return JSON.readTree(sandbox.statsJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Expected events per day of the sandbox's timezone, as the sandbox itself counts them. */
    public static Map<LocalDate, Integer> eventsPerDay(Sandbox sandbox) {
        Map<LocalDate, Integer> m = new TreeMap<>();
        stats(sandbox).get("events_per_day").fields().forEachRemaining(e -> m.put(LocalDate.parse(e.getKey()), e.getValue().asInt()));
        return m;
    }

    public static int eventsFrom(Sandbox sandbox, LocalDate from, LocalDate to) {
        return eventsPerDay(sandbox).entrySet().stream().filter(e -> !e.getKey().isBefore(from) && !e.getKey().isAfter(to))
                .mapToInt(Map.Entry::getValue).sum();
    }

    /**
     * The zone of the export endpoint's days (docs/streams.md "Streams"): UTC for a modern project, the project's timezone for
     * a pre-2023 (legacy local time) one. Funnels and revenue always use the project's timezone.
     */
    public static ZoneId exportZone(Sandbox sandbox) {
        return sandbox.options().legacyLocalTime ? sandbox.options().timezone : ZoneOffset.UTC;
    }

    /** The first export day holding the sandbox's events: its first project day's start, as an export day. */
    public static LocalDate exportStart(Sandbox sandbox) {
        LocalDate d = sandbox.startDate().atStartOfDay(sandbox.options().timezone).withZoneSameInstant(exportZone(sandbox)).toLocalDate();
        return d.isBefore(sandbox.startDate()) ? d : sandbox.startDate();
    }

    /** The last export day holding the sandbox's events (its last project day's last second, as an export day), at most today. */
    public static LocalDate exportEnd(Sandbox sandbox) {
        LocalDate d = sandbox.endDate().plusDays(1).atStartOfDay(sandbox.options().timezone).minusSeconds(1)
                .withZoneSameInstant(exportZone(sandbox)).toLocalDate();
        LocalDate last = d.isAfter(sandbox.endDate()) ? d : sandbox.endDate();
        LocalDate today = LocalDate.now(exportZone(sandbox)); // Mixpanel refuses a to_date after today
        return last.isAfter(today) ? today : last;
    }

    /**
     * How many of the sandbox's events fall on export days {@code from..to}, read from its raw export: the date of
     * {@code time} read as UTC epoch seconds is the export day in both cases (a legacy project's {@code time} is its
     * wall clock written as epoch seconds).
     */
    public static int eventsOnExportDays(Sandbox sandbox, LocalDate from, LocalDate to) {
        return eventsPerExportDay(sandbox).entrySet().stream().filter(e -> !e.getKey().isBefore(from) && !e.getKey().isAfter(to))
                .mapToInt(Map.Entry::getValue).sum();
    }

    /** The sandbox's events per export day, from its raw export (see {@link #eventsOnExportDays}). */
    public static Map<LocalDate, Integer> eventsPerExportDay(Sandbox sandbox) {
        Map<LocalDate, Integer> m = new TreeMap<>();
        for (ObjectNode e : rawExport(sandbox)) {
            m.merge(LocalDate.ofEpochDay(Math.floorDiv(e.get("properties").get("time").asLong(), 86_400L)), 1, Integer::sum);
        }
        return m;
    }

    /** The sandbox's raw export of its whole range, read directly (not through the tap). */
    public static List<ObjectNode> rawExport(Sandbox sandbox) {
        return rawExport(sandbox, exportStart(sandbox), exportEnd(sandbox));
    }

    /** The sandbox's raw export of export days {@code from..to}, read directly (not through the tap). */
    public static List<ObjectNode> rawExport(Sandbox sandbox, LocalDate from, LocalDate to) {
        String body = get(sandbox, "/api/2.0/export?from_date=" + from + "&to_date=" + to);
        List<ObjectNode> events = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) events.add((ObjectNode) readTree(line));
        }
        return events;
    }

    /**
     * The distinct ids engage lists, in its order, read directly from the sandbox in one page (not through the
     * tap): every profile, or the members of cohort {@code cohort} when given.
     */
    public static List<String> rawProfileIds(Sandbox sandbox, Optional<Long> cohort) {
        String query = "page_size=100000" + cohort.map(id -> "&filter_by_cohort="
                + URLEncoder.encode("{\"id\":" + id + "}", StandardCharsets.UTF_8)).orElse("");
        JsonNode results = readTree(get(sandbox, "/api/2.0/engage?" + query)).get("results");
        assertTrue(results.size() < 100_000, "more profiles than one page holds");
        List<String> ids = new ArrayList<>();
        results.forEach(r -> ids.add(r.get("$distinct_id").asText()));
        return ids;
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every request the sandbox served, in order ({@code GET /sandbox/requests}): method, path, params, status. */
    public static List<JsonNode> served(Sandbox sandbox) {
        List<JsonNode> out = new ArrayList<>();
        readTree(get(sandbox, "/sandbox/requests")).forEach(out::add);
        return out;
    }

    private static String get(Sandbox sandbox, String pathAndQuery) {
        String auth = Base64.getEncoder().encodeToString((sandbox.options().apiSecret + ":").getBytes(StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + pathAndQuery))
                    .header("Authorization", "Basic " + auth).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static LocalDate day(JsonNode record, ZoneId zone) {
        return Instant.parse(record.get("time").asText()).atZone(zone).toLocalDate();
    }

    public static JsonSchema schema(JsonNode schema) {
        return SCHEMAS.getSchema(schema, FORMATS_ON);
    }

    /** Singer messages of one run, in order. */
    public record Messages(List<ObjectNode> messages) {
        public static Messages parse(String stdout, boolean dropPartialLastLine) {
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
            return new Messages(msgs);
        }

        public List<ObjectNode> records(String stream) {
            List<ObjectNode> r = new ArrayList<>();
            for (ObjectNode m : messages) {
                if (m.get("type").asText().equals("RECORD") && m.get("stream").asText().equals(stream)) r.add((ObjectNode) m.get("record"));
            }
            return r;
        }

        public Map<String, Integer> recordCounts() {
            Map<String, Integer> c = new TreeMap<>();
            for (ObjectNode m : messages) {
                if (m.get("type").asText().equals("RECORD")) c.merge(m.get("stream").asText(), 1, Integer::sum);
            }
            return c;
        }

        public List<ObjectNode> states() {
            return messages.stream().filter(m -> m.get("type").asText().equals("STATE")).map(m -> (ObjectNode) m.get("value")).toList();
        }

        public ObjectNode lastState() {
            List<ObjectNode> s = states();
            assertTrue(!s.isEmpty(), "no STATE message");
            return s.get(s.size() - 1);
        }

        /** The latest SCHEMA message of a stream. */
        public ObjectNode schema(String stream) {
            ObjectNode last = null;
            for (ObjectNode m : messages) {
                if (m.get("type").asText().equals("SCHEMA") && m.get("stream").asText().equals(stream)) last = m;
            }
            assertNotNull(last, "no SCHEMA for " + stream);
            return last;
        }

        /** The ACTIVATE_VERSION messages of a stream, in order. */
        public List<ObjectNode> activateVersions(String stream) {
            return messages.stream().filter(m -> m.get("type").asText().equals("ACTIVATE_VERSION")
                    && m.get("stream").asText().equals(stream)).toList();
        }

        /** The RECORD messages (whole, with their {@code version}) of a stream, in order. */
        public List<ObjectNode> recordMessages(String stream) {
            return messages.stream().filter(m -> m.get("type").asText().equals("RECORD")
                    && m.get("stream").asText().equals(stream)).toList();
        }

        /** The position of each message of {@code stream} with {@code type} in the whole output. */
        public List<Integer> positions(String type, String stream) {
            List<Integer> p = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                ObjectNode m = messages.get(i);
                if (m.get("type").asText().equals(type) && m.path("stream").asText().equals(stream)) p.add(i);
            }
            return p;
        }

        /**
         * The checks every run must pass: SCHEMA before the first RECORD of each stream, every RECORD valid
         * against its stream's latest SCHEMA (draft 7, formats asserted), time_extracted an RFC 3339 UTC
         * instant, key properties present and unique per stream. ACTIVATE_VERSION (docs/activate-version.md "ACTIVATE_VERSION")
         * names a stream with a SCHEMA and an integer version; a RECORD's {@code version}, when it has one, is an
         * integer and the version its stream's latest ACTIVATE_VERSION announced, and a stream that announced one
         * has it on every RECORD.
         */
        public Messages assertSingerValid() {
            Map<String, Long> versions = new HashMap<>();
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
                        current.put(s, TapHarness.schema(m.get("schema")));
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
                        JsonNode version = m.get("version");
                        if (version != null) {
                            assertTrue(version.isIntegralNumber(), "message " + i + ": RECORD version not an integer: " + m);
                            assertEquals(versions.get(s), version.asLong(), "message " + i + ": RECORD version of " + s
                                    + " is not the one its ACTIVATE_VERSION announced: " + m);
                        } else {
                            assertTrue(!versions.containsKey(s), "message " + i + ": RECORD of " + s + " without the version "
                                    + versions.get(s) + " its ACTIVATE_VERSION announced: " + m);
                        }
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
                    case "ACTIVATE_VERSION" -> {
                        String s = m.path("stream").asText("");
                        assertTrue(current.containsKey(s), "message " + i + ": ACTIVATE_VERSION of " + s + " before any SCHEMA of it");
                        assertTrue(m.path("version").isIntegralNumber(), "message " + i + ": ACTIVATE_VERSION without an integer version: " + m);
                        assertEquals(3, m.size(), "message " + i + ": ACTIVATE_VERSION has type, stream and version only: " + m);
                        versions.put(s, m.get("version").asLong());
                    }
                    default -> fail("message " + i + " of unknown type: " + m);
                }
            }
            return this;
        }
    }

    /** A record minus nothing: its canonical text, for multiset comparisons. */
    public static String canonical(JsonNode record) {
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

    public static Map<String, Integer> multiset(List<ObjectNode> records) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (ObjectNode r : records) m.merge(canonical(r), 1, Integer::sum);
        return m;
    }

    // ---- in-process syncs with a retry policy, record multisets of raw output, figures ----

    /** One-day export windows: many windows out of a few days of data, as the reliability suite wants. */
    public static final Map<String, Object> ONE_DAY_WINDOWS = Map.of("date_window_size", 1);
    /** Short backoffs so that fault-injection runs take seconds, enough attempts for every-Nth faults. */
    public static final RetryPolicy FAST = new RetryPolicy(8, Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofSeconds(30));

    /** What an in-process sync wrote: stdout bytes and the log lines, and what it threw. */
    public record SyncRun(String stdout, List<String> log, RuntimeException failure) {
        public List<String> retries() {
            return log.stream().filter(l -> l.startsWith("WARNING ") && l.matches(".*, retry \\d+/\\d+ in .*")).toList();
        }
    }

    /** Runs {@code new Tap(config, policy).sync(...)} in-process, capturing stdout and the log. */
    public static SyncRun sync(Path config, RetryPolicy policy, Optional<Path> catalog, Optional<Path> state) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Log.redirect(new PrintStream(err, true, StandardCharsets.UTF_8));
        RuntimeException failure = null;
        try {
            new Tap(ConfigLoader.load(List.of(config)), policy).sync(catalog, state, out);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            Log.redirect(System.err);
        }
        return new SyncRun(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8).lines().toList(), failure);
    }

    /** The RECORD messages of a Singer output as a multiset: "stream record-without-time_extracted" → count. */
    public static TreeMap<String, Integer> records(String singerOutput) {
        TreeMap<String, Integer> m = new TreeMap<>();
        singerOutput.lines().forEach(line -> addRecord(m, line));
        return m;
    }

    public static void addRecord(Map<String, Integer> m, String line) {
        if (line.isBlank()) return;
        try {
            JsonNode msg = JSON.readTree(line);
            if (!"RECORD".equals(msg.path("type").asText())) return;
            m.merge(msg.get("stream").asText() + " " + msg.get("record").toString(), 1, Integer::sum);
        } catch (IOException e) {
            throw new AssertionError("not a JSON line: " + line, e);
        }
    }

    public static int total(Map<String, Integer> multiset) {
        return multiset.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** A short description of how two multisets differ, for assertion messages. */
    public static String diff(Map<String, Integer> expected, Map<String, Integer> actual) {
        List<String> out = new ArrayList<>();
        for (var e : expected.entrySet()) {
            int a = actual.getOrDefault(e.getKey(), 0);
            if (a != e.getValue()) out.add("expected x" + e.getValue() + " got x" + a + ": " + abbreviate(e.getKey()));
        }
        for (var e : actual.entrySet()) {
            if (!expected.containsKey(e.getKey())) out.add("unexpected x" + e.getValue() + ": " + abbreviate(e.getKey()));
        }
        return out.size() + " differences; first: " + out.subList(0, Math.min(5, out.size()));
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** Appends a line of measured figures to target/reliability-figures.txt and stderr. */
    public static synchronized void figure(String line) {
        System.err.println("RELIABILITY " + line);
        try {
            Path f = Path.of("target", "reliability-figures.txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
