package io.tapmixpanel.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * batch_config (docs/batch.md "BATCH messages"), in the Meltano SDK's layout: records go to JSON Lines files in a local
 * folder, gzip-compressed unless compression is none, at most {@code batchSize} records a file, named
 * {@code <prefix>tap-mixpanel--<stream>-...}. Only what the tap can really write is accepted: format jsonl, a
 * {@code file://} root that is an existing writable folder; anything else is a config error naming the key.
 *
 * @param root      the folder the files are written to (absolute)
 * @param prefix    the start of every file name, possibly empty
 * @param gzip      whether the files are gzip-compressed (compression gzip, the default) or plain (none)
 * @param batchSize the most records one file holds (Meltano SDK's batch_size, default 10000): an SDK target reads
 *                  each file whole into memory
 */
public record BatchOptions(Path root, String prefix, boolean gzip, int batchSize) {
    public static final int DEFAULT_BATCH_SIZE = 10_000;

    /** The encoding's compression as the BATCH message names it. */
    public String compression() { return gzip ? "gzip" : "none"; }

    static Optional<BatchOptions> read(RawConfig c) {
        Optional<JsonNode> v = c.object(Setting.BATCH_CONFIG);
        if (v.isEmpty()) return Optional.empty();
        String file = c.fileOf(Setting.BATCH_CONFIG);
        JsonNode root = v.get();
        known(file, "batch_config", root, Set.of("encoding", "storage", "batch_size"));
        JsonNode encoding = object(file, "batch_config.encoding", root.get("encoding"));
        known(file, "batch_config.encoding", encoding, Set.of("format", "compression"));
        String format = text(file, "batch_config.encoding.format", encoding.get("format"));
        if (!format.equals("jsonl")) {
            throw new ConfigException(file, "batch_config.encoding.format", "'" + format + "' is not supported: the tap "
                    + "writes jsonl");
        }
        JsonNode compression = encoding.get("compression");
        String comp = compression == null || compression.isNull() ? "gzip"
                : text(file, "batch_config.encoding.compression", compression);
        if (!comp.equals("gzip") && !comp.equals("none")) {
            throw new ConfigException(file, "batch_config.encoding.compression", "'" + comp + "' is not supported: "
                    + "gzip or none");
        }
        JsonNode storage = object(file, "batch_config.storage", root.get("storage"));
        known(file, "batch_config.storage", storage, Set.of("root", "prefix"));
        Path folder = folder(file, text(file, "batch_config.storage.root", storage.get("root")));
        JsonNode p = storage.get("prefix");
        String prefix = p == null || p.isNull() ? "" : p.isTextual() ? p.asText() : text(file, "batch_config.storage.prefix", p);
        if (prefix.contains("/") || prefix.contains("\\") || prefix.contains("\0")) {
            throw new ConfigException(file, "batch_config.storage.prefix", "'" + prefix + "' is not a file name prefix "
                    + "(no / or \\): the files are written in storage.root itself");
        }
        JsonNode size = root.get("batch_size");
        int batchSize = DEFAULT_BATCH_SIZE;
        if (size != null && !size.isNull()) {
            if (!size.canConvertToInt() || !size.isIntegralNumber() || size.asInt() < 1) {
                throw new ConfigException(file, "batch_config.batch_size", "'" + size + "' is not a positive whole number");
            }
            batchSize = size.asInt();
        }
        return Optional.of(new BatchOptions(folder, prefix, comp.equals("gzip"), batchSize));
    }

    /**
     * storage.root: {@code file:///absolute/folder}, or {@code file://relative/folder} (relative to the working
     * folder, as the Meltano SDK reads it); it must exist and be writable, so that a run does not fail on its first
     * file after minutes of reading.
     */
    private static Path folder(String file, String url) {
        String key = "batch_config.storage.root";
        if (!url.startsWith("file://")) {
            throw new ConfigException(file, key, "'" + url + "' is not a file:// URL (the tap writes local files only)");
        }
        Path dir;
        try {
            String rest = url.substring("file://".length());
            dir = rest.startsWith("/") ? Path.of(new URI("file", null, rest, null).normalize()) : Path.of(rest);
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new ConfigException(file, key, "'" + url + "' is not a file:// URL of a folder");
        }
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) throw new ConfigException(file, key, "'" + url + "': no such folder (" + dir + ")");
        if (!Files.isWritable(dir)) throw new ConfigException(file, key, "'" + url + "': the folder is not writable");
        return dir;
    }

    private static JsonNode object(String file, String key, JsonNode v) {
        if (v == null || v.isNull()) throw new ConfigException(file, key, "is missing");
        if (!v.isObject()) throw new ConfigException(file, key, "'" + v + "' is not a JSON object");
        return v;
    }

    private static String text(String file, String key, JsonNode v) {
        if (v == null || v.isNull()) throw new ConfigException(file, key, "is missing");
        if (!v.isTextual() || v.asText().isBlank()) throw new ConfigException(file, key, "'" + v + "' is not a string");
        return v.asText();
    }

    /** A misspelt key would silently fall back to a default (a typo in compression, say): refused instead. */
    private static void known(String file, String key, JsonNode object, Set<String> keys) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) {
                throw new ConfigException(file, key + "." + k, "unknown key (known: " + String.join(", ",
                        keys.stream().sorted().toList()) + ")");
            }
        }
    }
}
