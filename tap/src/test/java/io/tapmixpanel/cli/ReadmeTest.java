package io.tapmixpanel.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import io.tapmixpanel.testing.RepoRoot;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** README is the user's manual: its settings table is the one --about --format markdown prints. */
class ReadmeTest {
    @Test
    void readmeEmbedsTheSettingsTableOfAboutMarkdown() throws Exception {
        String readme = Files.readString(RepoRoot.resolve("README.md"));
        String table = About.settingsTable();
        assertTrue(readme.contains(table),
                "README.md's settings table differs from `bin/tap-mixpanel --about --format markdown`; paste it again:\n" + table);
    }

    @Test
    void readmeShowsTheTestCommandThatCiRuns() throws Exception {
        String ci = Files.readString(RepoRoot.resolve(".ci/run"));
        assertTrue(ci.contains("mvn -B verify"));
        assertTrue(Files.readString(RepoRoot.resolve("README.md")).contains("mvn -B verify"));
    }
}
