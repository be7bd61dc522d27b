package io.tapmixpanel.mixpanel.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.tapmixpanel.mixpanel.Credentials;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.mixpanel.PaymentRequiredException;
import io.tapmixpanel.log.Log;
import java.util.Locale;

/**
 * Turns a final (non-retried) HTTP error into an exception whose message tells the user what to fix, naming
 * the tap's config keys ({@code project_timezone}, {@code api_secret}, {@code region}, {@code project_id});
 * and a 2xx answer that is not what the endpoint documents into one that names the request.
 */
public final class ApiErrors {
    static final int MAX_MESSAGE = 500;

    private ApiErrors() {}

    static MixpanelApiException forStatus(ApiRequest req, int status, String apiMessage, Credentials credentials) {
        String request = req.describe();
        String said = apiMessage.isEmpty() ? "" : ": " + apiMessage;
        String lower = apiMessage.toLowerCase(Locale.ROOT);
        String message;
        switch (status) {
            case 400 -> {
                if (lower.contains("to_date cannot be later than today")) {
                    String toDate = req.param("to_date").or(() -> req.param("toDate")).orElse("?");
                    message = "Mixpanel says to_date " + toDate + " is later than today in the project's timezone: "
                            + "set project_timezone to the project's timezone (Project Settings) or use an earlier "
                            + "end_date (HTTP 400 from " + request + said + ")";
                } else if (lower.contains("unable to authenticate")) {
                    message = credentialsRefused(req, 400, credentials) + said;
                } else {
                    message = "HTTP 400 from " + request + said;
                }
            }
            case 401 -> message = credentialsRefused(req, 401, credentials) + said;
            case 402 -> {
                return new PaymentRequiredException("HTTP 402 from " + request
                        + ": the project's Mixpanel plan does not include this API" + said, apiMessage, request);
            }
            case 403 -> message = "HTTP 403 from " + request + ": the " + credentials.describe()
                    + " has no access to " + project(credentials) + " or to this resource; check project_id and the "
                    + "account's role in that project" + said;
            default -> message = "HTTP " + status + " from " + request + said;
        }
        return new MixpanelApiException(message, status, apiMessage, request);
    }

    /** A 2xx response whose body is not what the endpoint documents ({@code what} says how). */
    public static MixpanelApiException unexpected(ApiRequest req, String what) {
        return new MixpanelApiException(req.label() + ": unexpected response from " + req.describe() + ": " + what,
                200, "", req.describe());
    }

    /** The thread was interrupted (the sync is being cancelled) while {@code req} waited or ran. */
    static MixpanelApiException interrupted(ApiRequest req, Exception e) {
        return new MixpanelApiException(req.label() + ": interrupted", 0, "", req.describe(), e);
    }

    private static String credentialsRefused(ApiRequest req, int status, Credentials credentials) {
        return "HTTP " + status + " from " + req.host() + ": the credentials (" + credentials.describe()
                + ") were refused; check api_secret / service_account_username+service_account_secret and that "
                + "`region` (US/EU/IN) matches the project's data residency (request: " + req.describe() + ")";
    }

    private static String project(Credentials credentials) {
        return credentials.knownProjectId().isPresent()
                ? "project " + credentials.knownProjectId().getAsLong()
                : "the project";
    }

    /**
     * Mixpanel's error text from a body: the {@code error} field of {@code {"request":..,"error":..}} or
     * {@code {"status":"error","error":..}}, else the plain text; whitespace collapsed, configured secrets
     * redacted, long bodies truncated.
     */
    static String errorText(String body) {
        String text = body.strip();
        if (text.startsWith("{") || text.startsWith("\"")) {
            try {
                JsonNode n = MixpanelJson.MAPPER.readTree(text);
                if (n != null && n.isObject()) {
                    JsonNode err = n.get("error");
                    if (err == null) err = n.get("message");
                    if (err != null) text = err.isTextual() ? err.asText() : err.toString();
                } else if (n != null && n.isTextual()) {
                    text = n.asText();
                }
            } catch (Exception notJson) {
                // plain text that happens to start like JSON
            }
        }
        // Redacted before it is cut, so that a cut cannot leave the part of an echoed secret the log would not know
        text = Log.redact(text.replaceAll("\\s+", " ").strip());
        if (text.length() > MAX_MESSAGE) text = text.substring(0, MAX_MESSAGE) + "... (" + text.length() + " chars)";
        return text;
    }
}
