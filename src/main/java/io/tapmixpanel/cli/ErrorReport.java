package io.tapmixpanel.cli;

/** Turns a failure while running into its exit code and one CRITICAL line. */
final class ErrorReport {
    private ErrorReport() {}

    static int handle(RuntimeException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return Cli.fail(Cli.EXIT_FAILURE, msg, e);
    }
}
