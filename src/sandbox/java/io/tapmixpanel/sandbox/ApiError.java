package io.tapmixpanel.sandbox;

/** An error answered with the family's error body ({@link Responses#error}), e.g. 400 for a bad parameter. */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;

    ApiError(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }
}
