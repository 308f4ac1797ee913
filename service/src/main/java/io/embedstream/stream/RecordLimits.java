package io.embedstream.stream;

import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The records the service can write, worked out at start-up from the configuration and the topics, so that a record
 * the producer or broker would refuse is dead-lettered (or its dead letter adapted) by the processor, before it is
 * sent. A refused send would otherwise abort the transaction and stop the stream thread on every attempt (see
 * {@link ProducerRejections} for what is left to the producer's report).
 *
 * @param maxInputBytes      {@code input.max-record-bytes}: larger input records are dead-lettered unread
 *                           ({@code RECORD_TOO_LARGE})
 * @param maxOutputBytes     the largest output record the output topic and the producer take
 *                           (larger: {@code OUTPUT_TOO_LARGE})
 * @param maxDeadLetterBytes the largest dead-letter record the dead-letter topic and the producer take; a dead
 *                           letter whose original value is larger carries the headers only
 * @param output             what else the output topic refuses (missing keys, timestamps)
 * @param deadLetter         what else the dead-letter topic refuses; dead letters are adapted to it
 */
public record RecordLimits(int maxInputBytes, int maxOutputBytes, int maxDeadLetterBytes, TopicRules output,
        TopicRules deadLetter) {

    /** Room for a record's framing in a produce request (record batch header, varints, timestamp). */
    public static final int RECORD_OVERHEAD_BYTES = 512;
    /** Room for one header's framing (two length varints) beyond its key and value. */
    static final int HEADER_OVERHEAD_BYTES = 10;

    public RecordLimits {
        if (maxInputBytes < 1 || maxOutputBytes < 1 || maxDeadLetterBytes < 1) {
            throw new IllegalArgumentException("limits must be positive: " + maxInputBytes + ", " + maxOutputBytes
                    + ", " + maxDeadLetterBytes);
        }
        output = output == null ? TopicRules.ANY : output;
        deadLetter = deadLetter == null ? TopicRules.ANY : deadLetter;
    }

    /** Size limits only; the topics take any key and timestamp. */
    public RecordLimits(int maxInputBytes, int maxOutputBytes, int maxDeadLetterBytes) {
        this(maxInputBytes, maxOutputBytes, maxDeadLetterBytes, TopicRules.ANY, TopicRules.ANY);
    }

    /** No practical limit: for tests and tools that do not talk to a broker. */
    public static RecordLimits unlimited() {
        return new RecordLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * An upper bound of the bytes a record takes in a produce request (what the producer compares with
     * {@code max.request.size}, and the broker, as a batch of one, with {@code max.message.bytes}).
     */
    public static long sizeOf(byte[] key, byte[] value, Headers headers) {
        return sizeOf(key, value, headers, List.of());
    }

    /**
     * The same for a record that carries {@code added} besides {@code headers} (an upper bound also when an added
     * header replaces one of the same key).
     */
    public static long sizeOf(byte[] key, byte[] value, Headers headers, List<Header> added) {
        long size = RECORD_OVERHEAD_BYTES + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        if (headers != null) {
            for (Header h : headers) {
                size += sizeOf(h);
            }
        }
        for (Header h : added) {
            size += sizeOf(h);
        }
        return size;
    }

    private static long sizeOf(Header h) {
        return HEADER_OVERHEAD_BYTES + utf8Length(h.key()) + (h.value() == null ? 0 : h.value().length);
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }
}
