package io.embedstream.stream;

import org.apache.kafka.common.header.Headers;

/**
 * An input record as it was consumed: its original bytes and where it came from. Held in memory while the
 * record is buffered (for its output's key, timestamp and headers, and for a dead letter); the durable buffer
 * stores only its coordinates ({@link DurableBuffer}).
 */
public record PendingRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
        Headers headers) {

    /** topic-partition@offset, for log lines and error messages. */
    public String coordinates() {
        return topic + "-" + partition + "@" + offset;
    }

    /** The bytes this record takes in a produce request, roughly: key, value and headers. */
    public long sizeInBytes() {
        long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        if (headers != null) {
            for (var h : headers) {
                size += h.key().length() + (h.value() == null ? 0 : h.value().length);
            }
        }
        return size;
    }
}
