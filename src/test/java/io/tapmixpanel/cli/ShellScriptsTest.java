package io.tapmixpanel.cli;

import io.tapmixpanel.testing.RepoRoot;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every shell script of the checkout (bin/, bench/, .ci/run) passes shellcheck with its default rules. Runs where
 * shellcheck is installed (Debian: {@code apt-get install shellcheck}); skipped, saying so, where it is not.
 */
class ShellScriptsTest {
    @Test
    void everyShellScriptIsCleanUnderShellcheck() throws Exception {
        Assumptions.assumeTrue(onPath("shellcheck"), "shellcheck is not installed: shell scripts not checked");
        List<String> cmd = new ArrayList<>(List.of("shellcheck", "--format=gcc"));
        List<Path> scripts = scripts();
        assertTrue(scripts.size() >= 6, "bin/*, bench/*.sh and .ci/run: " + scripts);
        scripts.forEach(p -> cmd.add(p.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "shellcheck findings:\n" + out);
    }

    /** Files of bin/ and bench/ that start with a shell shebang, and .ci/run. */
    static List<Path> scripts() throws IOException {
        Path root = RepoRoot.path();
        List<Path> found = new ArrayList<>();
        for (String folder : List.of("bin", "bench", ".ci")) {
            try (Stream<Path> files = Files.list(root.resolve(folder))) {
                for (Path f : files.sorted().toList()) {
                    if (Files.isRegularFile(f) && isShell(f)) found.add(f);
                }
            }
        }
        assertFalse(found.isEmpty());
        return found;
    }

    private static boolean isShell(Path f) throws IOException {
        byte[] head = Files.readAllBytes(f);
        String first = new String(head, 0, Math.min(head.length, 64), StandardCharsets.UTF_8).lines().findFirst().orElse("");
        return first.startsWith("#!") && (first.contains("bash") || first.endsWith("/sh") || first.contains(" sh"));
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, command))) return true;
        }
        return false;
    }
}
