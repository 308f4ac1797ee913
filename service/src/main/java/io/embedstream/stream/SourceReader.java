package io.embedstream.stream;

import java.util.Map;
import java.util.SortedSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads input records again by offset, for the entries of the durable buffer that a restarted task restores
 * ({@link DurableBuffer} stores only references). Implementations are thread-safe.
 */
public interface SourceReader extends AutoCloseable {

    /**
     * The records at {@code offsets} of one partition, by offset. An offset whose record is no longer in the
     * topic (deleted by retention, or compacted away) is absent from the result.
     *
     * @throws org.apache.kafka.common.KafkaException when the broker cannot be read (an infrastructure fault)
     */
    Map<Long, ConsumerRecord<byte[], byte[]>> read(TopicPartition partition, SortedSet<Long> offsets);

    @Override
    void close();
}
