package io.tapmixpanel.mixpanel.export;

import java.io.IOException;

/**
 * Bytes of an export body that are not a valid sequence of JSON objects. {@code endOfInput}: the body ended
 * inside a record (a truncation, so the window is fetched again) rather than containing something invalid.
 * The client classifies it (cut short, terminated early, or malformed with its line); a consumer may throw it
 * too, for a value it cannot accept (e.g. an integer {@code time} out of range), naming {@link ExportEvent#line()}.
 */
public final class ExportSyntaxException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long line;
    private final boolean endOfInput;

    public ExportSyntaxException(String message, long line, boolean endOfInput) {
        super(message, null);
        this.line = line;
        this.endOfInput = endOfInput;
    }

    /** 1-based line of the body where the problem was found. */
    public long line() { return line; }

    public boolean endOfInput() { return endOfInput; }

    @Override
    public synchronized Throwable fillInStackTrace() { return this; }

    /** A byte as a message names it: the character when printable ASCII, else its hex value. */
    static String describe(byte b) {
        int c = b & 0xFF;
        return c >= 0x20 && c < 0x7F ? "'" + (char) c + "'" : String.format("byte 0x%02X", c);
    }
}
