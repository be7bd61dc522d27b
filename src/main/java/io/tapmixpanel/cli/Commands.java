package io.tapmixpanel.cli;

import io.tapmixpanel.config.TapConfig;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/** Wires discovery and sync together from a validated config. */
final class Commands {
    private Commands() {}

    static int discover(TapConfig config, OutputStream stdout) {
        throw new UnsupportedOperationException("discovery lands with issue 5");
    }

    static int sync(TapConfig config, Optional<Path> catalog, Optional<Path> state, OutputStream stdout) {
        throw new UnsupportedOperationException("sync lands with issue 6");
    }
}
