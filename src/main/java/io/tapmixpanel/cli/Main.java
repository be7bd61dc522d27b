package io.tapmixpanel.cli;

import io.tapmixpanel.singer.WholeLineOutput;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Entry point of the runnable jar: {@code bin/tap-mixpanel} runs this. */
public final class Main {
    /**
     * Set by bin/tap-mixpanel on the run that trains the class-data-sharing archive: a file to create when the run
     * succeeded, so that the next run keeps the archive this JVM writes as it exits (the launcher has exec'd the
     * JVM and cannot see its exit code).
     */
    static final String CDS_SUCCESS_PROPERTY = "tap-mixpanel.cds-success";

    private Main() {}

    public static void main(String[] args) {
        WholeLineOutput stdout = new WholeLineOutput(new FileOutputStream(FileDescriptor.out));
        ProcessStop.install(stdout);
        TargetWatch.start(stdout);
        int code = run(new Cli(stdout, System.getenv()), args);
        ProcessStop.exiting();
        String success = System.getProperty(CDS_SUCCESS_PROPERTY);
        if (code == 0 && success != null) {
            try {
                Files.write(Path.of(success), new byte[0]);
            } catch (IOException | RuntimeException e) {
                // no archive for this build then; the next run trains again
            }
        }
        System.exit(code);
    }

    /** {@link Cli#run}, with an Error (out of memory...) one CRITICAL line too instead of the JVM's stack trace. */
    static int run(Cli cli, String[] args) {
        try {
            return cli.run(args);
        } catch (Error e) {
            return ErrorReport.handle(e).code();
        }
    }
}
