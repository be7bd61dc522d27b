package io.tapmixpanel.streams;

import java.util.concurrent.ExecutionException;

/** Rethrows what a pooled task threw, as the exception it was, so the cli reports it as if run inline. */
final class Futures {
    private Futures() {}

    static RuntimeException unwrap(ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException r) return r;
        if (c instanceof Error err) throw err;
        return new IllegalStateException(c);
    }
}
