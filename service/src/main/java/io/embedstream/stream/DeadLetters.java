package io.embedstream.stream;

import io.embedstream.failure.RecordFailure;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Builds the dead-letter record for one input record: its original key, value, timestamp and headers plus the
 * provenance headers ({@link DeadLetterHeaders}). A dead letter must always be writable, whatever the input, so it
 * is adapted to what the dead-letter topic takes ({@link RecordLimits}):
 * <ul>
 *   <li>when the original would not fit (the topic's or the producer's limit), the value is left out and headers
 *       say so and give its size (the input topic still holds it, at the offset in the headers); if even the key
 *       and the original headers do not fit, they are left out too;</li>
 *   <li>a timestamp the topic refuses is replaced by the current time (the original is in a header);</li>
 *   <li>a compacted topic gets {@code topic-partition@offset} as the key of a record that has none.</li>
 * </ul>
 * A minimal dead letter (after the producer refused a full one) carries the provenance headers only. Stateless.
 */
final class DeadLetters {

    private DeadLetters() {}

    /** The dead letter of {@code source}, adapted to {@code limits.deadLetter()} as of {@code nowMs}. */
    static Record<byte[], byte[]> of(PendingRecord source, RecordFailure failure, RecordLimits limits, long nowMs,
            boolean minimal) {
        Headers headers = DeadLetterHeaders.build(minimal ? null : source.headers(), source.topic(), source.partition(),
                source.offset(), failure);
        int maxBytes = limits.maxDeadLetterBytes();
        byte[] key = minimal ? null : source.key();
        byte[] value = minimal ? null : source.value();
        int valueSize = source.value() == null ? 0 : source.value().length;
        if (RecordLimits.sizeOf(key, value, headers) > maxBytes) {
            value = null;
            if (RecordLimits.sizeOf(key, null, headers) + 128 > maxBytes) {
                // The key and the original headers are too large as well: keep only the provenance.
                headers = DeadLetterHeaders.build(new RecordHeaders(), source.topic(), source.partition(),
                        source.offset(), failure);
                key = null;
            }
        }
        if (value == null && source.value() != null) {
            DeadLetterHeaders.add(headers, DeadLetterHeaders.VALUE_OMITTED, "true");
            DeadLetterHeaders.add(headers, DeadLetterHeaders.ORIGINAL_SIZE, Integer.toString(valueSize));
        }
        long timestamp = source.timestamp();
        if (minimal || !limits.deadLetter().acceptsTimestamp(timestamp, nowMs)) {
            DeadLetterHeaders.add(headers, DeadLetterHeaders.ORIGINAL_TIMESTAMP, Long.toString(timestamp));
            timestamp = nowMs;
        }
        if (!limits.deadLetter().acceptsKey(key)) {
            key = source.coordinates().getBytes(StandardCharsets.UTF_8);
        }
        return new Record<>(key, value, timestamp, headers);
    }

    /** The input record a dead letter was written for, from its provenance headers; null if they are missing. */
    static ProducerRejections.Source sourceOf(Headers headers) {
        String topic = DeadLetterHeaders.get(headers, DeadLetterHeaders.TOPIC);
        String partition = DeadLetterHeaders.get(headers, DeadLetterHeaders.PARTITION);
        String offset = DeadLetterHeaders.get(headers, DeadLetterHeaders.OFFSET);
        if (topic == null || partition == null || offset == null) {
            return null;
        }
        try {
            return new ProducerRejections.Source(topic, Integer.parseInt(partition), Long.parseLong(offset));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
