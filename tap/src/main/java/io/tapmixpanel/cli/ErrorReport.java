package io.tapmixpanel.cli;

import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.singer.CatalogException;
import io.tapmixpanel.singer.StateException;
import io.tapmixpanel.singer.TargetClosedException;
import io.tapmixpanel.sync.StreamsFailedException;

import java.io.UncheckedIOException;

/**
 * Turns what ended a run into its exit code and one CRITICAL line: catalog and state problems are the user's
 * input (2); everything else happened while running (1), including streams that failed while the others synced
 * (README "When a stream fails"). Unexpected exceptions say so, and where the details are.
 */
final class ErrorReport {
    private ErrorReport() {}

    static ExitCode handle(RuntimeException e) {
        if (e instanceof CatalogException c) return Cli.fail(ExitCode.USAGE, "catalog " + c.getMessage(), e);
        if (e instanceof StateException s) return Cli.fail(ExitCode.USAGE, "state " + s.getMessage(), e);
        if (e instanceof TargetClosedException) {
            return Cli.fail(ExitCode.FAILURE, "the target closed its input (broken pipe): stopping; the last STATE written is safe to resume from", e);
        }
        if (e instanceof StreamsFailedException f) {
            // each failed stream already has its CRITICAL line; this one only says why the exit code is 1
            Log.error("%s", f.getMessage());
            return ExitCode.FAILURE;
        }
        if (e instanceof MixpanelApiException) return Cli.fail(ExitCode.FAILURE, oneLine(e.getMessage()), e);
        if (e instanceof UncheckedIOException io) {
            return Cli.fail(ExitCode.FAILURE, "I/O error: " + oneLine(io.getCause().getMessage()), e);
        }
        String what = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + oneLine(e.getMessage());
        return Cli.fail(ExitCode.FAILURE, "internal error: " + what + " (run with --log-level debug for the stack trace)", e);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\n\\s*", " ").trim();
    }
}
