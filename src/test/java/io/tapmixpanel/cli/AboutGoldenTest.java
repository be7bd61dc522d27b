package io.tapmixpanel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tapmixpanel.config.Setting;
import io.tapmixpanel.config.TapVersion;
import io.tapmixpanel.testing.Golden;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@code --about} prints (README "Command line"), byte for byte as the golden files under {@code golden/about/}
 * say: key order, indentation, types and formats of every setting. The version and each setting's description are
 * written there as placeholders, so that the files pin the layout while the texts stay {@link Setting}'s.
 */
class AboutGoldenTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static String about(String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, new Cli(out, Map.of()).run(new String[]{"--about", "--format", format}));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aboutJsonIsTheGoldenFile() throws Exception {
        String text = about("json").replace("\"" + TapVersion.get() + "\"", "\"<version>\"");
        for (Setting s : Setting.values()) {
            text = text.replace(M.writeValueAsString(s.description()), "\"<description of " + s.key() + ">\"");
        }
        Golden.assertMatches("about/about.json", text);
    }

    @Test
    void aboutMarkdownIsTheGoldenFile() {
        String text = about("markdown").replace(" " + TapVersion.get() + "\n", " <version>\n");
        for (Setting s : Setting.values()) {
            text = text.replace(" " + s.description().replace("|", "\\|") + " |", " <description of " + s.key() + "> |");
        }
        Golden.assertMatches("about/about.md", text);
    }
}
