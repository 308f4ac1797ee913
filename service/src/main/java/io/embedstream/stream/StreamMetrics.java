package io.embedstream.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** The service's own meters (Kafka's client metrics are separate). Thread-safe. */
public final class StreamMetrics {

    /** The bucket bounds of {@code embedstream.batch.size}: each bucket counts the batches of at most that size. */
    private static final double[] BATCH_SIZE_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    private final MeterRegistry registry;
    private final Counter received;
    private final Counter enriched;
    private final DistributionSummary batchSize;
    private final Timer inference;
    private final Timer bufferWait;
    private final DistributionSummary batchPartitions;

    public StreamMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.received = Counter.builder("embedstream.records.received").description("input records").register(registry);
        this.enriched = Counter.builder("embedstream.records.enriched").description("records written to the output topic")
                .register(registry);
        // Fixed buckets (powers of two up to the largest useful max-size), so that the distribution of batch sizes
        // can be read as counts per bucket, e.g. by `bench e2e`.
        this.batchSize = DistributionSummary.builder("embedstream.batch.size").description("records per session.run")
                .serviceLevelObjectives(BATCH_SIZE_BUCKETS).register(registry);
        this.inference = Timer.builder("embedstream.inference").description("time of one batch's session.run")
                .register(registry);
        this.bufferWait = Timer.builder("embedstream.buffer.wait")
                .description("how long the oldest record of a batch waited in the buffer").register(registry);
        this.batchPartitions = DistributionSummary.builder("embedstream.batch.partitions")
                .description("input partitions whose records share one batch").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    void received() {
        received.increment();
    }

    void enriched(int n) {
        enriched.increment(n);
    }

    void deadLettered(String reason) {
        registry.counter("embedstream.records.dead_lettered", "reason", reason).increment();
    }

    void batch(int size, long inferenceNanos, long oldestWaitMs) {
        batchSize.record(size);
        inference.record(inferenceNanos, TimeUnit.NANOSECONDS);
        bufferWait.record(oldestWaitMs, TimeUnit.MILLISECONDS);
    }

    void batchPartitions(int partitions) {
        batchPartitions.record(partitions);
    }

    /** Input partitions per batch: above 1 when a stream thread's tasks share batches. */
    public DistributionSummary batchPartitions() {
        return batchPartitions;
    }

    public DistributionSummary batchSize() {
        return batchSize;
    }

    /** Total time spent in session.run so far. */
    public double inferenceSeconds() {
        return inference.totalTime(TimeUnit.SECONDS);
    }

    public Timer bufferWait() {
        return bufferWait;
    }
}
