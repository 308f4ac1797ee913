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
}
