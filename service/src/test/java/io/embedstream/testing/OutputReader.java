package io.embedstream.testing;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.SchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads an output topic in the background and keeps, per id, how many times it was seen and its
 * last embedding. Group-less, from the start of every partition. Close it to stop the thread.
 */
public final class OutputReader implements AutoCloseable {

    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final Map<String, float[]> embeddings = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();
    private final java.util.concurrent.ConcurrentSkipListMap<Long, Long> firstSeenByEmbeddedAt =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public OutputReader(String bootstrap, String topic, int partitions, IsolationLevel isolation, SchemaRegistry registry) {
        ConfluentAvroDeserializer<EnrichedRecord> deserializer =
                ConfluentAvroDeserializer.specific(registry, EnrichedRecord.class);
        thread = new Thread(() -> {
            try (Consumer<byte[], byte[]> consumer = KafkaTestClients.consumer(bootstrap, isolation)) {
                List<TopicPartition> tps = java.util.stream.IntStream.range(0, partitions)
                        .mapToObj(p -> new TopicPartition(topic, p)).toList();
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        EnrichedRecord e = deserializer.deserialize(topic, r.value());
                        counts.merge(e.getId(), 1, Integer::sum);
                        float[] v = new float[e.getEmbedding().size()];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = e.getEmbedding().get(i);
                        }
                        embeddings.put(e.getId(), v);
                        total.incrementAndGet();
                        firstSeenByEmbeddedAt.putIfAbsent(e.getEmbeddedAt().toEpochMilli(), System.currentTimeMillis());
                    }
                }
            }
        }, "output-reader-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    /** Records read, duplicates included. */
    public long total() {
        return total.get();
    }

    /**
     * When this reader first saw an output record that was embedded at or after {@code epochMs} (by its
     * {@code embeddedAt}, the wall-clock time the service enriched it), in epoch milliseconds; null if none yet.
     * With {@code read_committed} that is when the first output of an instance started at {@code epochMs} became
     * visible to consumers.
     */
    public Long firstSeenEmbeddedSince(long epochMs) {
        return firstSeenByEmbeddedAt.tailMap(epochMs, true).values().stream().min(Long::compare).orElse(null);
    }

    public int distinct() {
        return counts.size();
    }

    public Map<String, Integer> counts() {
        return Map.copyOf(counts);
    }

    public Map<String, float[]> embeddings() {
        return Map.copyOf(embeddings);
    }

    /** Polls {@code condition} every 100 ms; false on timeout. */
    public static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
