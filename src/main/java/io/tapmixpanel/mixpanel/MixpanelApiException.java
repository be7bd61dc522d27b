package io.tapmixpanel.mixpanel;

/**
 * Mixpanel refused a request, or it kept failing until the retries ran out. The message is meant for the
 * user (it names the config keys to check); {@link #request()} is the method and path with its query, which
 * never carries a secret (credentials travel in the Authorization header only).
 */
public class MixpanelApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String apiMessage;
    private final String request;

    /**
     * @param status     the HTTP status, or 0 when there was no HTTP answer (connection failures, cut-short bodies)
     * @param apiMessage Mixpanel's own error text (the {@code error} field of a JSON body, or the plain text), or ""
     * @param request    method, path and query, e.g. {@code GET /api/2.0/export?from_date=...}
     */
    public MixpanelApiException(String message, int status, String apiMessage, String request, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.apiMessage = apiMessage == null ? "" : apiMessage;
        this.request = request == null ? "" : request;
    }

    public MixpanelApiException(String message, int status, String apiMessage, String request) {
        this(message, status, apiMessage, request, null);
    }

    /** The HTTP status, or 0 when no HTTP status applies. */
    public int status() { return status; }

    /** Mixpanel's error text, or "". */
    public String apiMessage() { return apiMessage; }

    /** Method, path and query of the failed request (never secrets). */
    public String request() { return request; }

    /** The path of the failed request ({@code /api/2.0/engage/revenue}), or "" when unknown. */
    public String path() {
        String s = request;
        int space = s.indexOf(' ');
        if (space >= 0) s = s.substring(space + 1);
        int q = s.indexOf('?');
        return q >= 0 ? s.substring(0, q) : s;
    }

    /** Mixpanel refused the credentials (401, or 400 "Unable to authenticate request"): no request can succeed. */
    public boolean credentialsRefused() {
        return status == 401 || (status == 400 && apiMessage.toLowerCase(java.util.Locale.ROOT).contains("unable to authenticate"));
    }
}
