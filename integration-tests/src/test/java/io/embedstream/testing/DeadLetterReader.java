package io.embedstream.testing;

import io.embedstream.stream.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

/**
 * Reads a dead-letter topic in the background, group-less from the start, and keeps every dead letter by its key
 * (the input record's key). Close it to stop the thread.
 */
public final class DeadLetterReader implements AutoCloseable {

    /** One dead letter: its headers, and the size of its value (-1 for none). */
    public record DeadLetter(Headers headers, int valueSize) {
        public String header(String key) {
            return DeadLetterHeaders.get(headers, key);
        }
    }

    private final Map<String, List<DeadLetter>> byKey = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public DeadLetterReader(String bootstrap, String topic, int partitions, IsolationLevel isolation) {
        thread = new Thread(() -> {
            try (Consumer<byte[], byte[]> consumer = KafkaTestClients.consumer(bootstrap, isolation)) {
                List<TopicPartition> tps = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    tps.add(new TopicPartition(topic, p));
                }
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                        byKey.computeIfAbsent(String.valueOf(key), k -> new CopyOnWriteArrayList<>())
                                .add(new DeadLetter(r.headers(), r.value() == null ? -1 : r.value().length));
                    }
                }
            }
        }, "dead-letter-reader-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    /** Dead letters by the input record's key ({@code "null"} for records without one). */
    public Map<String, List<DeadLetter>> byKey() {
        return Map.copyOf(byKey);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
