package io.tapmixpanel.cli;

/** Entry point of the runnable jar: {@code bin/tap-mixpanel} runs this. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = new Cli(new java.io.FileOutputStream(java.io.FileDescriptor.out), System.getenv()).run(args);
        System.exit(code);
    }
}
