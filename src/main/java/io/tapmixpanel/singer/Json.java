package io.tapmixpanel.singer;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one ObjectMapper of the singer package, and the one reader of JSON files of the tap: catalog and state
 * here, and the config files of the {@code config} package. The values of the state are bound through it
 * ({@link StateValue}, {@link ProcessingWatermark}), {@code java.time} by its JavaTimeModule. It lives here because {@code singer} depends on
 * nothing of the tap, so every package may use it without a cycle; each caller words the failures its own way
 * (README "Command line": one line naming the file).
 */
public final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // java.time values (the days of a processing watermark) as ISO text, never as numbers or arrays
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // writeTree on the message generator must not flush stdout once per message
            .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

    private Json() {}

    /**
     * The largest config, catalog or state file the tap reads (README "Command line"): real ones are kilobytes
     * (a catalog of thousands of properties a few MB), and a parsed file takes several times its size in memory.
     */
    public static final int MAX_FILE_BYTES = 64 << 20;

    /** A file over {@link #MAX_FILE_BYTES}; the message says so and names the limit. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long size) {
            super((size >= 0 ? "it is " + (size >> 20) + " MB, over" : "it is over")
                    + " the limit of " + (MAX_FILE_BYTES >> 20) + " MB for a config, catalog or state file"
                    + " (is it the right file?)");
        }
    }

    /** Thrown by {@link #readSingerFile}: a problem, worded for "file: problem" messages. */
    static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;
        Problem(String message) { super(message, null, false, false); }
    }

    /**
     * Reads and parses a JSON file (one value, nothing after it); an empty or blank file gives an empty
     * Optional. Failures are the JDK's and Jackson's own: {@link java.nio.file.NoSuchFileException},
     * {@link AccessDeniedException}, {@link JsonProcessingException} (malformed JSON, with its location),
     * {@link TooLarge}, or another {@link IOException}.
     */
    public static Optional<JsonNode> readFile(Path file) throws IOException {
        // Checked before reading (and bounded while reading, for a file that grows or is a pipe): a whole target
        // output passed as --state would otherwise end in an OutOfMemoryError after a long wait.
        if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_BYTES) throw new TooLarge(Files.size(file));
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_FILE_BYTES) throw new TooLarge(-1);
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) return Optional.empty();
        return Optional.of(MAPPER.readTree(bytes));
    }

    /** {@link #readFile} with the failures worded as catalog and state messages say them. */
    static Optional<JsonNode> readSingerFile(Path file) throws Problem {
        try {
            return readFile(file);
        } catch (JsonProcessingException e) {
            throw new Problem(malformed(e));
        } catch (NoSuchFileException e) {
            throw new Problem("cannot read the file: no such file");
        } catch (AccessDeniedException e) {
            throw new Problem("cannot read the file: permission denied");
        } catch (IOException e) {
            throw new Problem("cannot read the file: " + describe(e));
        }
    }

    static String malformed(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where = loc == null || loc.getLineNr() < 0 ? ""
                : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        String detail = e.getOriginalMessage();
        int nl = detail.indexOf('\n');
        if (nl >= 0) detail = detail.substring(0, nl);
        // Jackson names its input source inside some messages; the file is already named by the caller.
        detail = detail.replaceAll("\\[Source: [^;\\]]*; ", "[");
        return "malformed JSON" + where + ": " + detail;
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A short, quoted rendering of a JSON value's kind, for error messages. */
    static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) return "missing";
        return switch (n.getNodeType()) {
            case NULL -> "null";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case STRING -> "a string";
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
