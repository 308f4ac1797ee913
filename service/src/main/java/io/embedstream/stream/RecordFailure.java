package io.embedstream.stream;

/**
 * Why one record could not be enriched. Goes into the dead-letter headers.
 *
 * @param reason     machine-readable reason, e.g. {@code UNDECODABLE}, {@code WRONG_DIMENSION}, {@code NON_FINITE},
 *                   {@code MODEL_REJECTED}; image references add the fetch reasons ({@code NOT_FOUND}, ...)
 * @param errorClass the exception class that reported it
 * @param message    what was wrong and what was expected
 */
public record RecordFailure(String reason, String errorClass, String message) {

    public static RecordFailure of(InvalidRecordException e) {
        return new RecordFailure(e.reason(), e.getClass().getName(), e.getMessage());
    }

    public static RecordFailure of(String reason, Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new RecordFailure(reason, e.getClass().getName(), message);
    }
}
