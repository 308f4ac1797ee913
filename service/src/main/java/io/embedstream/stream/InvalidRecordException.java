package io.embedstream.stream;

import io.embedstream.failure.FailureReason;
import java.util.Objects;

/**
 * A record that cannot be enriched because of its content. It is dead-lettered; the stream goes on.
 * Infrastructure faults must not use this type: they fail loudly instead.
 */
public class InvalidRecordException extends RuntimeException {

    private final FailureReason reason;

    public InvalidRecordException(FailureReason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public InvalidRecordException(FailureReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The machine-readable reason that goes into the dead-letter headers. */
    public FailureReason reason() {
        return reason;
    }
}
