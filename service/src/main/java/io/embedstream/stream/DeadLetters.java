package io.embedstream.stream;

import io.embedstream.failure.RecordFailure;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Builds the dead-letter record for one input record: its original key, value and headers plus the
 * provenance headers ({@link DeadLetterHeaders}). A dead letter must always be writable, whatever the input: when
 * the original would not fit {@code maxBytes} (the dead-letter topic's or the producer's limit), the value is
 * left out and headers say so and give its size (the input topic still holds it, at the offset in the headers);
 * if even the key and the original headers do not fit, they are left out too. Stateless.
 */
final class DeadLetters {

    private DeadLetters() {}

    static Record<byte[], byte[]> of(PendingRecord source, RecordFailure failure, int maxBytes) {
        Headers headers = DeadLetterHeaders.build(source.headers(), source.topic(), source.partition(),
                source.offset(), failure);
        int keySize = source.key() == null ? 0 : source.key().length;
        int valueSize = source.value() == null ? 0 : source.value().length;
        if (keySize + valueSize + headerBytes(headers) + RecordLimits.RECORD_OVERHEAD_BYTES <= maxBytes) {
            return new Record<>(source.key(), source.value(), source.timestamp(), headers);
        }
        byte[] key = source.key();
        if (keySize + headerBytes(headers) + RecordLimits.RECORD_OVERHEAD_BYTES + 128 > maxBytes) {
            // The key and the original headers are too large as well: keep only the provenance.
            headers = DeadLetterHeaders.build(new RecordHeaders(), source.topic(), source.partition(), source.offset(),
                    failure);
            key = null;
        }
        DeadLetterHeaders.add(headers, DeadLetterHeaders.VALUE_OMITTED, "true");
        DeadLetterHeaders.add(headers, DeadLetterHeaders.ORIGINAL_SIZE, Integer.toString(valueSize));
        return new Record<>(key, null, source.timestamp(), headers);
    }

    private static long headerBytes(Headers headers) {
        long size = 0;
        for (var h : headers) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }
}
