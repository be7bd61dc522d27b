package io.tapmixpanel.cli;

/** Entry point of the runnable jar: {@code bin/tap-mixpanel} runs this. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(new Cli(new java.io.FileOutputStream(java.io.FileDescriptor.out), System.getenv()), args));
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
