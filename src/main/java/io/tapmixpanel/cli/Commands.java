package io.tapmixpanel.cli;

import io.tapmixpanel.config.TapConfig;
import io.tapmixpanel.sync.Tap;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/** Runs discovery, sync or the access test from a validated config. */
final class Commands {
    private Commands() {}

    static void discover(TapConfig config, OutputStream stdout) {
        new Tap(config).discover(stdout);
    }

    /** {@code --test}: true when every stream in scope is reachable. */
    static boolean test(TapConfig config, Optional<Path> catalog, Tap.TestMode mode, OutputStream stdout) {
        return new Tap(config).test(catalog, mode, stdout);
    }

    static void sync(TapConfig config, Optional<Path> catalog, Optional<Path> state, OutputStream stdout) {
        new Tap(config).sync(catalog, state, stdout);
    }
}
