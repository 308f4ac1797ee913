package io.embedstream.stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * The timestamp of an input record, which its output and dead letter keep: the record's own, or, for a record
 * without a valid one (negative, as clients that are not Java may write, or older message formats' "no
 * timestamp"), the partition's time so far, else the current time. Kafka Streams' default extractor stops the
 * stream thread on such a record instead, on every restart. Stateless and thread-safe.
 */
public final class InputTimestamps implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.timestamp() >= 0) {
            return record.timestamp();
        }
        return partitionTime >= 0 ? partitionTime : System.currentTimeMillis();
    }
}
