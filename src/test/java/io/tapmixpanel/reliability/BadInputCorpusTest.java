package io.tapmixpanel.reliability;

import com.sun.net.httpserver.HttpServer;
import io.tapmixpanel.cli.Cli;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input corpus under src/test/resources/bad-inputs (MANIFEST.tsv is the specification): every malformed
 * config, catalog and state exits 2 with exactly one {@code CRITICAL} line naming the file and the key or path,
 * no stack trace and no secret, and before any request. Unknown config keys are not errors; a likely typo gets
 * one WARNING.
 */
class BadInputCorpusTest {
    static final Path CORPUS = Path.of("src", "test", "resources", "bad-inputs");
    static final AtomicInteger tried = new AtomicInteger();
    /** Requests that reached {@link #mixpanel}: a bad input must cost none. */
    static final AtomicInteger requests = new AtomicInteger();
    /**
     * Where the valid config points: it counts requests and refuses them all (401), so an input wrongly accepted
     * fails at once (exit 1) instead of retrying against a closed port.
     */
    static HttpServer mixpanel;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startMixpanel() throws IOException {
        mixpanel = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        mixpanel.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "{\"error\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        mixpanel.start();
    }

    @AfterAll
    static void stopMixpanel() {
        mixpanel.stop(0);
    }

    record Case(String kind, String file, String fragment, String why) {}

    static List<Case> manifest() throws IOException {
        List<Case> out = new ArrayList<>();
        for (String line : Files.readAllLines(CORPUS.resolve("MANIFEST.tsv"))) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            assertEquals(4, f.length, "manifest row: " + line);
            out.add(new Case(f[0], f[1], f[2], f[3]));
        }
        return out;
    }

    static Path validConfig() {
        var c = TapHarness.JSON.createObjectNode();
        c.put("service_account_username", "sandbox-user");
        c.put("service_account_secret", "s3cr3t-sa-DO-NOT-PRINT");
        c.put("project_id", 1234);
        c.put("start_date", "2024-01-01");
        // No project_timezone: the run would ask the app API for it first, so the request count below sees a
        // catalog or state that is checked only after that request.
        String url = "http://127.0.0.1:" + mixpanel.getAddress().getPort();
        for (String k : List.of("api_base_url", "export_base_url", "app_base_url")) c.put(k, url);
        return TapHarness.write(dir, "valid-config.json", c);
    }

    /** Runs the Cli in-process; returns exit code and the stderr lines. */
    static Map.Entry<Integer, List<String>> cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Log.redirect(new PrintStream(err, true, StandardCharsets.UTF_8));
        Log.setLevel(Log.Level.INFO);
        try {
            int code = new Cli(out, Map.of()).run(args);
            return Map.entry(code, err.toString(StandardCharsets.UTF_8).lines().toList());
        } finally {
            Log.redirect(System.err);
        }
    }

    @TestFactory
    List<DynamicTest> everyBadInputExitsTwoWithOneLine() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : manifest()) {
            tests.add(DynamicTest.dynamicTest(c.kind() + "/" + c.file() + " (" + c.why() + ")", () -> {
                Path file = c.file().equals(".") ? CORPUS.resolve(c.kind()) : CORPUS.resolve(c.kind()).resolve(c.file());
                if (!c.file().equals(".") && !c.file().startsWith("does-not-exist")) assertTrue(Files.isRegularFile(file), file.toString());
                String[] args = switch (c.kind()) {
                    case "config" -> new String[]{"--config", file.toString(), "--discover"};
                    case "catalog" -> new String[]{"--config", validConfig().toString(), "--catalog", file.toString()};
                    case "state" -> new String[]{"--config", validConfig().toString(), "--state", file.toString()};
                    default -> throw new AssertionError("unknown kind " + c.kind());
                };
                tried.incrementAndGet();
                int before = requests.get();
                var r = cli(args);
                String all = String.join("\n", r.getValue());
                assertEquals(2, r.getKey(), () -> "exit code; stderr:\n" + all);
                assertEquals(1, r.getValue().size(), () -> "exactly one stderr line:\n" + all);
                String line = r.getValue().get(0);
                assertTrue(line.startsWith("CRITICAL "), line);
                assertTrue(line.contains(file.toString()), () -> "names the file " + file + ": " + line);
                assertTrue(line.contains(c.fragment()), () -> "contains '" + c.fragment() + "': " + line);
                assertTrue(line.length() < 600, () -> "one readable line, not " + line.length() + " chars");
                assertFalse(line.contains("s3cr3t"), line);
                assertFalse(line.contains("Exception") || line.contains("\tat "), line);
                assertEquals(before, requests.get(), "requests made before the input was refused");
            }));
        }
        return tests;
    }

    @AfterAll
    static void report() {
        TapHarness.figure("bad-inputs tried=" + tried.get() + " (all exit 2, one CRITICAL line naming the file)");
    }

    @Test
    void aLikelyTypoOfAKnownKeyWarnsOnceAndTheRunGoesOn() throws IOException {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(50).days(2).profiles(5).build())) {
            var c = TapHarness.config(s, s.baseUrl(), TapHarness.ONE_DAY_WINDOWS);
            c.put("atribution_window", 3);             // typo: warned about
            c.put("target_schema", "analytics");       // another tool's key: silently ignored
            var r = cli("--config", TapHarness.write(dir, "typo.json", c).toString(), "--discover");
            assertEquals(0, r.getKey(), () -> String.join("\n", r.getValue()));
            List<String> warnings = r.getValue().stream().filter(l -> l.startsWith("WARNING ")).toList();
            assertEquals(1, warnings.size(), warnings::toString);
            assertTrue(warnings.get(0).contains("'atribution_window'") && warnings.get(0).contains("'attribution_window'"), warnings.get(0));
            assertTrue(r.getValue().stream().noneMatch(l -> l.startsWith("CRITICAL") || l.startsWith("ERROR")), r.getValue()::toString);
        }
    }

    @Test
    void aConfigCatalogOrStateOverTheSizeLimitExitsTwoNamingTheFileAndTheLimit() throws IOException {
        Path big = dir.resolve("whole-target-output.json");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: no disk used; read whole, it would not even fit in a Java array
        }
        for (String kind : List.of("config", "catalog", "state")) {
            String[] args = switch (kind) {
                case "config" -> new String[]{"--config", big.toString(), "--discover"};
                case "catalog" -> new String[]{"--config", validConfig().toString(), "--catalog", big.toString()};
                default -> new String[]{"--config", validConfig().toString(), "--state", big.toString()};
            };
            var r = cli(args);
            String all = String.join("\n", r.getValue());
            assertEquals(2, r.getKey(), () -> kind + ": " + all);
            assertEquals(1, r.getValue().size(), () -> kind + ": " + all);
            String line = r.getValue().get(0);
            assertTrue(line.startsWith("CRITICAL " + kind + " " + big + ": ") && line.contains("it is 3072 MB, over the limit of 64 MB"),
                    () -> kind + ": " + line);
        }
    }
}
