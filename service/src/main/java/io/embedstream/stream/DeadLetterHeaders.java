package io.embedstream.stream;

import io.embedstream.failure.RecordFailure;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a dead-letter record. The record keeps its original key, value and headers; these
 * are added (as UTF-8 strings) so that the record can be traced and replayed.
 */
public final class DeadLetterHeaders {
    public static final String PREFIX = "embedstream.error.";
    public static final String TOPIC = PREFIX + "topic";
    public static final String PARTITION = PREFIX + "partition";
    public static final String OFFSET = PREFIX + "offset";
    public static final String REASON = PREFIX + "reason";
    public static final String CLASS = PREFIX + "class";
    public static final String MESSAGE = PREFIX + "message";
    /** {@code true} when the dead letter carries no value because the original did not fit the dead-letter topic. */
    public static final String VALUE_OMITTED = PREFIX + "value-omitted";
    /** The size in bytes of the original value, when it was omitted. */
    public static final String ORIGINAL_SIZE = PREFIX + "original-size";
    /**
     * The original record's timestamp, when the dead letter carries the time it was written instead (the
     * dead-letter topic would have refused the original timestamp, or the dead letter is a minimal one).
     */
    public static final String ORIGINAL_TIMESTAMP = PREFIX + "original-timestamp";

    private DeadLetterHeaders() {}

    /** A copy of {@code original} (minus earlier error headers) plus the provenance of this failure. */
    public static Headers build(Headers original, String topic, int partition, long offset, RecordFailure failure) {
        RecordHeaders headers = new RecordHeaders();
        if (original != null) {
            for (Header h : original) {
                if (!h.key().startsWith(PREFIX)) {
                    headers.add(h);
                }
            }
        }
        add(headers, TOPIC, topic);
        add(headers, PARTITION, Integer.toString(partition));
        add(headers, OFFSET, Long.toString(offset));
        add(headers, REASON, failure.reason().name());
        add(headers, CLASS, failure.errorClass());
        add(headers, MESSAGE, failure.message());
        return headers;
    }

    /** The value of a header as a string, or {@code null} when absent. */
    public static String get(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Adds one UTF-8 header. */
    static void add(Headers headers, String key, String value) {
        headers.add(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
