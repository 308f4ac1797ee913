package io.embedstream.stream;

import io.embedstream.fetch.FetchListener;
import io.embedstream.fetch.FetchResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The service's own meters, all named {@code embedstream.*} ({@code embedstream_*} in Prometheus); Kafka's
 * client metrics and the JVM's are bound elsewhere ({@code ops.OpsMeters}).
 *
 * <ul>
 *   <li>{@code embedstream.records.received} (counter): input records, valid or not;</li>
 *   <li>{@code embedstream.records.enriched} (counter): records written to the output topic;</li>
 *   <li>{@code embedstream.records.dead_lettered} (counter, tag {@code reason}): records written to the
 *       dead-letter topic;</li>
 *   <li>{@code embedstream.batch.size} (histogram): records per batch that ran through the model, one sample per
 *       batch (a batch split to isolate a record the model rejects still counts once);</li>
 *   <li>{@code embedstream.inference} (timer histogram): model time of one batch ({@code session.run});</li>
 *   <li>{@code embedstream.buffer.wait} (timer): how long the oldest record of a batch waited in the buffer;</li>
 *   <li>{@code embedstream.buffer.records} (gauge): records buffered in this instance, not yet forwarded;</li>
 *   <li>{@code embedstream.end.to.end.lag} (timer histogram): when a record is forwarded to the output topic,
 *       now minus the input record's timestamp;</li>
 *   <li>{@code embedstream.image.fetch} (timer histogram, tag {@code outcome} ok | failed): one image fetch,
 *       retries and back-off included;</li>
 *   <li>{@code embedstream.image.fetch.failures} (counter, tag {@code reason}): fetches that failed;</li>
 *   <li>{@code embedstream.model.info} (gauge, value 1): tags {@code model}, {@code version}, {@code layer},
 *       {@code pooling}, {@code normalization}, {@code dimension}.</li>
 * </ul>
 *
 * Thread-safe.
 */
public final class StreamMetrics {

    public static final String RECEIVED = "embedstream.records.received";
    public static final String ENRICHED = "embedstream.records.enriched";
    public static final String DEAD_LETTERED = "embedstream.records.dead_lettered";
    public static final String BATCH_SIZE = "embedstream.batch.size";
    public static final String INFERENCE = "embedstream.inference";
    public static final String BUFFER_WAIT = "embedstream.buffer.wait";
    public static final String BUFFERED = "embedstream.buffer.records";
    public static final String END_TO_END_LAG = "embedstream.end.to.end.lag";
    public static final String IMAGE_FETCH = "embedstream.image.fetch";
    public static final String IMAGE_FETCH_FAILURES = "embedstream.image.fetch.failures";
    public static final String MODEL_INFO = "embedstream.model.info";

    private final MeterRegistry registry;
    private final LongSupplier clockMs;
    private final Counter received;
    private final Counter enriched;
    private final DistributionSummary batchSize;
    private final Timer inference;
    private final Timer bufferWait;
    private final DistributionSummary batchPartitions;
    private final Timer endToEndLag;
    private final Timer fetchOk;
    private final Timer fetchFailed;

    public StreamMetrics(MeterRegistry registry) {
        this(registry, System::currentTimeMillis);
    }

    /** @param clockMs wall-clock milliseconds, for the end-to-end lag */
    public StreamMetrics(MeterRegistry registry, LongSupplier clockMs) {
        this.registry = registry;
        this.clockMs = clockMs;
        this.received = Counter.builder(RECEIVED).description("input records, valid or not").register(registry);
        this.enriched = Counter.builder(ENRICHED).description("records written to the output topic").register(registry);
        this.batchSize = DistributionSummary.builder(BATCH_SIZE).description("records per batch run through the model")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).register(registry);
        this.inference = Timer.builder(INFERENCE).description("model time of one batch (session.run)")
                .serviceLevelObjectives(millis(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000))
                .register(registry);
        this.bufferWait = Timer.builder(BUFFER_WAIT)
                .description("how long the oldest record of a batch waited in the buffer").register(registry);
        this.endToEndLag = Timer.builder(END_TO_END_LAG)
                .description("at output: now minus the input record's timestamp")
                .serviceLevelObjectives(millis(10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000))
                .register(registry);
        this.fetchOk = fetchTimer("ok");
        this.fetchFailed = fetchTimer("failed");
        this.batchPartitions = DistributionSummary.builder("embedstream.batch.partitions")
                .description("input partitions whose records share one batch")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64).register(registry);
    }

    private Timer fetchTimer(String outcome) {
        return Timer.builder(IMAGE_FETCH).description("one image fetch, retries included").tag("outcome", outcome)
                .serviceLevelObjectives(millis(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000))
                .register(registry);
    }

    private static Duration[] millis(long... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofMillis(values[i]);
        }
        return out;
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
        registry.counter(DEAD_LETTERED, "reason", reason).increment();
    }

    /** One batch that ran through the model: its size, its model time and its oldest record's wait. */
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

    /** A record is forwarded to the output topic; {@code recordTimestampMs} is its input timestamp. */
    void forwarded(long recordTimestampMs) {
        if (recordTimestampMs >= 0) {
            endToEndLag.record(Math.max(0, clockMs.getAsLong() - recordTimestampMs), TimeUnit.MILLISECONDS);
        }
    }

    /** The {@code embedstream.buffer.records} gauge, reading {@code buffers}. */
    public void gaugeBuffered(BatchBuffers buffers) {
        Gauge.builder(BUFFERED, buffers, BatchBuffers::pending).description("records buffered, not yet forwarded")
                .register(registry);
    }

    /** The {@code embedstream.model.info} gauge (value 1), whose tags say what model and layer run. */
    public void modelInfo(OutputMetadata metadata, long dimension) {
        Gauge.builder(MODEL_INFO, () -> 1).description("the model this instance runs (value 1)")
                .tags(Tags.of("model", metadata.modelName(), "version", metadata.modelVersion(),
                        "layer", metadata.layer(), "pooling", metadata.pooling(),
                        "normalization", metadata.normalization(),
                        "dimension", dimension < 0 ? "unknown" : Long.toString(dimension)))
                .register(registry);
    }

    /** Records image fetch times and failures; give it to the image fetcher. */
    public FetchListener imageFetches() {
        return (result, nanos) -> {
            if (result instanceof FetchResult.Failed failed) {
                fetchFailed.record(nanos, TimeUnit.NANOSECONDS);
                registry.counter(IMAGE_FETCH_FAILURES, "reason", String.valueOf(failed.failure().reason())).increment();
            } else {
                fetchOk.record(nanos, TimeUnit.NANOSECONDS);
            }
        };
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

    /** Totals since start, for the progress log. */
    public Totals totals() {
        double dead = registry.find(DEAD_LETTERED).counters().stream().mapToDouble(Counter::count).sum();
        return new Totals((long) received.count(), (long) enriched.count(), (long) dead, batchSize.count(),
                (long) batchSize.totalAmount());
    }

    /**
     * Counts since start.
     *
     * @param batches     batches run through the model
     * @param batchedRows records in those batches
     */
    public record Totals(long received, long enriched, long deadLettered, long batches, long batchedRows) {}
}
