package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * Receives the events of one export window as they are parsed, without any per-event tree or string made by
 * the client. One attempt is {@code beginAttempt}, then {@code onEvent} per event, then either the normal return
 * of {@link MixpanelClient#export} (the whole body was read) or {@code discardAttempt} (the body was cut short or
 * malformed: everything received since {@code beginAttempt} must be thrown away). After a discard, either a new
 * attempt begins or {@code export} throws.
 */
public interface ExportConsumer {

    /** Called when a 200 response starts, before its first event; attempt numbers grow (1, 2, ...) but may skip. */
    void beginAttempt(int attempt);

    /**
     * {@code p} is on the START_OBJECT of one event; the consumer must consume exactly that object, leaving the
     * parser on its END_OBJECT (e.g. {@code p.skipChildren()}, a {@code nextToken()} loop, or
     * {@code generator.copyCurrentStructure(p)}). Parse errors thrown by {@code p} are the client's to classify:
     * let them propagate. Any other exception ends the export: a RuntimeException as is, an IOException wrapped in
     * {@link java.io.UncheckedIOException}.
     */
    void onEvent(JsonParser p) throws IOException;

    /**
     * The attempt begun last failed (cut short, reset, timed out, malformed): throw away its events. Called for
     * every failed attempt that had begun, even if no event had been delivered yet.
     */
    void discardAttempt(String reason);
}
