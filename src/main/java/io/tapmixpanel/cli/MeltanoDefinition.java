package io.tapmixpanel.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.Setting;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tap as Meltano sees it (docs/meltano.md "Meltano"), built from {@link Setting} and {@link About#CAPABILITIES} only: the
 * plugin definition for Meltano Hub ({@link #HUB_FILE}, laid out as the Hub's own files are, so that a submission
 * copies it) and the shorter {@code meltano.yml} block docs/meltano.md "Meltano" shows. Tests keep both committed texts equal to what
 * this class prints.
 */
public final class MeltanoDefinition {
    /** The Hub tells implementations of one tap apart by variant, named after their repository's owner. */
    public static final String VARIANT = "tapmixpanel";
    /** Where the definition lives in this repository: the path it has in the Hub, under {@code _data/meltano/}. */
    public static final String HUB_FILE = "meltano/extractors/" + About.NAME + "/" + VARIANT + ".yml";

    /**
     * The two ways to authenticate (README "Configuration"), each with the settings it needs; Meltano checks that a
     * configuration fills one of them (with the required settings) before it runs the tap.
     */
    static final List<List<Setting>> AUTH_METHODS = List.of(
            List.of(Setting.SERVICE_ACCOUNT_USERNAME, Setting.SERVICE_ACCOUNT_SECRET, Setting.PROJECT_ID),
            List.of(Setting.API_SECRET));

    // Meltano runs a Java tap as an executable on the PATH: there is no pip package to install.
    private static final String PREREQ = """
            This tap is written in Java: it needs Java 17 or later and Maven 3.6.3 or later, and no pip package. Build it \
            once in a clone of its repository with `mvn -B -q -DskipTests package`, then put its launcher on the PATH \
            (`ln -s $PWD/bin/tap-mixpanel ~/bin/`), or set `executable` to the launcher's full path in `meltano.yml`.
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private MeltanoDefinition() {}

    /** The Hub plugin definition as a tree (the shape Meltano Hub's extractor schema describes). */
    public static ObjectNode hub() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode caps = root.putArray("capabilities");
        About.CAPABILITIES.stream().sorted().forEach(caps::add);
        root.put("description", "Product Analytics Tool");
        root.put("domain_url", "https://mixpanel.com/");
        root.put("executable", About.NAME);
        root.putArray("keywords").add("api").add("java");
        root.put("label", "Mixpanel");
        root.put("logo_url", "/assets/logos/extractors/mixpanel.png");
        root.put("maintenance_status", "active");
        root.put("name", About.NAME);
        root.put("namespace", namespace());
        root.put("prereq", PREREQ);
        // The Hub's maintainers rate a connector; a new one starts unrated.
        root.put("quality", "unknown");
        ArrayNode settings = root.putArray("settings");
        for (Setting s : offered()) settings.add(setting(s));
        ArrayNode groups = root.putArray("settings_group_validation");
        for (List<String> group : settingsGroups()) {
            ArrayNode g = groups.addArray();
            group.forEach(g::add);
        }
        root.put("variant", VARIANT);
        return root;
    }

    /** The Hub file's text: {@link #hub()} in the Hub's YAML style (block style, keys in order, 2 spaces). */
    public static String hubYaml() {
        StringBuilder sb = new StringBuilder();
        block(hub(), 0, sb);
        return sb.toString();
    }

    /**
     * The {@code meltano.yml} extractor block docs/meltano.md "Meltano" shows: the Hub definition's capabilities, groups and
     * settings, one line a setting, without the descriptions (README's settings table has them).
     */
    public static String meltanoYml() {
        ObjectNode hub = hub();
        StringBuilder sb = new StringBuilder();
        sb.append("plugins:\n");
        sb.append("  extractors:\n");
        sb.append("  - name: ").append(About.NAME).append('\n');
        sb.append("    namespace: ").append(namespace()).append('\n');
        sb.append("    executable: /path/to/tap-mixpanel/bin/tap-mixpanel\n");
        sb.append("    capabilities: ").append(flow(hub.get("capabilities"))).append('\n');
        sb.append("    settings_group_validation:\n");
        for (JsonNode group : hub.get("settings_group_validation")) sb.append("    - ").append(flow(group)).append('\n');
        sb.append("    settings:\n");
        for (JsonNode setting : hub.get("settings")) {
            ObjectNode line = JSON.createObjectNode();
            for (String key : List.of("name", "label", "kind", "options", "sensitive", "value")) {
                if (setting.has(key)) line.set(key, setting.get(key));
            }
            sb.append("    - ").append(flow(line)).append('\n');
        }
        return sb.toString();
    }

    /**
     * Each way to authenticate with the settings every configuration needs (start_date), in {@link Setting}'s order:
     * Meltano's {@code settings_group_validation}.
     */
    public static List<List<String>> settingsGroups() {
        List<List<String>> groups = new ArrayList<>();
        for (List<Setting> method : AUTH_METHODS) {
            groups.add(Arrays.stream(Setting.values()).filter(s -> method.contains(s) || s.isRequired())
                    .map(Setting::key).toList());
        }
        return groups;
    }

    /** Every setting but the legacy ones, which are read for old configs but not offered (docs/meltano.md "Meltano"). */
    static List<Setting> offered() {
        return Arrays.stream(Setting.values()).filter(s -> !s.isLegacy()).toList();
    }

    /**
     * Meltano's kind of a setting. A secret is a {@code string} that is {@code sensitive}: Meltano's older
     * {@code password} kind says the same less clearly and the Hub asks for the flag.
     */
    static String kind(Setting s) {
        if (!s.options().isEmpty()) return "options";
        return switch (s.type()) {
            case STRING, SECRET -> "string";
            case INTEGER -> "integer";
            case BOOLEAN -> "boolean";
            case DATE_TIME -> "date_iso8601";
            case LIST -> "array";
            case OBJECT -> "object";
        };
    }

    /**
     * One setting of the Hub file. Only integer and boolean defaults become Meltano's {@code value}: the others
     * ("today", "by region", region's US beside the legacy EU keys) are worked out at run time, so Meltano must not
     * pass them.
     */
    private static ObjectNode setting(Setting s) {
        ObjectNode p = JSON.createObjectNode();
        p.put("description", s.description());
        p.put("kind", kind(s));
        p.put("label", s.label());
        p.put("name", s.key());
        if (!s.options().isEmpty()) {
            ArrayNode options = p.putArray("options");
            for (String o : s.options()) options.addObject().put("label", o).put("value", o);
        }
        if (s.isSecret()) p.put("sensitive", true);
        s.defaultValue().ifPresent(d -> {
            if (s.type() == Setting.Type.INTEGER) p.put("value", Long.parseLong(d));
            else if (s.type() == Setting.Type.BOOLEAN) p.put("value", Boolean.parseBoolean(d));
        });
        return p;
    }

    private static String namespace() {
        return About.NAME.replace('-', '_');
    }

    // A small YAML writer for the trees above (strings, numbers, booleans, lists, maps): block style with the
    // Hub's layout, a list's items at its key's indentation.

    private static void block(JsonNode node, int indent, StringBuilder sb) {
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                JsonNode value = node.get(key);
                sb.append(" ".repeat(indent)).append(key).append(':');
                if (value.isContainerNode() && !value.isEmpty()) {
                    sb.append('\n');
                    block(value, value.isArray() ? indent : indent + 2, sb);
                } else if (value.isTextual() && value.asText().contains("\n")) {
                    literal(value.asText(), indent + 2, sb);
                } else {
                    sb.append(' ').append(scalar(value, false)).append('\n');
                }
            }
        } else {
            for (JsonNode item : node) {
                if (item.isContainerNode() && !item.isEmpty()) {
                    // The item's first line goes after the dash, its other lines two spaces further in.
                    StringBuilder child = new StringBuilder();
                    block(item, indent + 2, child);
                    sb.append(" ".repeat(indent)).append("- ").append(child, indent + 2, child.length());
                } else {
                    sb.append(" ".repeat(indent)).append("- ").append(scalar(item, false)).append('\n');
                }
            }
        }
    }

    private static void literal(String text, int indent, StringBuilder sb) {
        sb.append(text.endsWith("\n") ? " |\n" : " |-\n");
        for (String line : text.split("\n")) sb.append(line.isEmpty() ? "" : " ".repeat(indent) + line).append('\n');
    }

    private static String flow(JsonNode node) {
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(i -> items.add(flow(i)));
            return "[" + String.join(", ", items) + "]";
        }
        if (node.isObject()) {
            List<String> fields = new ArrayList<>();
            node.fields().forEachRemaining(e -> fields.add(e.getKey() + ": " + flow(e.getValue())));
            return "{" + String.join(", ", fields) + "}";
        }
        return scalar(node, true);
    }

    // Plain (unquoted) only when no YAML reader could take the text for anything else; JSON's double-quoted
    // strings are valid YAML for the rest.
    private static final Pattern PLAIN_BLOCK = Pattern.compile("[A-Za-z/][A-Za-z0-9 _./()<>+=,;'*-]*(:[A-Za-z0-9/][A-Za-z0-9 _./()<>+=,;'*-]*)*");
    private static final Pattern PLAIN_FLOW = Pattern.compile("[A-Za-z/][A-Za-z0-9 _./()<>+=;'*-]*");
    private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null");

    static String scalar(JsonNode node, boolean inFlow) {
        if (node.isContainerNode()) return node.isArray() ? "[]" : "{}";
        if (!node.isTextual()) return node.asText();
        String s = node.asText();
        boolean plain = (inFlow ? PLAIN_FLOW : PLAIN_BLOCK).matcher(s).matches() && !s.endsWith(" ")
                && !s.endsWith(":") && !RESERVED.contains(s.toLowerCase(Locale.ROOT));
        if (plain) return s;
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
