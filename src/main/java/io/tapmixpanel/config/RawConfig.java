package io.tapmixpanel.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The merged raw values of the config files (later files win, key by key) and the typed readers every part of
 * {@link TapConfig} reads its settings with (README "Configuration"): each reader accepts a value's JSON form or
 * its string form, treats null and blank strings as "not set", and turns a bad value into a one-line
 * {@link ConfigException} naming the file it came from and the key.
 */
final class RawConfig {
    /** A raw value and the file it came from. */
    record Entry(JsonNode value, String file) {}

    private static final Pattern PORT = Pattern.compile(":(\\d*)$");

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final String source;

    RawConfig(String source) {
        this.source = source;
    }

    void put(String key, JsonNode value, String file) {
        entries.put(key, new Entry(value, file));
    }

    /** The file name(s) of the whole config, for messages about no key in particular. */
    String source() { return source; }

    /** Every key given, with the file it came from, in order. */
    Map<String, Entry> entries() { return entries; }

    /** The file a setting came from; the whole config's name when it was not set. */
    String fileOf(Setting s) {
        Entry e = entries.get(s.key());
        return e == null ? source : e.file();
    }

    private Optional<JsonNode> raw(Setting s) {
        Entry e = entries.get(s.key());
        if (e == null || e.value().isNull()) return Optional.empty();
        if (e.value().isTextual() && e.value().asText().isBlank()) return Optional.empty();
        return Optional.of(e.value());
    }

    ConfigException invalid(Setting s, JsonNode v, String expected) {
        String shown = s.isSecret() ? "(hidden)" : "'" + abbreviate(v.isTextual() ? v.asText() : v.toString()) + "'";
        return new ConfigException(fileOf(s), s.key(), shown + " is not " + expected);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    Optional<String> string(Setting s) {
        return raw(s).map(v -> {
            if (!v.isValueNode()) throw invalid(s, v, "a string");
            return v.asText();
        });
    }

    /** An object setting (batch_config): its JSON tree, as given. */
    Optional<JsonNode> object(Setting s) {
        return raw(s).map(v -> {
            if (!v.isObject()) throw invalid(s, v, "a JSON object");
            return v;
        });
    }

    /** An integer setting, its default being {@link Setting#defaultValue()}. */
    int integer(Setting s, int min, int max) {
        Optional<JsonNode> v = raw(s);
        if (v.isEmpty()) return Integer.parseInt(s.defaultValue().orElseThrow());
        long n = parseLong(s, v.get());
        if (n < min || n > max) {
            throw new ConfigException(fileOf(s), s.key(), "'" + v.get().asText() + "' is out of range (" + min + " to " + max + ")");
        }
        return (int) n;
    }

    OptionalLong optionalLong(Setting s) {
        Optional<JsonNode> v = raw(s);
        if (v.isEmpty()) return OptionalLong.empty();
        long n = parseLong(s, v.get());
        if (n <= 0) throw new ConfigException(fileOf(s), s.key(), "'" + v.get().asText() + "' must be a positive number");
        return OptionalLong.of(n);
    }

    private long parseLong(Setting s, JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToLong()) return v.asLong();
        if (v.isNumber() && v.asDouble() == Math.rint(v.asDouble())) return (long) v.asDouble();
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.asText().trim());
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
        }
        throw invalid(s, v, "a whole number");
    }

    /** A boolean setting, its default being {@link Setting#defaultValue()}. */
    boolean bool(Setting s) {
        Optional<JsonNode> v = raw(s);
        if (v.isEmpty()) return Boolean.parseBoolean(s.defaultValue().orElseThrow());
        if (v.get().isBoolean()) return v.get().asBoolean();
        if (v.get().isTextual()) {
            switch (v.get().asText().trim().toLowerCase(Locale.ROOT)) {
                case "true": return true;
                case "false": return false;
                default: break;
            }
        }
        throw invalid(s, v.get(), "true or false");
    }

    Optional<DateBound> date(Setting s) {
        return raw(s).map(v -> {
            if (!v.isTextual()) throw invalid(s, v, "a date (RFC 3339 date-time or yyyy-mm-dd)");
            DateBound d = DateBound.parse(v.asText()).orElseThrow(
                    () -> invalid(s, v, "an RFC 3339 date-time (2024-01-01T00:00:00Z) or a yyyy-mm-dd date"));
            if (d.localDate(ZoneId.of("UTC")).getYear() > 9999) {
                throw new ConfigException(fileOf(s), s.key(), "'" + abbreviate(v.asText()) + "' is after the year 9999");
            }
            if (d.localDate(ZoneId.of("UTC")).getYear() < 2000) {
                throw new ConfigException(fileOf(s), s.key(), "'" + v.asText() + "' is before 2000, which Mixpanel refuses");
            }
            return d;
        });
    }

    List<String> list(Setting s) {
        Optional<JsonNode> v = raw(s);
        if (v.isEmpty()) return List.of();
        List<String> out = new ArrayList<>();
        if (v.get().isArray()) {
            for (JsonNode item : v.get()) {
                if (!item.isTextual() || item.asText().isBlank()) throw invalid(s, v.get(), "a list of event names");
                out.add(item.asText());
            }
        } else if (v.get().isTextual()) {
            for (String part : v.get().asText().split(",")) {
                if (!part.isBlank()) out.add(part.trim());
            }
        } else {
            throw invalid(s, v.get(), "a list of event names or a comma-separated string");
        }
        return out;
    }

    /**
     * A list of 64-bit ids: a JSON list of whole numbers (or their digit strings), or a comma-separated string.
     * Read exactly: a number past 2^53 keeps every digit, a fraction or a number past 64 bits is refused.
     */
    List<Long> idList(Setting s) {
        Optional<JsonNode> v = raw(s);
        if (v.isEmpty()) return List.of();
        List<JsonNode> items = new ArrayList<>();
        if (v.get().isArray()) {
            v.get().forEach(items::add);
        } else if (v.get().isTextual()) {
            for (String part : v.get().asText().split(",")) {
                if (!part.isBlank()) items.add(com.fasterxml.jackson.databind.node.TextNode.valueOf(part.trim()));
            }
        } else {
            items.add(v.get());
        }
        List<Long> out = new ArrayList<>();
        for (JsonNode item : items) {
            if (item.isIntegralNumber() && item.canConvertToLong()) {
                out.add(item.asLong());
                continue;
            }
            try {
                if (item.isTextual()) {
                    out.add(Long.parseLong(item.asText().trim()));
                    continue;
                }
            } catch (NumberFormatException ignored) {
                // the error below names the value
            }
            throw new ConfigException(fileOf(s), s.key(), "'" + abbreviate(item.isTextual() ? item.asText() : item.toString())
                    + "' is not a whole number (a group key id from Project Settings); give a list of ids or a "
                    + "comma-separated string");
        }
        return List.copyOf(new java.util.LinkedHashSet<>(out));
    }

    /**
     * An API host root (README "Configuration"): http(s), a host, an optional port and path prefix (a proxy's),
     * nothing else. What the tap would otherwise choke on later is refused here: a port out of range, a
     * {@code user:password@} part (the tap sends its own credentials; never echoed back), a query or a fragment
     * (the tap appends paths and parameters to the root).
     */
    Optional<URI> url(Setting s) {
        return string(s).map(u -> {
            String shown = "'" + abbreviate(withoutUserInfo(u.trim())) + "'";
            URI uri;
            try {
                uri = new URI(u.trim().replaceAll("/+$", ""));
            } catch (URISyntaxException e) {
                throw new ConfigException(fileOf(s), s.key(), shown + " is not an http(s) URL");
            }
            String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new ConfigException(fileOf(s), s.key(), shown + " is not an http(s) URL");
            }
            if (uri.getRawUserInfo() != null || authority.contains("@")) {
                throw new ConfigException(fileOf(s), s.key(), shown + " has a user name or password in it: remove the "
                        + "'user:password@' part (the tap authenticates with its credential settings)");
            }
            Matcher port = PORT.matcher(authority);
            if (port.find() && (port.group(1).isEmpty() || port.group(1).length() > 5
                    || Integer.parseInt(port.group(1)) < 1 || Integer.parseInt(port.group(1)) > 65535)) {
                throw new ConfigException(fileOf(s), s.key(), shown + " has port '" + abbreviate(port.group(1))
                        + "', which is not a port number (1 to 65535)");
            }
            if (uri.getHost() == null) {
                throw new ConfigException(fileOf(s), s.key(), shown + " is not an http(s) URL");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new ConfigException(fileOf(s), s.key(), shown + " has a " + (uri.getRawQuery() != null
                        ? "query ('?...')" : "fragment ('#...')") + ": give the host root only, with an optional "
                        + "path prefix (e.g. https://eu.mixpanel.com); the tap adds paths and parameters itself");
            }
            return uri;
        });
    }

    /** A URL with its {@code user:password@} part masked, for messages. */
    static String withoutUserInfo(String url) {
        return url.replaceFirst("^([^/?#]*//)[^/?#]*@", "$1***@");
    }
}
