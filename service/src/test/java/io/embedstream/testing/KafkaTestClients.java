package io.embedstream.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;

/**
 * Plain byte[] producers and consumers for tests. Every method that opens a client closes it
 * before returning, except {@link #producer} and {@link #consumer}, whose clients belong to the
 * caller (use try-with-resources).
 */
public final class KafkaTestClients {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private KafkaTestClients() {
    }

    /** Producer settings: acks=all, idempotent, byte[] key and value. */
    public static Map<String, Object> producerConfig(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // One request in flight: a retried first batch can never land behind a later one (tests produce to
        // topics created moments before, where the first batch may meet NOT_LEADER_OR_FOLLOWER).
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return config;
    }

    /**
     * Consumer settings without a group (for {@code assign}), reading from the earliest offset,
     * never auto-creating topics.
     */
    public static Map<String, Object> consumerConfig(String bootstrapServers, IsolationLevel isolation) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.name().toLowerCase(Locale.ROOT));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return config;
    }

    /** A new producer with {@link #producerConfig}; the caller closes it. */
    public static Producer<byte[], byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(producerConfig(bootstrapServers));
    }

    /** A new group-less consumer with {@link #consumerConfig}; the caller closes it. */
    public static Consumer<byte[], byte[]> consumer(String bootstrapServers, IsolationLevel isolation) {
        return new KafkaConsumer<>(consumerConfig(bootstrapServers, isolation));
    }

    /** Sends the records in order and waits until the broker has acknowledged every one. */
    public static void produce(String bootstrapServers, String topic, List<KeyValue<byte[], byte[]>> records) {
        try (Producer<byte[], byte[]> producer = producer(bootstrapServers)) {
            for (KeyValue<byte[], byte[]> record : records) {
                sendAndWait(producer, new ProducerRecord<>(topic, record.key, record.value));
            }
        }
    }

    /** {@link #produce} with null keys and the given UTF-8 values. */
    public static void produceValues(String bootstrapServers, String topic, String... values) {
        List<KeyValue<byte[], byte[]>> records = new ArrayList<>();
        for (String value : values) {
            records.add(KeyValue.pair(null, bytes(value)));
        }
        produce(bootstrapServers, topic, records);
    }

    /** Sends one record and waits for its acknowledgement. */
    public static void sendAndWait(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
        try {
            producer.send(record).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Sending to " + record.topic() + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Sending to " + record.topic() + " was not acknowledged within " + SEND_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending to " + record.topic(), e);
        }
    }

    /**
     * Reads {@code topic} from the beginning of all its partitions, without a consumer group,
     * until at least {@code count} records have arrived, and returns all it read (more than
     * {@code count} if the last poll brought more, so tests can spot duplicates).
     *
     * @throws AssertionError if fewer than {@code count} arrive within {@code timeout}
     */
    public static List<ConsumerRecord<byte[], byte[]>> consume(String bootstrapServers, String topic, int count,
                                                               Duration timeout, IsolationLevel isolation) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Consumer<byte[], byte[]> consumer = consumer(bootstrapServers, isolation)) {
            List<TopicPartition> partitions = awaitPartitions(consumer, topic, deadline, timeout);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return pollAtLeast(consumer, count, deadline, timeout, topic);
        }
    }

    /** {@link #consume} with {@code read_committed}. */
    public static List<ConsumerRecord<byte[], byte[]>> consumeCommitted(String bootstrapServers, String topic,
                                                                        int count, Duration timeout) {
        return consume(bootstrapServers, topic, count, timeout, IsolationLevel.READ_COMMITTED);
    }

    /**
     * Polls an already assigned or subscribed consumer until at least {@code count} records
     * arrived; returns them all.
     *
     * @throws AssertionError if fewer than {@code count} arrive within {@code timeout}
     */
    public static List<ConsumerRecord<byte[], byte[]>> poll(Consumer<byte[], byte[]> consumer, int count,
                                                            Duration timeout) {
        return pollAtLeast(consumer, count, System.nanoTime() + timeout.toNanos(), timeout,
                consumer.assignment().toString());
    }

    /** The UTF-8 values of {@code records}, in order. */
    public static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> string(r.value())).toList();
    }

    public static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    public static String string(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> pollAtLeast(Consumer<byte[], byte[]> consumer, int count,
                                                                    long deadline, Duration timeout, String what) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        while (records.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }
        if (records.size() < count) {
            throw new AssertionError("Expected at least " + count + " records from " + what + " within "
                    + timeout + " but got " + records.size() + ": " + values(records));
        }
        return records;
    }

    private static List<TopicPartition> awaitPartitions(Consumer<byte[], byte[]> consumer, String topic,
                                                        long deadline, Duration timeout) {
        while (System.nanoTime() < deadline) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            }
            sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("Topic " + topic + " did not appear within " + timeout);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
