package io.tapmixpanel.cli;

/** A command-line mistake: exit 2 with one line. */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public UsageException(String message) { super(message); }
}
