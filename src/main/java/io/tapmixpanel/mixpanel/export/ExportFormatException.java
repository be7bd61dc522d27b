package io.tapmixpanel.mixpanel.export;

import io.tapmixpanel.mixpanel.MixpanelApiException;
import java.time.LocalDate;

/**
 * An export body kept containing a line that is not a JSON object (and not a mere truncation), on every
 * attempt: names the window and the 1-based line number so the user can report or skip it.
 */
public class ExportFormatException extends MixpanelApiException {
    private static final long serialVersionUID = 1L;
    private final LocalDate from;
    private final LocalDate to;
    private final long line;

    public ExportFormatException(String message, LocalDate from, LocalDate to, long line, String request, Throwable cause) {
        super(message, 200, "", request, cause);
        this.from = from;
        this.to = to;
        this.line = line;
    }

    public LocalDate from() { return from; }

    public LocalDate to() { return to; }

    /** 1-based line of the body where the malformed record was found. */
    public long line() { return line; }
}
