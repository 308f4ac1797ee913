package io.embedstream.ops;

import io.embedstream.stream.StreamMetrics;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line every {@code logging.progress-interval-ms} that says what the instance did since the last line
 * and since it started, e.g.:
 *
 * <pre>Progress (last 30 s): received 1500, enriched 1497, dead-lettered 3 (totals 4500 / 4490 / 10); 49.9 records/s;
 * mean batch 46.8; buffered 12; consumer lag 240</pre>
 *
 * The lag is the sum of the main consumers' {@code records-lag} over the input partitions this instance holds,
 * from Kafka's client metrics ({@code n/a} until the consumers have fetched). Owns one daemon thread
 * ({@code embedstream-progress}); whoever starts it closes it. Thread-safe.
 */
public final class ProgressLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

    private final Supplier<StreamMetrics.Totals> totals;
    private final LongSupplier buffered;
    private final Supplier<OptionalLong> lag;
    private final LongSupplier clockNanos;
    private final ScheduledExecutorService timer;
    private StreamMetrics.Totals previous;
    private long previousNanos;

    /** A progress log that only formats lines when asked ({@link #line()}); for tests. */
    ProgressLog(Supplier<StreamMetrics.Totals> totals, LongSupplier buffered, Supplier<OptionalLong> lag,
            LongSupplier clockNanos) {
        this.totals = totals;
        this.buffered = buffered;
        this.lag = lag;
        this.clockNanos = clockNanos;
        this.timer = null;
        this.previous = totals.get();
        this.previousNanos = clockNanos.getAsLong();
    }

    private ProgressLog(Supplier<StreamMetrics.Totals> totals, LongSupplier buffered, Supplier<OptionalLong> lag,
            long intervalMs) {
        this.totals = totals;
        this.buffered = buffered;
        this.lag = lag;
        this.clockNanos = System::nanoTime;
        this.previous = totals.get();
        this.previousNanos = clockNanos.getAsLong();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "embedstream-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::log, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Starts logging every {@code intervalMs} (the first line after one interval). */
    public static ProgressLog start(StreamMetrics metrics, LongSupplier buffered, Supplier<OptionalLong> lag,
            long intervalMs) {
        return new ProgressLog(metrics::totals, buffered, lag, intervalMs);
    }

    private void log() {
        try {
            LOG.info(line());
        } catch (RuntimeException e) {
            LOG.debug("Progress line failed: {}", e.toString());
        }
    }

    /** The next line; it covers the time since the previous one. */
    synchronized String line() {
        StreamMetrics.Totals now = totals.get();
        long nowNanos = clockNanos.getAsLong();
        double seconds = Math.max(1e-9, (nowNanos - previousNanos) / 1e9);
        StreamMetrics.Totals p = previous;
        long batches = now.batches() - p.batches();
        String meanBatch = batches == 0 ? "-" : String.format(Locale.ROOT, "%.1f",
                (double) (now.batchedRows() - p.batchedRows()) / batches);
        OptionalLong consumerLag = lag.get();
        String line = String.format(Locale.ROOT,
                "Progress (last %s): received %d, enriched %d, dead-lettered %d (totals %d / %d / %d); "
                        + "%.1f records/s; mean batch %s; buffered %d; consumer lag %s",
                duration(seconds), now.received() - p.received(), now.enriched() - p.enriched(),
                now.deadLettered() - p.deadLettered(), now.received(), now.enriched(), now.deadLettered(),
                (now.enriched() - p.enriched() + now.deadLettered() - p.deadLettered()) / seconds, meanBatch,
                buffered.getAsLong(), consumerLag.isPresent() ? Long.toString(consumerLag.getAsLong()) : "n/a");
        previous = now;
        previousNanos = nowNanos;
        return line;
    }

    private static String duration(double seconds) {
        return seconds >= 120 ? String.format(Locale.ROOT, "%.1f min", seconds / 60)
                : String.format(Locale.ROOT, "%.0f s", seconds);
    }

    /**
     * The sum of the main consumers' {@code records-lag} over the partitions of {@code topic} in Kafka client
     * metrics (restore and global consumers excluded); empty when no such metric has a value yet.
     */
    public static OptionalLong consumerLag(Map<MetricName, ? extends Metric> metrics, String topic) {
        long sum = 0;
        boolean any = false;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName name = e.getKey();
            if (!name.name().equals("records-lag") || !name.group().equals("consumer-fetch-manager-metrics")) {
                continue;
            }
            String clientId = name.tags().getOrDefault("client-id", "");
            if (!topic.equals(name.tags().get("topic")) || clientId.endsWith("restore-consumer")
                    || clientId.endsWith("global-consumer")) {
                continue;
            }
            Object value = e.getValue().metricValue();
            if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
                sum += Math.max(0, n.longValue());
                any = true;
            }
        }
        return any ? OptionalLong.of(sum) : OptionalLong.empty();
    }

    /** Stops the timer. Idempotent. */
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
