package io.embedstream.stream;

/**
 * The record sizes the service can write, worked out at start-up from the configuration and the topics, so
 * that a record that does not fit is dead-lettered (or its dead letter trimmed) by the processor, before the
 * producer would fail on it. A producer failure about one record's size would otherwise abort the transaction
 * and stop the instance on every restart.
 *
 * @param maxInputBytes      {@code input.max-record-bytes}: larger input records are dead-lettered unread
 *                           ({@code RECORD_TOO_LARGE})
 * @param maxOutputBytes     the largest output record the output topic and the producer take
 *                           (larger: {@code OUTPUT_TOO_LARGE})
 * @param maxDeadLetterBytes the largest dead-letter record the dead-letter topic and the producer take; a dead
 *                           letter whose original value is larger carries the headers only
 */
public record RecordLimits(int maxInputBytes, int maxOutputBytes, int maxDeadLetterBytes) {

    /** Room for a record's framing in a produce request (record batch header, varints, timestamp). */
    public static final int RECORD_OVERHEAD_BYTES = 512;

    public RecordLimits {
        if (maxInputBytes < 1 || maxOutputBytes < 1 || maxDeadLetterBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxInputBytes + ", " + maxOutputBytes
                    + ", " + maxDeadLetterBytes);
        }
    }

    /** No practical limit: for tests and tools that do not talk to a broker. */
    public static RecordLimits unlimited() {
        return new RecordLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }
}
