package io.embedstream.dev.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.stream.StreamMetrics;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ServiceWorkerTest {

    @Test
    void shouldKeepBatchSizeBucketCountsForTheWholeRunSoThatTwoSnapshotsCanBeSubtracted() {
        MockClock clock = new MockClock();
        // The registry the service exposes on /metrics, as the bench worker reads it.
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                new PrometheusRegistry(), clock);
        StreamMetrics metrics = new StreamMetrics(meters);

        metrics.batchSize().record(64);
        metrics.batchSize().record(3);
        clock.add(Duration.ofMinutes(10)); // Micrometer's default window would have dropped both by now
        metrics.batchSize().record(64);

        CountAtBucket[] buckets = metrics.batchSize().takeSnapshot().histogramCounts();
        assertThat(Arrays.stream(buckets).mapToDouble(CountAtBucket::bucket).toArray())
                .startsWith(1, 2, 4, 8, 16, 32, 64, 128);
        assertThat(countAt(buckets, 2)).isZero();
        assertThat(countAt(buckets, 4)).isEqualTo(1); // cumulative: batches of at most 4 records
        assertThat(countAt(buckets, 32)).isEqualTo(1);
        assertThat(countAt(buckets, 64)).isEqualTo(3);
    }

    private static double countAt(CountAtBucket[] buckets, double bound) {
        return Arrays.stream(buckets).filter(b -> b.bucket() == bound).findFirst().orElseThrow().count();
    }
}
