package io.tapmixpanel.e2e;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.sync.Tap;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * engage against profiles the sandbox does not produce (docs/streams.md "Streams", engage, and docs/state.md "State"), served by a
 * tiny JDK HttpServer as one page: a {@code $last_seen} in the future or not a date must not become the bookmark,
 * zone-less datetimes are written with {@code Z} whatever came before them in the column, and a page of profiles
 * with new properties writes at most one SCHEMA.
 */
class EngageHostileProfilesE2eTest {
    static final Instant RUN_START = Instant.parse("2024-06-01T12:00:00Z");

    @TempDir
    Path dir;
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    /** Serves the profiles as engage page 0 (with its total and a session), and empty pages after it. */
    private String serve(List<ObjectNode> profiles) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                boolean engage = ex.getRequestURI().getPath().equals("/api/2.0/engage");
                ObjectNode page = TapHarness.JSON.createObjectNode();
                boolean first = !body.contains("page=") || body.contains("page=0");
                page.put("page", first ? 0 : 1).put("page_size", 1000).put("session_id", "s-1").put("status", "ok");
                if (first) page.put("total", profiles.size());
                ArrayNode results = page.putArray("results");
                if (first) results.addAll(profiles);
                byte[] b = (engage ? page.toString() : "{\"error\": \"not here\"}").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(engage ? 200 : 404, b.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(b);
                }
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static ObjectNode profile(String id, Consumer<ObjectNode> props) {
        ObjectNode p = TapHarness.JSON.createObjectNode().put("$distinct_id", id);
        props.accept(p.putObject("$properties"));
        return p;
    }

    /** Syncs engage alone (INCREMENTAL when asked) at {@link #RUN_START}; fails the test if the sync fails. */
    private TapHarness.Messages sync(String base, boolean incremental, Optional<ObjectNode> state) {
        ObjectNode c = TapHarness.JSON.createObjectNode();
        c.put("api_secret", "s3cr3t");
        c.put("start_date", "2024-01-01");
        c.put("project_timezone", "UTC");
        for (String k : List.of("api_base_url", "export_base_url", "app_base_url")) c.put(k, base);
        ObjectNode catalog = TapHarness.JSON.createObjectNode();
        ObjectNode entry = catalog.putArray("streams").addObject().put("tap_stream_id", "engage").put("stream", "engage");
        entry.putObject("schema").put("type", "object").putObject("properties");
        ObjectNode meta = entry.putArray("metadata").addObject();
        meta.putArray("breadcrumb");
        ObjectNode m = meta.putObject("metadata").put("selected", true);
        if (incremental) m.put("replication-method", "INCREMENTAL").put("replication-key", "mp_reserved_last_seen");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Log.redirect(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            new Tap(ConfigLoader.load(List.of(TapHarness.write(dir, "c.json", c))), TapHarness.FAST, Clock.fixed(RUN_START, ZoneOffset.UTC))
                    .sync(Optional.of(TapHarness.write(dir, "catalog.json", catalog)),
                            state.map(s -> TapHarness.write(dir, "state.json", s)), out);
        } catch (RuntimeException e) {
            throw new AssertionError("sync failed: " + err.toString(StandardCharsets.UTF_8), e);
        } finally {
            Log.redirect(System.err);
        }
        return TapHarness.Messages.parse(out.toString(StandardCharsets.UTF_8), false).assertSingerValid();
    }

    private static String bookmark(TapHarness.Messages run) {
        return run.lastState().get("bookmarks").get("engage").get("replication_key_value").asText();
    }

    private static long schemas(TapHarness.Messages run) {
        return run.messages().stream().filter(m -> m.get("type").asText().equals("SCHEMA")).count();
    }

    @Test
    void aLastSeenInTheFutureDoesNotMoveTheBookmarkPastTheRunsStart() throws Exception {
        String base = serve(List.of(
                profile("a", p -> p.put("$last_seen", "2024-05-30T10:00:00")),
                profile("b", p -> p.put("$last_seen", "2999-01-01T00:00:00"))));
        TapHarness.Messages run = sync(base, true, Optional.empty());
        assertEquals(2, run.records("engage").size());
        assertEquals("2999-01-01T00:00:00Z", run.records("engage").get(1).get("mp_reserved_last_seen").asText(), "the record keeps its value");
        String b = bookmark(run);
        assertTrue(!Instant.parse(b).isAfter(RUN_START), "bookmark after the run's start: " + b);
        assertEquals("2024-06-01T12:00:00Z", b);
    }

    @Test
    void aLastSeenThatIsNotADateIsIgnoredForTheBookmarkAndTheNextRunAcceptsItsOwnState() throws Exception {
        String base = serve(List.of(
                profile("a", p -> p.put("$last_seen", "2024-05-30T10:00:00")),
                profile("b", p -> p.put("$last_seen", "not a date"))));
        TapHarness.Messages run = sync(base, true, Optional.empty());
        assertEquals("not a date", run.records("engage").get(1).get("mp_reserved_last_seen").asText(), "the record keeps its value");
        assertEquals("2024-05-30T10:00:00Z", bookmark(run));
        TapHarness.Messages next = sync(base, true, Optional.of(run.lastState()));
        assertEquals("2024-05-30T10:00:00Z", bookmark(next));
    }

    @Test
    void zonelessDatetimesAreWrittenInUtcEvenAfterANonDateInTheSameColumn() throws Exception {
        List<ObjectNode> profiles = new ArrayList<>();
        profiles.add(profile("first", p -> p.put("renewal", "next spring")));
        for (int i = 0; i < 3; i++) profiles.add(profile("p" + i, p -> p.put("renewal", "2024-02-01T11:20:47")));
        profiles.add(profile("fraction", p -> p.put("renewal", "2024-02-01T11:20:47.250")));
        TapHarness.Messages run = sync(serve(profiles), false, Optional.empty());
        List<ObjectNode> records = run.records("engage");
        assertEquals("next spring", records.get(0).get("renewal").asText());
        for (ObjectNode r : records.subList(1, 4)) assertEquals("2024-02-01T11:20:47Z", r.get("renewal").asText(), r.toString());
        assertEquals("2024-02-01T11:20:47.250Z", records.get(4).get("renewal").asText());
    }

    @Test
    void aPageOfProfilesWithNewPropertiesWritesAtMostOneSchema() throws Exception {
        List<ObjectNode> profiles = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            profiles.add(profile("p" + i, p -> p.put("a" + n, "x").put("b" + n, n)));
        }
        TapHarness.Messages run = sync(serve(profiles), false, Optional.empty());
        assertEquals(1000, run.records("engage").size());
        assertEquals(2, schemas(run), "the catalog's SCHEMA at the stream's start, then one for the page");
        assertTrue(run.schema("engage").get("schema").get("properties").has("b999"));
    }
}
