package io.embedstream.failure;

import java.util.Objects;

/**
 * Why one record could not be enriched: what the dead-letter headers carry. An immutable value.
 *
 * @param reason     the machine-readable reason; its {@link FailureReason#name()} is the header value
 * @param errorClass the class that reported it (an exception, or {@link ImageFailure} for an image)
 * @param message    what was wrong and what was expected
 */
public record RecordFailure(FailureReason reason, String errorClass, String message) {
    public RecordFailure {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(errorClass, "errorClass");
    }

    /** The failure {@code e} reported; its message, or its simple class name when it has none. */
    public static RecordFailure of(FailureReason reason, Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new RecordFailure(reason, e.getClass().getName(), message);
    }

    /** An image that failed to fetch or decode; the error class is {@link ImageFailure}. */
    public static RecordFailure of(ImageFailure failure) {
        return new RecordFailure(failure.reason(), ImageFailure.class.getName(), failure.message());
    }
}
