package io.embedstream.failure;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * Why one image failed, in fetching or in decoding: a machine-readable reason plus a message for people. It lives
 * here because the fetcher and the decoder both produce it, and the decoder (pure pixel work) should not need the
 * fetching code for its failure type. An immutable value.
 *
 * @param reason     what kind of failure
 * @param source     the URI as given (credentials removed), or a description of inline bytes
 * @param httpStatus the last HTTP status, when an HTTP answer was involved
 * @param message    names the image, what was wrong and what was expected, e.g. "image http://h/a.png has
 *                   50000000 pixels (10000x5000); the limit is image.max-pixels=40000000"
 */
public record ImageFailure(FailureReason reason, String source, OptionalInt httpStatus, String message) {
    public ImageFailure {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(httpStatus, "httpStatus");
        Objects.requireNonNull(message, "message");
    }

    public static ImageFailure of(FailureReason reason, String source, String message) {
        return new ImageFailure(reason, source, OptionalInt.empty(), message);
    }

    public static ImageFailure http(FailureReason reason, String source, int status, String message) {
        return new ImageFailure(reason, source, OptionalInt.of(status), message);
    }

    /** The same failure with more text at the end of the message. */
    public ImageFailure withSuffix(String suffix) {
        return new ImageFailure(reason, source, httpStatus, message + suffix);
    }

    @Override
    public String toString() {
        return reason + (httpStatus.isPresent() ? " " + httpStatus.getAsInt() : "") + ": " + message;
    }
}
