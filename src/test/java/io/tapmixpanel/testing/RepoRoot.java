package io.tapmixpanel.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checkout's top folder (README, bin/, .ci/), which tests of the user-facing files read. Maven passes it as
 * {@code tap.repo.root}; a test started from an IDE falls back to the working folder.
 */
public final class RepoRoot {
    private RepoRoot() {}

    public static Path path() {
        String configured = System.getProperty("tap.repo.root");
        Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        root = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("README.md"))) {
            throw new IllegalStateException("no README.md in " + root + ": is tap.repo.root the checkout's top folder?");
        }
        return root;
    }

    public static Path resolve(String relative) {
        return path().resolve(relative);
    }
}
