package io.tapmixpanel.cli;

import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.singer.SingerInputException;
import io.tapmixpanel.singer.TargetClosedException;
import io.tapmixpanel.sync.StreamsFailedException;

import java.io.UncheckedIOException;

/**
 * Turns what ended a run into its exit code and one CRITICAL line: catalog and state problems are the user's
 * input (2); everything else happened while running (1), including streams that failed while the others synced
 * (docs/reliability.md "When a stream fails"). Unexpected exceptions say so, and where the details are.
 */
final class ErrorReport {
    private ErrorReport() {}

    static ExitCode handle(RuntimeException e) {
        if (e instanceof SingerInputException i) return Cli.fail(ExitCode.USAGE, i.input() + " " + i.getMessage(), e);
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
            // The wrapper's own message says what was being done (writing an export spool in the temp folder...);
            // the cause's alone is often a bare path.
            String own = io.getMessage();
            String what = own == null || own.equals(String.valueOf(io.getCause())) ? describe(io.getCause()) : own;
            return Cli.fail(ExitCode.FAILURE, "I/O error: " + oneLine(what), e);
        }
        String what = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + oneLine(e.getMessage());
        return Cli.fail(ExitCode.FAILURE, "internal error: " + what + " (run with --log-level debug for the stack trace)", e);
    }

    /**
     * A {@link java.lang.Error} (out of memory, a stack overflow, a class missing from a broken jar) that ended
     * the run: one CRITICAL line and exit 1 like any failure (README "Command line"), the stack trace only with
     * debug logging, instead of the JVM's trace on stderr.
     */
    static ExitCode handle(Error e) {
        if (e instanceof OutOfMemoryError) {
            return Cli.fail(ExitCode.FAILURE, "out of memory (" + oneLine(String.valueOf(e.getMessage())) + "): give the "
                    + "JVM more heap, e.g. TAP_MIXPANEL_JAVA_OPTS=-Xmx2g (bin/tap-mixpanel), or sync fewer streams or "
                    + "smaller windows per run", e);
        }
        return Cli.fail(ExitCode.FAILURE, "internal error: " + e.getClass().getName()
                + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage()))
                + " (run with --log-level debug for the stack trace)", e);
    }

    private static String describe(Throwable t) {
        if (t == null) return "";
        // NoSuchFileException and AccessDeniedException carry only the path
        if (t instanceof java.nio.file.NoSuchFileException f) return f.getFile() + ": no such file or folder";
        if (t instanceof java.nio.file.AccessDeniedException f) return f.getFile() + ": permission denied";
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\n\\s*", " ").trim();
    }
}
