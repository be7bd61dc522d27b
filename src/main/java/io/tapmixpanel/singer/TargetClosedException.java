package io.tapmixpanel.singer;

/**
 * The process reading our stdout (the Singer target) went away: a write or flush failed with a broken pipe.
 * Unchecked so that it crosses the record-writing loops untouched and ends the run with exit 1, one line, no
 * stack trace flood.
 */
public final class TargetClosedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public static final String MESSAGE = "the target closed its input (broken pipe)";

    public TargetClosedException(Throwable cause) {
        super(MESSAGE, cause);
    }
}
