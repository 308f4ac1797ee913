package io.embedstream.dev.bench.e2e;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.config.RegistryConfig;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads an output topic from the beginning with {@code read_committed}, on a thread of its own, and keeps its
 * progress: after each poll that returned records, the time and the total count so far. With
 * {@link #measureLatencyFrom} it also decodes each record ({@code EnrichedRecord}, through the real registry
 * client) and keeps, for records whose event time is at or after the given instant, the event time, the latency to
 * {@code embeddedAt} and the latency to being read here. Thread-safe; the bench owns and closes it.
 */
final class OutputMeter implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ConfluentAvroDeserializer<EnrichedRecord> decoder;
    private final Thread thread;
    private final String topic;
    private long[] progressNanos = new long[1024];
    private long[] progressCounts = new long[1024];
    private int progressSize;
    private long count;
    private long latencyFromMs = Long.MAX_VALUE;
    private long[] eventTimes = new long[1024];
    private long[] toEmbedded = new long[1024];
    private long[] toRead = new long[1024];
    private int samples;
    private volatile RuntimeException failure;

    private OutputMeter(String bootstrap, String registryUrl, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.decoder = ConfluentAvroDeserializer.specific(new SchemaRegistryClient(RegistryConfig.of(registryUrl)),
                EnrichedRecord.class);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::run, "e2e-output-meter");
        thread.start();
    }

    static OutputMeter start(String bootstrap, String registryUrl, String topic) {
        return new OutputMeter(bootstrap, registryUrl, topic);
    }

    private void run() {
        try {
            while (true) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
                if (records.isEmpty()) {
                    continue;
                }
                long now = System.nanoTime();
                long nowMs = System.currentTimeMillis();
                synchronized (this) {
                    count += records.count();
                    if (progressSize == progressNanos.length) {
                        progressNanos = Arrays.copyOf(progressNanos, progressSize * 2);
                        progressCounts = Arrays.copyOf(progressCounts, progressSize * 2);
                    }
                    progressNanos[progressSize] = now;
                    progressCounts[progressSize++] = count;
                    if (latencyFromMs != Long.MAX_VALUE) {
                        for (ConsumerRecord<byte[], byte[]> r : records) {
                            sample(decoder.deserialize(topic, r.value()), nowMs);
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closed
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void sample(EnrichedRecord record, long nowMs) {
        if (record.getEventTime() == null || record.getEventTime().toEpochMilli() < latencyFromMs) {
            return;
        }
        if (samples == eventTimes.length) {
            eventTimes = Arrays.copyOf(eventTimes, samples * 2);
            toEmbedded = Arrays.copyOf(toEmbedded, samples * 2);
            toRead = Arrays.copyOf(toRead, samples * 2);
        }
        long eventTime = record.getEventTime().toEpochMilli();
        eventTimes[samples] = eventTime;
        toEmbedded[samples] = record.getEmbeddedAt().toEpochMilli() - eventTime;
        toRead[samples++] = nowMs - eventTime;
    }

    /** Records read so far. */
    synchronized long count() {
        check();
        return count;
    }

    /**
     * When the count first reached {@code records}: {@link System#nanoTime()} of that poll and the count then
     * ({@code >= records}); {@code null} if it has not yet.
     */
    synchronized long[] reached(long records) {
        check();
        int i = Arrays.binarySearch(progressCounts, 0, progressSize, records);
        int at = i >= 0 ? i : -i - 1;
        return at < progressSize ? new long[] {progressNanos[at], progressCounts[at]} : null;
    }

    /**
     * The last poll at which the count was at most {@code records} (the first poll if none was): its
     * {@link System#nanoTime()} and the count then; {@code null} before the first poll.
     */
    synchronized long[] before(long records) {
        check();
        if (progressSize == 0) {
            return null;
        }
        int i = Arrays.binarySearch(progressCounts, 0, progressSize, records);
        int at = i >= 0 ? i : Math.max(0, -i - 2);
        return new long[] {progressNanos[at], progressCounts[at]};
    }

    /** From now on, decode records and keep the latencies of those with an event time at or after {@code epochMs}. */
    synchronized void measureLatencyFrom(long epochMs) {
        latencyFromMs = epochMs;
    }

    /** The latencies (ms to embeddedAt, ms to being read here) of records with event times in {@code [from, to]}. */
    synchronized Latencies latencies(long fromMs, long toMs) {
        check();
        int n = 0;
        double[] embedded = new double[samples];
        double[] read = new double[samples];
        for (int i = 0; i < samples; i++) {
            if (eventTimes[i] >= fromMs && eventTimes[i] <= toMs) {
                embedded[n] = toEmbedded[i];
                read[n++] = toRead[i];
            }
        }
        double[] e = Arrays.copyOf(embedded, n);
        double[] r = Arrays.copyOf(read, n);
        Arrays.sort(e);
        Arrays.sort(r);
        return new Latencies(e, r);
    }

    /**
     * Sorted latencies in ms.
     *
     * @param toEmbedded event time to {@code embeddedAt}
     * @param toRead     event time to being read with {@code read_committed}
     */
    record Latencies(double[] toEmbedded, double[] toRead) {}

    private void check() {
        if (failure != null) {
            throw new IllegalStateException("reading " + topic + " failed: " + failure, failure);
        }
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
    }
}
