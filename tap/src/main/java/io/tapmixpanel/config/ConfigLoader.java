package io.tapmixpanel.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.Credentials;
import io.tapmixpanel.mixpanel.Region;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Reads one or more config files, merges them (later files win, key by key) and validates every key of
 * README "Configuration" into a {@link TapConfig}. Values may be JSON numbers/booleans or their string forms ("30", "true"),
 * as singer-io configs use strings; empty strings and nulls count as "not set". Unknown keys are not errors
 * (Singer configs carry keys for other tools), but one that looks like a typo of a known key gets a warning.
 */
public final class ConfigLoader {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A raw value and the file it came from. */
    private record Entry(JsonNode value, String file) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final String source;

    private ConfigLoader(List<Path> files) {
        this.source = files.stream().map(Path::toString).collect(Collectors.joining(" + "));
        for (Path file : files) {
            JsonNode root = readJson(file, "config");
            if (!root.isObject()) {
                throw new ConfigException(file.toString(), null, "must be a JSON object, found " + kind(root));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                entries.put(e.getKey(), new Entry(e.getValue(), file.toString()));
            }
        }
    }

    public static TapConfig load(List<Path> files) {
        if (files.isEmpty()) throw new ConfigException("(none)", null, "no --config file given");
        return new ConfigLoader(files).build();
    }

    /**
     * Reads a JSON file, turning every way it can fail into a one-line {@link ConfigException} that names it.
     * {@code what} is the kind of file ("config"), used as the message prefix.
     */
    static JsonNode readJson(Path file, String what) {
        String name = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(name, null, "cannot read: no such file");
        } catch (IOException e) {
            throw new ConfigException(name, null, "cannot read: " + e.getMessage());
        }
        if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw new ConfigException(name, null, "is empty, expected a JSON object");
        }
        try {
            return MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ConfigException(name, null, "malformed JSON " + describe(e));
        } catch (IOException e) {
            throw new ConfigException(name, null, "cannot read: " + e.getMessage());
        }
    }

    /** "at line 3, column 7: Unexpected character ..." on one line. */
    public static String describe(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String msg = e.getOriginalMessage().replaceAll("\\s+", " ").replaceAll("\\[Source: [^;\\]]*; ", "[").trim();
        if (msg.length() > 160) msg = msg.substring(0, 160) + "...";
        return loc == null ? "(" + msg + ")" : "at line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": " + msg;
    }

    private static String kind(JsonNode n) {
        return n.getNodeType().name().toLowerCase(Locale.ROOT).replace("pojo", "value");
    }

    private TapConfig build() {
        warnAboutLikelyTypos();
        Credentials credentials = credentials();
        Region region = region();
        DateBound start = date(Setting.START_DATE).orElseThrow(() -> new ConfigException(source, "start_date",
                "required (an RFC 3339 date-time like 2024-01-01T00:00:00Z, or 2024-01-01)"));
        Optional<DateBound> end = date(Setting.END_DATE);
        if (end.isPresent()) {
            ZoneId z = ZoneId.of("UTC");
            if (end.get().toInstant(z).isBefore(start.toInstant(z)) && end.get().localDate(z).isBefore(start.localDate(z))) {
                throw new ConfigException(fileOf(Setting.END_DATE), "end_date",
                        "'" + end.get().raw() + "' is before start_date '" + start.raw() + "'");
            }
        }
        Optional<ZoneId> zone = string(Setting.PROJECT_TIMEZONE).map(z -> {
            try {
                return ZoneId.of(z);
            } catch (DateTimeException e) {
                throw new ConfigException(fileOf(Setting.PROJECT_TIMEZONE), "project_timezone",
                        "'" + z + "' is not an IANA time zone (e.g. UTC, US/Pacific, Europe/Paris)");
            }
        });
        int attribution = integer(Setting.ATTRIBUTION_WINDOW, 5, 0, 3650);
        int window = integer(Setting.DATE_WINDOW_SIZE, 30, 1, 3650);
        int timeout = integer(Setting.REQUEST_TIMEOUT, 300, 1, 86_400);
        int concurrency = integer(Setting.MAX_CONCURRENT_REQUESTS, TapConfig.DEFAULT_MAX_CONCURRENT_REQUESTS, 1, 100);
        return new TapConfig(source, credentials, region, start, end, zone, attribution, window,
                bool(Setting.SELECT_PROPERTIES_BY_DEFAULT, true),
                list(Setting.EXPORT_EVENTS),
                string(Setting.EXPORT_WHERE),
                bool(Setting.EXPORT_TIME_IN_PROJECT_TIMEZONE, false),
                bool(Setting.EXPORT_GZIP, true),
                Duration.ofSeconds(timeout),
                concurrency,
                string(Setting.USER_AGENT).orElse("tap-mixpanel/" + TapVersion.get()),
                url(Setting.API_BASE_URL), url(Setting.EXPORT_BASE_URL), url(Setting.APP_BASE_URL));
    }

    private Credentials credentials() {
        Optional<String> secret = string(Setting.API_SECRET);
        Optional<String> user = string(Setting.SERVICE_ACCOUNT_USERNAME);
        Optional<String> saSecret = string(Setting.SERVICE_ACCOUNT_SECRET);
        OptionalLong projectId = optionalLong(Setting.PROJECT_ID);
        boolean serviceAccount = user.isPresent() || saSecret.isPresent();
        if (secret.isPresent() && serviceAccount) {
            throw new ConfigException(source, "api_secret",
                    "both api_secret and a service account (service_account_username/service_account_secret) are set; use exactly one auth method");
        }
        if (secret.isPresent()) return new Credentials.ProjectSecret(secret.get(), projectId);
        if (!serviceAccount) {
            throw new ConfigException(source, null,
                    "no credentials: set api_secret, or service_account_username + service_account_secret + project_id");
        }
        if (user.isEmpty()) throw new ConfigException(source, "service_account_username", "required with service_account_secret");
        if (saSecret.isEmpty()) throw new ConfigException(source, "service_account_secret", "required with service_account_username");
        if (projectId.isEmpty()) throw new ConfigException(source, "project_id", "required with a service account");
        return new Credentials.ServiceAccount(user.get(), saSecret.get(), projectId.getAsLong());
    }

    private Region region() {
        Optional<String> region = string(Setting.REGION);
        boolean legacyEu = bool(Setting.EU_RESIDENCY, false) || bool(Setting.EU_RESIDENCY_SERVER, false);
        if (region.isEmpty()) return legacyEu ? Region.EU : Region.US;
        Region r;
        try {
            r = Region.valueOf(region.get().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(fileOf(Setting.REGION), "region", "'" + region.get() + "' is not one of US, EU, IN");
        }
        if (legacyEu && r != Region.EU) {
            throw new ConfigException(source, "region",
                    "region is " + r + " but eu_residency/eu_residency_server is true; remove one of them");
        }
        return r;
    }

    // ---- typed readers -------------------------------------------------------------------------------------

    private Optional<JsonNode> raw(Setting s) {
        Entry e = entries.get(s.key());
        if (e == null || e.value().isNull()) return Optional.empty();
        if (e.value().isTextual() && e.value().asText().isBlank()) return Optional.empty();
        return Optional.of(e.value());
    }

    private String fileOf(Setting s) {
        Entry e = entries.get(s.key());
        return e == null ? source : e.file();
    }

    private ConfigException invalid(Setting s, JsonNode v, String expected) {
        String shown = s.isSecret() ? "(hidden)" : "'" + abbreviate(v.isTextual() ? v.asText() : v.toString()) + "'";
        return new ConfigException(fileOf(s), s.key(), shown + " is not " + expected);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private Optional<String> string(Setting s) {
        return raw(s).map(v -> {
            if (!v.isValueNode()) throw invalid(s, v, "a string");
            return v.asText();
        });
    }

    private int integer(Setting s, int def, int min, int max) {
        Optional<JsonNode> v = raw(s);
        if (v.isEmpty()) return def;
        long n = parseLong(s, v.get());
        if (n < min || n > max) {
            throw new ConfigException(fileOf(s), s.key(), "'" + v.get().asText() + "' is out of range (" + min + " to " + max + ")");
        }
        return (int) n;
    }

    private OptionalLong optionalLong(Setting s) {
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

    private boolean bool(Setting s, boolean def) {
        Optional<JsonNode> v = raw(s);
        if (v.isEmpty()) return def;
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

    private Optional<DateBound> date(Setting s) {
        return raw(s).map(v -> {
            if (!v.isTextual()) throw invalid(s, v, "a date (RFC 3339 date-time or yyyy-mm-dd)");
            try {
                DateBound d = DateBound.parse(v.asText());
                if (d.localDate(ZoneId.of("UTC")).getYear() < 2000) {
                    throw new ConfigException(fileOf(s), s.key(), "'" + v.asText() + "' is before 2000, which Mixpanel refuses");
                }
                return d;
            } catch (IllegalArgumentException e) {
                throw invalid(s, v, "an RFC 3339 date-time (2024-01-01T00:00:00Z) or a yyyy-mm-dd date");
            }
        });
    }

    private List<String> list(Setting s) {
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

    private Optional<URI> url(Setting s) {
        return string(s).map(u -> {
            try {
                URI uri = new URI(u.trim().replaceAll("/+$", ""));
                if (uri.getScheme() == null || uri.getHost() == null
                        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                    throw new URISyntaxException(u, "not http(s)");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw new ConfigException(fileOf(s), s.key(), "'" + abbreviate(u) + "' is not an http(s) URL");
            }
        });
    }

    private void warnAboutLikelyTypos() {
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            String key = e.getKey();
            if (Setting.byKey(key).isPresent()) continue;
            for (String known : Setting.keys()) {
                if (editDistance(key.toLowerCase(Locale.ROOT), known) <= 2) {
                    Log.warning("config %s: unknown key '%s' is ignored; did you mean '%s'?", e.getValue().file(), key, known);
                    break;
                }
            }
        }
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
