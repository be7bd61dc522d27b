package io.tapmixpanel.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.tapmixpanel.config.Setting;
import io.tapmixpanel.config.TapVersion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * What {@code --about --format json} prints, in this order; Cli pretty-prints it through jackson-databind.
     * Settings are laid out as the Meltano SDK does, a JSON Schema object, so Meltano and humans read the same thing.
     */
    @JsonPropertyOrder({"name", "version", "description", "capabilities", "settings"})
    public record Info(String name, String version, String description, List<String> capabilities,
                       SettingsSchema settings) {}

    /** The settings as a JSON Schema object: every setting's schema, by key, and the keys a config must have. */
    @JsonPropertyOrder({"type", "properties", "required"})
    public record SettingsSchema(String type, Map<String, SettingSchema> properties, List<String> required) {}

    /** One setting's JSON Schema, with Meltano's {@code title} and {@code secret}; what does not apply is left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "format", "items", "title", "default", "description", "secret"})
    public record SettingSchema(String type, String format, Items items, String title,
                                @JsonProperty("default") String defaultValue, String description, Boolean secret) {

        static SettingSchema of(Setting s) {
            String type = switch (s.type()) {
                case DATE_TIME -> "string";
                case LIST -> "array";
                default -> s.type().jsonType();
            };
            return new SettingSchema(type, s.type() == Setting.Type.DATE_TIME ? "date-time" : null,
                    s.type() == Setting.Type.LIST ? new Items("string") : null, s.label(), s.defaultValue().orElse(null),
                    s.description(), s.isSecret() ? Boolean.TRUE : null);
        }
    }

    /** The schema of a list's items. */
    public record Items(String type) {}

    public static Info json() {
        Map<String, SettingSchema> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Setting s : Setting.values()) {
            properties.put(s.key(), SettingSchema.of(s));
            if (s.isRequired()) required.add(s.key());
        }
        return new Info(NAME, TapVersion.get(), DESCRIPTION, CAPABILITIES,
                new SettingsSchema("object", properties, required));
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
