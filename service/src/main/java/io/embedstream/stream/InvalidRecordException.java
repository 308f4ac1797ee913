package io.embedstream.stream;

/**
 * A record that cannot be enriched because of its content. It is dead-lettered; the stream goes on.
 * Infrastructure faults must not use this type: they fail loudly instead.
 */
public class InvalidRecordException extends RuntimeException {

    public static final String UNDECODABLE = "UNDECODABLE";
    public static final String WRONG_DIMENSION = "WRONG_DIMENSION";
    public static final String NON_FINITE = "NON_FINITE";
    public static final String MODEL_REJECTED = "MODEL_REJECTED";
    public static final String RECORD_TOO_LARGE = "RECORD_TOO_LARGE";
    public static final String OUTPUT_TOO_LARGE = "OUTPUT_TOO_LARGE";
    public static final String OUTPUT_NOT_ENCODABLE = "OUTPUT_NOT_ENCODABLE";
    public static final String SOURCE_RECORD_UNAVAILABLE = "SOURCE_RECORD_UNAVAILABLE";

    private final String reason;

    public InvalidRecordException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public InvalidRecordException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Machine-readable reason; see the constants. */
    public String reason() {
        return reason;
    }
}
