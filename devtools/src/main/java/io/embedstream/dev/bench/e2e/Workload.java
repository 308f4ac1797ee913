package io.embedstream.dev.bench.e2e;

import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.bench.BenchRuns;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The input of one model: {@code FeatureRecord}s of the model's row length with random values, in the Confluent
 * wire format through the real registry client. A small pool of distinct rows is reused, so that memory stays
 * small for large rows. Produces them all at once (throughput runs) or at a fixed rate with the send time as event
 * time (latency runs). Not thread-safe.
 */
final class Workload {

    /** About how much heap the pool of distinct rows may take, as boxed floats (about 20 bytes each in a list). */
    private static final long POOL_BYTES = 64L << 20;
    private static final int BYTES_PER_BOXED_FLOAT = 20;

    private final ConfluentAvroSerializer<FeatureRecord> serializer;
    private final List<List<Float>> rows;
    private final String bootstrap;

    Workload(String bootstrap, String registryUrl, int rowLength) {
        this.bootstrap = bootstrap;
        this.serializer = new ConfluentAvroSerializer<>(new SchemaRegistryClient(RegistryConfig.of(registryUrl)), true);
        int distinct = (int) Math.max(4, Math.min(256, POOL_BYTES / ((long) BYTES_PER_BOXED_FLOAT * rowLength)));
        float[] values = BenchRuns.randomBatch(new long[] {distinct, rowLength}, new Random(7)).data();
        this.rows = new ArrayList<>(distinct);
        for (int r = 0; r < distinct; r++) {
            List<Float> row = new ArrayList<>(rowLength);
            for (int i = 0; i < rowLength; i++) {
                row.add(values[r * rowLength + i]);
            }
            rows.add(row);
        }
    }

    /** Record {@code i} of a topic, with an event time or none. */
    byte[] value(String topic, long i, Long eventTimeMs) {
        return serializer.serialize(topic, FeatureRecord.newBuilder().setId("r" + i).setFeatures(rows.get((int) (i % rows.size())))
                .setEventTime(eventTimeMs == null ? null : Instant.ofEpochMilli(eventTimeMs)).build());
    }

    /** Writes {@code count} records to the topic, spread evenly over its partitions, and waits for the acks. */
    void preload(String topic, int partitions, long count) {
        List<byte[]> values = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            values.add(value(topic, i, null));
        }
        Properties props = BenchRuns.producerProps(bootstrap);
        // Large enough for many small records, small enough that a batch of large ones stays under the broker's
        // default message.max.bytes (1 MiB).
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 << 10));
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (long i = 0; i < count && failure.get() == null; i++) {
                producer.send(new ProducerRecord<>(topic, (int) (i % partitions), key(i), values.get((int) (i % values.size()))),
                        (metadata, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("cannot write the input to " + topic + ": " + failure.get(), failure.get());
        }
    }

    private static byte[] key(long i) {
        return ("r" + i).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts writing records at {@code perSecond} on a thread of its own, round-robin over the partitions, each
     * with its send time as event time ({@code FeatureRecord.eventTime} and the record timestamp).
     */
    Paced paced(String topic, int partitions, double perSecond) {
        return new Paced(topic, partitions, perSecond);
    }

    /** A running fixed-rate producer; {@link #close()} stops it and waits for its acks. */
    final class Paced implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long sent;
        private volatile RuntimeException failure;

        private Paced(String topic, int partitions, double perSecond) {
            Properties props = BenchRuns.producerProps(bootstrap);
            props.put(ProducerConfig.LINGER_MS_CONFIG, "0"); // the event time is taken at send: no waiting after it
            this.producer = new KafkaProducer<>(props);
            this.thread = new Thread(() -> run(topic, partitions, perSecond), "e2e-paced-producer");
            thread.start();
        }

        private void run(String topic, int partitions, double perSecond) {
            long start = System.nanoTime();
            long i = 0;
            try {
                while (running) {
                    long due = (long) ((System.nanoTime() - start) / 1e9 * perSecond);
                    for (; i < due && running; i++) {
                        long now = System.currentTimeMillis();
                        producer.send(new ProducerRecord<>(topic, (int) (i % partitions), now, key(i),
                                value(topic, i, now)));
                        sent = i + 1;
                    }
                    LockSupport.parkNanos(500_000);
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        /** Records handed to the producer so far. */
        long sent() {
            if (failure != null) {
                throw new IllegalStateException("the paced producer failed: " + failure, failure);
            }
            return sent;
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            producer.close();
        }
    }
}
