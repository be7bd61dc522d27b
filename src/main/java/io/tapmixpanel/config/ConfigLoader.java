package io.tapmixpanel.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.singer.Json;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads one or more config files, merges them (later files win, key by key) and validates every key of
 * README "Configuration" into a {@link TapConfig}. Values may be JSON numbers/booleans or their string forms ("30", "true"),
 * as singer-io configs use strings; empty strings and nulls count as "not set". Unknown keys are not errors
 * (Singer configs carry keys for other tools), but one that looks like a typo of a known key gets a warning.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    public static TapConfig load(List<Path> files) {
        if (files.isEmpty()) throw new ConfigException("(none)", null, "no --config file given");
        RawConfig raw = new RawConfig(files.stream().map(Path::toString).collect(Collectors.joining(" + ")));
        for (Path file : files) {
            JsonNode root = readJson(file);
            if (!root.isObject()) {
                throw new ConfigException(file.toString(), null, "must be a JSON object, found " + kind(root));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                raw.put(e.getKey(), e.getValue(), file.toString());
            }
        }
        redactSecrets(raw);
        warnAboutLikelyTypos(raw);
        TapConfig config = TapConfig.read(raw);
        warnAboutAFutureStart(raw, config.windows().startDate());
        return config;
    }

    /**
     * Hands the secret settings' values to the log before anything is validated or sent, so that no message,
     * whoever writes it and whatever a server echoes back, can print one (README "Configuration").
     */
    private static void redactSecrets(RawConfig raw) {
        List<String> secrets = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (Setting s : Setting.values()) {
            RawConfig.Entry e = raw.entries().get(s.key());
            if (e == null || !e.value().isValueNode() || e.value().isNull()) continue;
            if (s.isSecret()) secrets.add(e.value().asText());
            if (s == Setting.SERVICE_ACCOUNT_USERNAME) users.add(e.value().asText());
        }
        Log.redactSecrets(secrets, users);
    }

    /**
     * A start_date after today in every timezone means a first run that reads nothing and exits 0: say so, since
     * it is more likely a typo (2052 for 2025) than a wish.
     */
    private static void warnAboutAFutureStart(RawConfig raw, DateBound start) {
        boolean future = start instanceof DateBound.Day d
                ? d.day().isAfter(LocalDate.now(ZoneOffset.MAX))
                : start.toInstant(ZoneOffset.UTC).isAfter(Instant.now());
        if (future) {
            Log.warning("config %s: start_date '%s' is in the future: streams without a bookmark have nothing to read "
                    + "until then", raw.fileOf(Setting.START_DATE), start.raw().strip());
        }
    }

    /** Reads a config file (with singer's one JSON file reader), every failure a one-line {@link ConfigException}. */
    private static JsonNode readJson(Path file) {
        String name = file.toString();
        try {
            return Json.readFile(file).orElseThrow(() -> new ConfigException(name, null, "is empty, expected a JSON object"));
        } catch (JsonProcessingException e) {
            throw new ConfigException(name, null, "malformed JSON " + describe(e));
        } catch (NoSuchFileException e) {
            throw new ConfigException(name, null, "cannot read: no such file");
        } catch (IOException e) {
            throw new ConfigException(name, null, "cannot read: " + e.getMessage());
        }
    }

    /** "at line 3, column 7: Unexpected character ..." on one line. */
    private static String describe(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String msg = e.getOriginalMessage().replaceAll("\\s+", " ").replaceAll("\\[Source: [^;\\]]*; ", "[").trim();
        if (msg.length() > 160) msg = msg.substring(0, 160) + "...";
        return loc == null ? "(" + msg + ")" : "at line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": " + msg;
    }

    private static String kind(JsonNode n) {
        return n.getNodeType().name().toLowerCase(Locale.ROOT).replace("pojo", "value");
    }

    private static void warnAboutLikelyTypos(RawConfig raw) {
        for (Map.Entry<String, RawConfig.Entry> e : raw.entries().entrySet()) {
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
