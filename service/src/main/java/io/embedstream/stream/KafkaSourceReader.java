package io.embedstream.stream;

import io.embedstream.config.KafkaClientProperties;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SourceReader} over a plain consumer without a group ({@code assign} + {@code seek}), created on first
 * use and shared by the stream threads of the instance (restores are rare, so calls are serialised). It reads
 * with the isolation level of the service's own consumer ({@code read_committed} under exactly-once), so it sees
 * exactly the records the stream thread saw. Thread-safe; the owner closes it after Kafka Streams.
 */
public final class KafkaSourceReader implements SourceReader {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSourceReader.class);

    private final Properties properties;
    private final Duration timeout;
    private KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param clientProperties the user's Kafka client properties (bootstrap servers, security), as for the service
     * @param isolationLevel   {@code read_committed} or {@code read_uncommitted}
     * @param timeout          how long one read may take before it is an infrastructure failure
     */
    public KafkaSourceReader(Map<String, String> clientProperties, String isolationLevel, Duration timeout) {
        this.properties = KafkaClientProperties.consumer(clientProperties);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "embedstream-source-reader");
        this.timeout = timeout;
    }

    @Override
    public synchronized Map<Long, ConsumerRecord<byte[], byte[]>> read(TopicPartition partition,
            SortedSet<Long> offsets) {
        Map<Long, ConsumerRecord<byte[], byte[]>> found = new HashMap<>();
        if (offsets.isEmpty()) {
            return found;
        }
        KafkaConsumer<byte[], byte[]> c = consumer();
        c.assign(List.of(partition));
        long first = offsets.first();
        long last = offsets.last();
        long start = c.beginningOffsets(List.of(partition), timeout).get(partition);
        long end = c.endOffsets(List.of(partition), timeout).get(partition);
        if (start > first) {
            LOG.warn("{} buffered record(s) of {} below offset {} were deleted from the input topic (retention) "
                    + "before they were processed", offsets.headSet(start).size(), partition, start);
        }
        long from = Math.max(first, start);
        if (from >= end || from > last) {
            return found;
        }
        c.seek(partition, from);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (c.position(partition, timeout) <= last && c.position(partition, timeout) < end) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("re-reading " + offsets.size() + " buffered record(s) of " + partition
                        + " (offsets " + first + ".." + last + ") took longer than " + timeout);
            }
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100)).records(partition)) {
                if (offsets.contains(r.offset())) {
                    found.put(r.offset(), r);
                }
            }
        }
        return found;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            try {
                consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            } catch (KafkaException e) {
                throw new KafkaException("cannot create the consumer that re-reads buffered input records: "
                        + e.getMessage(), e);
            }
        }
        return consumer;
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
            consumer = null;
        }
    }
}
