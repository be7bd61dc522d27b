package io.tapmixpanel.cli;

/** How a run ends, as the process exit code (README "Command line"). */
public enum ExitCode {
    /** Discovery, sync, --about, --version or --help went through. */
    OK(0),
    /** A failure while running: the API refused after retries, the target closed the pipe... */
    FAILURE(1),
    /** A usage, config, catalog or state error: nothing was synced. */
    USAGE(2);

    private final int code;

    ExitCode(int code) { this.code = code; }

    public int code() { return code; }
}
