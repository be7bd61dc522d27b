package io.tapmixpanel.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import io.tapmixpanel.testing.RepoRoot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README is the user's manual: its settings table is the one --about --format markdown prints; the Meltano block of
 * docs/meltano.md "Meltano" is the one {@link MeltanoDefinition#meltanoYml()} generates from the same settings.
 */
class ReadmeTest {
    @Test
    void readmeEmbedsTheSettingsTableOfAboutMarkdown() throws Exception {
        String readme = Files.readString(RepoRoot.resolve("README.md"));
        String table = About.settingsTable();
        assertTrue(readme.contains(table),
                "README.md's settings table differs from `bin/tap-mixpanel --about --format markdown`; paste it again:\n" + table);
    }

    @Test
    void meltanoDocShowsTheMeltanoBlockGeneratedFromTheSettings() throws Exception {
        String doc = Files.readString(RepoRoot.resolve("docs/meltano.md"));
        int section = doc.indexOf("# Meltano\n");
        assertTrue(section >= 0, "docs/meltano.md has no \"# Meltano\" heading");
        int start = doc.indexOf("```yaml\n", section);
        int end = doc.indexOf("```", start + 1);
        assertTrue(start >= 0 && end > start, "docs/meltano.md's Meltano section has no ```yaml block");
        String block = doc.substring(start + "```yaml\n".length(), end);
        assertEquals(MeltanoDefinition.meltanoYml(), block,
                "docs/meltano.md's Meltano block differs from MeltanoDefinition.meltanoYml(); paste it again:\n"
                        + MeltanoDefinition.meltanoYml());
    }

    @Test
    void readmeShowsTheTestCommandThatCiRuns() throws Exception {
        String ci = Files.readString(RepoRoot.resolve(".ci/run"));
        assertTrue(ci.contains("mvn -B verify"));
        assertTrue(Files.readString(RepoRoot.resolve("README.md")).contains("mvn -B verify"));
    }
}
