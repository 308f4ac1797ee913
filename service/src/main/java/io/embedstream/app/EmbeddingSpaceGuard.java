package io.embedstream.app;

import io.embedstream.config.ConfigException;
import io.embedstream.config.KafkaClientProperties;
import io.embedstream.stream.EmbeddingSpace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up check that an output topic stays in one embedding space: it reads the last record of each output
 * partition (a plain consumer without a group: {@code assign}, then {@code seek} near the end, with
 * {@code read_committed}, so that aborted outputs do not count) and compares its
 * {@value EmbeddingSpace#ID_HEADER} header with the space this instance would write in. When one was written in
 * another space (another model, layer, pooling or normalisation), mixing would leave a topic of vectors that cannot
 * be compared with each other (e.g. 16-d vectors of {@code dense_760} among 8-d ones of {@code dense_761}), so start-up
 * fails with a {@link ConfigException} (exit status 2: it is fixed by configuration) that names both, unless
 * {@code output.allow-space-change} is set, which logs a warning instead.
 *
 * <p>Records without the header (written by an embedstream from before the header, or by another producer) say
 * nothing about their space and do not block start-up. Under exactly-once the newest offsets of a partition are
 * often transaction markers, not records: the check reads backwards in growing windows until it finds a record or
 * has looked at {@value #MAX_WINDOW} offsets. Stateless; the consumer it opens is closed before it returns.
 */
final class EmbeddingSpaceGuard {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingSpaceGuard.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_WINDOW = 4096;

    /** The space of the last record of one partition. */
    record Found(TopicPartition partition, long offset, String id, String description) {}

    private EmbeddingSpaceGuard() {}

    /**
     * @throws ConfigException       when a partition's last record is of another space and {@code allowChange} is off
     * @throws IllegalStateException when the cluster cannot be read within the timeout
     */
    static void check(Map<String, String> kafka, String topic, EmbeddingSpace space, boolean allowChange) {
        List<Found> others = new ArrayList<>();
        int headerless = 0;
        int empty = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            Map<TopicPartition, ConsumerRecord<byte[], byte[]>> lastRecords = lastRecords(consumer, partitions);
            empty = partitions.size() - lastRecords.size();
            for (ConsumerRecord<byte[], byte[]> last : lastRecords.values()) {
                Optional<String> id = EmbeddingSpace.idOf(last.headers());
                if (id.isEmpty()) {
                    headerless++;
                } else if (!id.get().equals(space.id())) {
                    others.add(new Found(new TopicPartition(last.topic(), last.partition()), last.offset(), id.get(),
                            EmbeddingSpace.descriptionOf(last.headers()).orElse("(no description header)")));
                }
            }
        } catch (KafkaException e) {
            throw new IllegalStateException("cannot read the last records of output topic '" + topic + "' on "
                    + kafka.get("bootstrap.servers") + " to check its embedding space: " + e.getMessage(), e);
        }
        if (headerless > 0) {
            LOG.info("Output topic {}: the last record of {} partition(s) has no {} header (written before the header"
                    + " existed, or by another producer); it does not block start-up", topic, headerless,
                    EmbeddingSpace.ID_HEADER);
        }
        if (others.isEmpty()) {
            LOG.info("Output topic {} is in embedding space {} ({}) or empty ({} empty partition(s))", topic, space.id(),
                    space.describe(), empty);
            return;
        }
        Found first = others.get(0);
        String message = "output topic '" + topic + "' was written in another embedding space: its last record in "
                + others.size() + " partition(s) (e.g. " + first.partition() + " at offset " + first.offset()
                + ") is in space " + first.id() + " (" + first.description() + "), but this configuration writes"
                + " space " + space.id() + " (" + space.describe() + "). Embeddings of different spaces cannot be"
                + " compared, so mixing them in one topic corrupts it for its readers. Write to another output"
                + " topic, go back to the model, layer, pooling and normalisation above, or set"
                + " output.allow-space-change: true to start anyway";
        if (!allowChange) {
            throw new ConfigException(message);
        }
        LOG.warn("{} (output.allow-space-change is true: starting)", message.substring(0,
                message.indexOf(". Embeddings of")));
    }

    /**
     * The last record that read_committed sees of each partition (absent: none), reading backwards from the end in
     * growing windows; all partitions at once, so that a topic of many partitions costs a few round trips, not a few
     * per partition.
     */
    static Map<TopicPartition, ConsumerRecord<byte[], byte[]>> lastRecords(KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> partitions) {
        Map<TopicPartition, ConsumerRecord<byte[], byte[]>> found = new HashMap<>();
        if (partitions.isEmpty()) {
            return found;
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT); // last stable offsets (read_committed)
        List<TopicPartition> pending = partitions.stream().filter(tp -> end.get(tp) > begin.get(tp)).toList();
        long window = 4;
        while (!pending.isEmpty()) {
            consumer.assign(pending);
            Map<TopicPartition, Long> from = new HashMap<>();
            for (TopicPartition tp : pending) {
                from.put(tp, Math.max(begin.get(tp), end.get(tp) - window));
                consumer.seek(tp, from.get(tp));
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (pending.stream().anyMatch(tp -> consumer.position(tp, TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading the last " + window + " offsets of " + pending
                            + " took longer than " + TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < end.get(tp)) {
                        found.put(tp, r);
                    }
                }
            }
            long tried = window;
            // Partitions whose window held only transaction markers look further back, up to MAX_WINDOW offsets.
            pending = pending.stream()
                    .filter(tp -> !found.containsKey(tp) && from.get(tp) > begin.get(tp) && tried < MAX_WINDOW).toList();
            window = Math.min(window * 8, MAX_WINDOW);
        }
        return found;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, String> kafka) {
        Properties props = KafkaClientProperties.consumer(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "embedstream-space-check");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10"); // it reads bounded ranges: no point waiting for more
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
