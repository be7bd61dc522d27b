package io.tapmixpanel.mixpanel;

/**
 * HTTP 402: the project's Mixpanel plan does not include this API (free plans: engage, events/properties/top,
 * cohorts, funnels, annotations). Streams skip on it with a warning; it must never fail the whole run.
 */
public class PaymentRequiredException extends MixpanelApiException {
    private static final long serialVersionUID = 1L;
    public PaymentRequiredException(String message, String apiMessage, String request) {
        super(message, 402, apiMessage, request);
    }
}
