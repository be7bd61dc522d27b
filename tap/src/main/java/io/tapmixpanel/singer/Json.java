package io.tapmixpanel.singer;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** The one ObjectMapper of the singer package, and the file reading shared by catalog and state. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // writeTree on the message generator must not flush stdout once per message
            .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

    private Json() {}

    /** Thrown by {@link #readFile}: a problem, worded for "file: problem" messages. */
    static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;
        Problem(String message) { super(message, null, false, false); }
    }

    /** Reads and parses a JSON file; empty (or blank) file gives an empty Optional. */
    static Optional<JsonNode> readFile(Path file) throws Problem {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new Problem("cannot read the file: no such file");
        } catch (AccessDeniedException e) {
            throw new Problem("cannot read the file: permission denied");
        } catch (IOException e) {
            throw new Problem("cannot read the file: " + describe(e));
        }
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) return Optional.empty();
        try {
            return Optional.of(MAPPER.readTree(bytes));
        } catch (JsonProcessingException e) {
            throw new Problem(malformed(e));
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
