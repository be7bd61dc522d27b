package io.tapmixpanel.mixpanel.export;

import java.io.IOException;

/**
 * Receives the events of one export window as the client's byte scanner validates them, without any per-event
 * tree or string made by the client. One attempt is {@code beginAttempt}, then {@code onEvent} per event, then
 * either the normal return of {@link io.tapmixpanel.mixpanel.MixpanelClient#export} (the whole body was read) or {@code discardAttempt}
 * (the body was cut short or malformed: everything received since {@code beginAttempt} must be thrown away).
 * After a discard, either a new attempt begins or {@code export} throws.
 */
public interface ExportConsumer {

    /** Called when a 200 response starts, before its first event; attempt numbers grow (1, 2, ...) but may skip. */
    void beginAttempt(int attempt);

    /**
     * One event, whole and valid JSON (a view on the body's bytes, valid only during this call). An
     * {@link ExportSyntaxException} thrown here is the client's to classify like a bad body (e.g. a value out of
     * range). Any other exception ends the export: a RuntimeException as is, an IOException wrapped in
     * {@link java.io.UncheckedIOException}.
     */
    void onEvent(ExportEvent event) throws IOException;

    /**
     * The attempt begun last failed (cut short, reset, timed out, malformed): throw away its events. Called for
     * every failed attempt that had begun, even if no event had been delivered yet.
     */
    void discardAttempt(String reason);
}
