package io.embedstream.dev.bench.e2e;

import io.embedstream.app.EmbedService;
import io.embedstream.config.AppConfig;
import io.embedstream.stream.StreamMetrics;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * embedstream itself in a worker JVM: {@link EmbedService} started from the given configuration, as {@code run}
 * starts it, until the bench stops it. Its snapshots carry the service's own meters (records enriched, batch sizes
 * and partitions per batch, time in {@code session.run}). The meter registry keeps histogram buckets for the
 * whole run (no rotating time window), so that the bench can subtract two snapshots.
 */
@Command(name = "service", description = "embedstream (EmbedService) from --set configuration, until stdin ends.")
final class ServiceWorker implements Callable<Integer> {

    @Mixin
    WorkerOptions options;

    @Override
    public Integer call() throws Exception {
        AppConfig config = options.config();
        options.warmUp(pass -> {
            EmbedService service = EmbedService.start(pass);
            return new JitWarmup.Pass() {
                @Override
                public long processed() {
                    var enriched = service.meterRegistry().find("embedstream.records.enriched").counter();
                    return enriched == null ? 0 : (long) enriched.count();
                }

                @Override
                public void close() {
                    service.close();
                }
            };
        });
        WorkerChannel channel = options.channel();
        AtomicReference<EmbedService> started = new AtomicReference<>();
        // The service's own registry is Prometheus's, whose histogram buckets count from the start of the run.
        CompletableFuture<Void> stop = channel.serve(() -> started.get() == null ? WorkerChannel.STARTING
                : snapshot(started.get(), started.get().meterRegistry()));
        try (EmbedService service = EmbedService.start(config)) {
            started.set(service);
            if (!service.runner().awaitRunning(Duration.ofMinutes(3))) {
                throw new IllegalStateException("the service did not reach RUNNING within 3 minutes");
            }
            channel.send("ready", Map.of());
            stop.join();
        }
        return 0;
    }

    private static Map<String, Object> snapshot(EmbedService service, MeterRegistry meters) {
        StreamMetrics metrics = service.metrics();
        HistogramSnapshot sizes = metrics.batchSize().takeSnapshot();
        List<Map<String, Object>> buckets = new ArrayList<>();
        for (CountAtBucket bucket : sizes.histogramCounts()) {
            buckets.add(Map.of("le", bucket.bucket(), "count", bucket.count()));
        }
        var enriched = meters.find("embedstream.records.enriched").counter();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("records", enriched == null ? 0 : (long) enriched.count());
        values.put("batches", sizes.count());
        values.put("batchRecords", sizes.total());
        values.put("batchBuckets", buckets);
        values.put("partitionBatches", metrics.batchPartitions().count());
        values.put("partitionsTotal", metrics.batchPartitions().totalAmount());
        values.put("inferenceSeconds", metrics.inferenceSeconds());
        values.put("failed", service.runner().failure() != null);
        return values;
    }
}
