package io.embedstream.dev.registry;

/** A request that the embedded registry answers with a Confluent error body. Internal to the HTTP front. */
final class ApiError extends RuntimeException {
    private final int status;
    private final int errorCode;

    ApiError(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    int status() {
        return status;
    }

    int errorCode() {
        return errorCode;
    }
}
