package io.tapmixpanel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.Setting;
import io.tapmixpanel.config.TapVersion;

import java.util.List;

/**
 * What {@code --about} prints: the tap's name, version, capabilities and every setting (docs/observability.md "Observability"); its
 * {@code meltano-hub} format is {@link MeltanoDefinition}'s.
 */
public final class About {
    public static final String NAME = "tap-mixpanel";
    public static final String DESCRIPTION =
            "Singer tap for Mixpanel: raw events, user and group profiles, funnels, revenue, annotations, cohorts, cohort members and data-governance metadata.";
    /**
     * Only what is really implemented: catalog/properties input, discovery, state, about, test (README "Command
     * line"), ACTIVATE_VERSION for full-table streams,
     * BATCH messages.
     */
    public static final List<String> CAPABILITIES = List.of("catalog", "properties", "discover", "state", "about", "test",
            "activate-version", "batch");

    private About() {}

    public static ObjectNode json() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("name", NAME);
        root.put("version", TapVersion.get());
        root.put("description", DESCRIPTION);
        ArrayNode caps = root.putArray("capabilities");
        CAPABILITIES.forEach(caps::add);
        // Meltano SDK layout: settings as a JSON Schema object, so Meltano and humans read the same thing.
        ObjectNode settings = root.putObject("settings");
        settings.put("type", "object");
        ObjectNode props = settings.putObject("properties");
        ArrayNode required = m.createArrayNode();
        for (Setting s : Setting.values()) {
            ObjectNode p = props.putObject(s.key());
            if (s.type() == Setting.Type.DATE_TIME) {
                p.put("type", "string");
                p.put("format", "date-time");
            } else if (s.type() == Setting.Type.LIST) {
                p.put("type", "array");
                p.putObject("items").put("type", "string");
            } else {
                p.put("type", s.type().jsonType());
            }
            p.put("title", s.label());
            s.defaultValue().ifPresent(d -> p.put("default", d));
            p.put("description", s.description());
            if (s.isSecret()) p.put("secret", true);
            if (s.isRequired()) required.add(s.key());
        }
        settings.set("required", required);
        return root;
    }

    /** The settings table that README embeds (a test keeps the two equal). */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(NAME).append(' ').append(TapVersion.get()).append("\n\n");
        sb.append(DESCRIPTION).append("\n\n");
        sb.append("Capabilities: ").append(String.join(", ", CAPABILITIES)).append("\n\n");
        sb.append(settingsTable());
        return sb.toString();
    }

    public static String settingsTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| setting | type | default | description |\n");
        sb.append("|---|---|---|---|\n");
        for (Setting s : Setting.values()) {
            String type = s.type() == Setting.Type.LIST ? "list or comma-separated string"
                    : s.type() == Setting.Type.SECRET ? "string (secret)" : s.type().jsonType();
            String def = s.isRequired() ? "**required**" : s.defaultValue().map(d -> "`" + d + "`").orElse("");
            sb.append("| `").append(s.key()).append("` | ").append(type).append(" | ").append(def).append(" | ")
                    .append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }
}
