package io.tapmixpanel.reliability;

import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/reliability.md "Reliability": a target that exits early. The tap runs as a process against a sandbox with plenty of events; the test
 * reads 1000 bytes of its stdout and closes the pipe, as {@code | head -c 1000} would. The tap must end promptly
 * with exit 1 and one CRITICAL line about the closed pipe, no stack trace flood.
 */
class ClosedPipeTest {
    @TempDir
    Path dir;

    @Test
    void targetClosingThePipeEndsTheTapPromptlyWithOneLine() throws Exception {
        try (Sandbox s = Sandbox.start(SandboxOptions.builder().port(0).events(100_000).days(4).profiles(50).build())) {
            Path config = TapHarness.write(dir, "config.json", TapHarness.config(s, s.baseUrl(), TapHarness.ONE_DAY_WINDOWS));
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "io.tapmixpanel.cli.Main", "--config", config.toString()));
            Path err = dir.resolve("stderr.txt");
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            InputStream out = p.getInputStream();
            byte[] head = out.readNBytes(1000);
            assertEquals(1000, head.length);
            long closedAt = System.nanoTime();
            out.close();
            boolean ended = p.waitFor(20, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - closedAt) / 1_000_000;
            if (!ended) p.destroyForcibly();
            List<String> lines = Files.readAllLines(err);
            String all = String.join("\n", lines);
            assertTrue(ended, () -> "still running 20 s after the pipe closed:\n" + all);
            assertEquals(1, p.exitValue(), all);
            List<String> critical = lines.stream().filter(l -> l.startsWith("CRITICAL ")).toList();
            assertEquals(1, critical.size(), all);
            assertTrue(critical.get(0).contains("broken pipe"), critical.get(0));
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")), all);
            TapHarness.figure("closed-pipe exit=" + p.exitValue() + " ended_ms_after_close=" + ms + " stderr_lines=" + lines.size()
                    + " critical=\"" + critical.get(0) + "\"");
        }
    }
}
