package io.tapmixpanel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/tap-mixpanel} as a user runs it, on the packaged jar (an integration test: it runs after
 * {@code package}). stdout must carry nothing but Singer messages, whatever the JVM has to say; the class-data-sharing
 * archive is written by the first sync of a build, put in place and used by the next, and a broken or disabled one
 * changes nothing but start-up time. The launcher's process is the JVM, the training run's too (docs/reliability.md "Reliability"):
 * a signal to it reaches the tap.
 */
class LauncherIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Path ROOT = io.tapmixpanel.testing.RepoRoot.path();
    private static final Path LAUNCHER = ROOT.resolve("bin/tap-mixpanel");
    private static Sandbox sandbox;

    @TempDir
    static Path dir;

    private static Path config;
    /** Whether this machine's `java` can write a dynamic CDS archive (it needs its JDK's base archive). */
    private static boolean canArchive;

    @BeforeAll
    static void start() throws Exception {
        Path probe = dir.resolve("probe.jsa");
        Process p = new ProcessBuilder("java", "-Xlog:disable", "-XX:ArchiveClassesAtExit=" + probe, "-version")
                .redirectErrorStream(true).redirectOutput(dir.resolve("probe.txt").toFile()).start();
        canArchive = p.waitFor() == 0 && Files.size(probe) > 0;
        sandbox = Sandbox.start(SandboxOptions.builder().port(0).events(20_000).days(3).profiles(20).build());
        String base = sandbox.baseUrl();
        config = dir.resolve("config.json");
        Files.writeString(config, MAPPER.writeValueAsString(Map.of(
                "service_account_username", "sandbox-user", "service_account_secret", "sandbox-password",
                "project_id", 1234, "start_date", java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(2) + "T00:00:00Z",
                "api_base_url", base, "export_base_url", base, "app_base_url", base)));
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) sandbox.close();
    }

    @BeforeEach
    void noArchive() throws IOException {
        for (Path p : archives()) Files.delete(p);
    }

    /** The archives in place, and the ones trained but not yet put in place (with their success marks). */
    private static List<Path> archives() throws IOException {
        try (Stream<Path> s = Files.list(ROOT.resolve("target"))) {
            return s.filter(p -> p.getFileName().toString().matches("tap-mixpanel-.*\\.jsa(\\..*)?")).sorted().toList();
        }
    }

    private static List<Path> inPlace() throws IOException {
        return archives().stream().filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
    }

    private record Run(int exit, List<String> stdout, List<String> stderr) {}

    private static Run launch(Map<String, String> env, String... args) throws Exception {
        return launchVia(LAUNCHER, env, args);
    }

    private static Run launchVia(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("TAP_MIXPANEL_JAVA_OPTS");
        pb.environment().remove("TAP_MIXPANEL_CDS");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher ended");
        return new Run(p.exitValue(), Files.readAllLines(out), Files.readAllLines(err));
    }

    /** Every stdout line is a Singer message; returns the number of RECORDs. */
    private static long singerOnly(Run r) throws IOException {
        long records = 0;
        for (String line : r.stdout) {
            JsonNode n = MAPPER.readTree(line);
            String type = n.path("type").asText();
            assertTrue(List.of("SCHEMA", "RECORD", "STATE", "ACTIVATE_VERSION").contains(type), "not a Singer message on stdout: " + line);
            if (type.equals("RECORD")) records++;
        }
        assertTrue(r.stderr.stream().noneMatch(l -> l.startsWith("[") && l.contains("][warning]")),
                "JVM warnings: " + r.stderr);
        return records;
    }

    private static Run sync(Map<String, String> env) throws Exception {
        Run r = launch(env, "--config", config.toString());
        assertEquals(0, r.exit, String.join("\n", r.stderr));
        return r;
    }

    @Test
    void theFirstSyncTrainsTheArchiveTheNextPutsItInPlaceAndUsesIt_withTheSameRecordsAndOnlySingerOnStdout() throws Exception {
        Run first = sync(Map.of());
        // On a JDK without its base archive the launcher runs without CDS (see the -Xshare:off case below).
        assertEquals(canArchive ? 2 : 0, archives().size(), "the trained archive and its success mark: " + archives());
        assertEquals(List.of(), inPlace());
        long records = singerOnly(first);
        assertTrue(records >= 20_000, "export and the other streams: " + records);

        Run second = sync(Map.of());
        List<Path> written = archives();
        assertEquals(canArchive ? 1 : 0, written.size(), "one archive for this jar, in place: " + written);
        assertEquals(written, inPlace());
        assertEquals(records, singerOnly(second));

        long mtime = written.isEmpty() ? 0 : Files.getLastModifiedTime(written.get(0)).toMillis();
        Run third = sync(Map.of());
        assertEquals(records, singerOnly(third));
        assertEquals(written, archives(), "the archive is reused, not rewritten");
        if (!written.isEmpty()) assertEquals(mtime, Files.getLastModifiedTime(written.get(0)).toMillis());
    }

    @Test
    void aBrokenArchiveOnlyCostsStartUpTime() throws Exception {
        Assumptions.assumeTrue(canArchive, "this JDK cannot write a CDS archive (no base archive)");
        sync(Map.of());
        sync(Map.of());
        Path archive = inPlace().get(0);
        Files.write(archive, new byte[] {'n', 'o', 't', ' ', 'a', 'n', ' ', 'a', 'r', 'c', 'h', 'i', 'v', 'e'});
        Run r = sync(Map.of());
        assertTrue(singerOnly(r) >= 20_000);
    }

    @Test
    void aTrainedArchiveCutShortIsDroppedNotPutInPlace() throws Exception {
        // a JVM killed while it writes the archive: mapping such a file crashes the JVM, so it must never be used
        Assumptions.assumeTrue(canArchive, "this JDK cannot write a CDS archive (no base archive)");
        sync(Map.of());
        Path trained = archives().stream().filter(p -> p.getFileName().toString().endsWith(".tmp")).findFirst().orElseThrow();
        byte[] whole = Files.readAllBytes(trained);
        Files.write(trained, java.util.Arrays.copyOf(whole, whole.length / 8));
        Run r = sync(Map.of());
        assertTrue(singerOnly(r) >= 20_000);
        assertEquals(List.of(), inPlace());
        assertTrue(Files.notExists(trained) && Files.notExists(Path.of(trained + ".ok")), "dropped, with its mark: " + archives());
        try (Stream<Path> crashReports = Files.list(dir)) {
            assertTrue(crashReports.noneMatch(p -> p.getFileName().toString().startsWith("hs_err")), "no JVM crash report");
        }
    }

    @Test
    void tapMixpanelCds0WritesNoArchive() throws Exception {
        singerOnly(sync(Map.of("TAP_MIXPANEL_CDS", "0")));
        assertEquals(List.of(), archives());
    }

    @Test
    void withoutABaseArchiveTheSyncRunsWithoutCdsAndTriesNoMore() throws Exception {
        // -Xshare:off stands for a JDK without lib/server/classes.jsa: the JVM refuses to write a dynamic archive.
        for (int i = 0; i < 2; i++) {
            Run r = sync(Map.of("TAP_MIXPANEL_JAVA_OPTS", "-Xshare:off -XX:+UseSerialGC"));
            assertTrue(singerOnly(r) >= 20_000);
            assertTrue(r.stderr.stream().noneMatch(l -> l.contains("DynamicDumpSharedSpaces")), r.stderr.toString());
            assertEquals(List.of(), archives());
        }
    }

    @Test
    void theUsersOwnJvmLoggingIsKeptAndStaysOffStdout() throws Exception {
        Run r = sync(Map.of("TAP_MIXPANEL_JAVA_OPTS", "-XX:+UseSerialGC -Xlog:gc:stderr"));
        assertTrue(singerOnly(r) >= 20_000);
        assertTrue(r.stderr.stream().anyMatch(l -> l.contains("[gc]") && l.contains("Using Serial")), r.stderr.toString());
    }

    @Test
    void shortCommandsPrintOnlyTheirAnswerAndWriteNoArchive() throws Exception {
        Run version = launch(Map.of(), "--version");
        assertEquals(0, version.exit);
        assertEquals(1, version.stdout.size(), version.stdout.toString());
        assertTrue(version.stdout.get(0).startsWith("tap-mixpanel "), version.stdout.get(0));
        assertEquals(List.of(), archives());
    }

    @Test
    void aSymlinkToTheLauncherRunsTheCheckoutItPointsTo() throws Exception {
        // e.g. ln -s /opt/tap-mixpanel/bin/tap-mixpanel ~/bin/tap-mixpanel; a relative link, through a linked folder
        Path bin = Files.createDirectories(dir.resolve("home/bin"));
        Path linkedCheckout = dir.resolve("checkout");
        Files.deleteIfExists(linkedCheckout);
        Files.createSymbolicLink(linkedCheckout, ROOT);
        Path link = bin.resolve("tap-mixpanel");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, bin.relativize(linkedCheckout.resolve("bin/tap-mixpanel")));
        Run version = launchVia(link, Map.of(), "--version");
        assertEquals(0, version.exit, String.join("\n", version.stderr));
        assertEquals(1, version.stdout.size(), version.stdout.toString());
        assertTrue(version.stdout.get(0).startsWith("tap-mixpanel "), version.stdout.get(0));
        assertTrue(version.stderr.stream().noneMatch(l -> l.contains("building")), version.stderr.toString());
    }

    /** A training run (no archive yet) against a sandbox slowed to 3 s per request, once it is syncing. */
    private static Process trainingRunWaitingOnASlowServer(Sandbox slow, Path err) throws Exception {
        Path slowConfig = dir.resolve("slow-config.json");
        Files.writeString(slowConfig, MAPPER.writeValueAsString(Map.of(
                "service_account_username", "sandbox-user", "service_account_secret", "sandbox-password",
                "project_id", 1234, "start_date", java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(2) + "T00:00:00Z",
                "api_base_url", slow.baseUrl(), "export_base_url", slow.baseUrl(), "app_base_url", slow.baseUrl())));
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "--config", slowConfig.toString()).directory(dir.toFile())
                .redirectOutput(dir.resolve("slow-stdout.txt").toFile()).redirectError(err.toFile());
        pb.environment().remove("TAP_MIXPANEL_JAVA_OPTS");
        pb.environment().remove("TAP_MIXPANEL_CDS");
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(err).contains("discovering")) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, () -> "the tap started syncing: " + read(err));
            Thread.sleep(50);
        }
        return p;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void killingTheLauncherOfATrainingRunStopsTheSync() throws Exception {
        // what a scheduler's hard timeout or a test harness does: SIGKILL to the process it started
        try (Sandbox slow = Sandbox.start(SandboxOptions.builder().port(0).events(2_000).days(3).profiles(20).delayMs(3000).build())) {
            Process p = trainingRunWaitingOnASlowServer(slow, dir.resolve("kill-stderr.txt"));
            List<ProcessHandle> jvms = p.descendants().toList();
            try {
                p.destroyForcibly();
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                for (ProcessHandle jvm : jvms) {
                    assertTrue(jvm.onExit().get(10, TimeUnit.SECONDS) != null && !jvm.isAlive(), "still syncing: " + jvm.info());
                }
            } finally {
                jvms.forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void sigintToTheLauncherOfATrainingRunStopsTheTapWith130AndItsLine() throws Exception {
        Assumptions.assumeFalse(io.tapmixpanel.testing.Signals.ignored(2), "SIGINT is ignored by this test run (started in the background)");
        long stopped;
        try (Sandbox slow = Sandbox.start(SandboxOptions.builder().port(0).events(2_000).days(3).profiles(20).delayMs(3000).build())) {
            Path err = dir.resolve("int-stderr.txt");
            Process p = trainingRunWaitingOnASlowServer(slow, err);
            stopped = p.pid();
            List<ProcessHandle> jvms = p.descendants().toList();
            try {
                assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
                assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stopped within 10 s");
                assertEquals(130, p.exitValue(), read(err));
                assertTrue(read(err).lines().anyMatch(l -> l.startsWith("CRITICAL SIGINT: stopping (exit 130)")), read(err));
                assertEquals(List.of(), inPlace(), "a stopped run trains no archive");
            } finally {
                jvms.forEach(ProcessHandle::destroyForcibly);
            }
        }
        // the next run drops what the stopped one may have written, and trains anew
        Run next = sync(Map.of());
        assertTrue(singerOnly(next) >= 20_000);
        assertTrue(archives().stream().noneMatch(a -> a.getFileName().toString().contains("." + stopped + ".tmp")), archives().toString());
        assertEquals(canArchive ? 2 : 0, archives().size(), archives().toString());
    }
}
