package io.tapmixpanel.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Golden files: texts the tap reads or writes, kept under {@code src/test/resources/golden/} byte for byte, so that
 * a change of how a value is bound or formatted cannot change a format unnoticed. Run with
 * {@code -Dgolden.update=true} to write the actual texts instead (then review the diff before committing it).
 */
public final class Golden {
    private static final String ROOT = "src/test/resources/golden/";

    private Golden() {}

    /** The committed text of {@code golden/<name>}. */
    public static String read(String name) {
        try {
            return Files.readString(RepoRoot.resolve(ROOT + name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("golden file " + name + " (write it with -Dgolden.update=true)", e);
        }
    }

    /** Asserts that {@code actual} is the committed text of {@code golden/<name>}, or writes it when updating. */
    public static void assertMatches(String name, String actual) {
        if (Boolean.getBoolean("golden.update")) {
            try {
                Path file = RepoRoot.resolve(ROOT + name);
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        assertEquals(read(name), actual, "golden file " + name);
    }
}
