package io.embedstream.serde;

/**
 * A record could not be encoded with its own Avro schema, for example because a required field is
 * {@code null} or holds a value of the wrong type. It is a bug in the code that built the record.
 */
public class RecordEncodingException extends RuntimeException {
    public RecordEncodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
