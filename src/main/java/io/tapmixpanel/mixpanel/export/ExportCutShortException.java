package io.tapmixpanel.mixpanel.export;

import io.tapmixpanel.mixpanel.MixpanelApiException;

/**
 * A splittable export window whose body was cut short (terminated early, truncated, reset) on
 * {@link io.tapmixpanel.mixpanel.ExportQuery#CUTS_BEFORE_SPLIT} attempts: the caller fetches its halves instead (docs/streams.md "Streams").
 */
public class ExportCutShortException extends MixpanelApiException {
    private static final long serialVersionUID = 1L;

    public ExportCutShortException(String message, String request, Throwable cause) {
        super(message, 0, "", request, cause);
    }
}
