package io.embedstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ImageConfig;
import io.embedstream.fetch.ImageFetcher;
import io.embedstream.fetch.ImageRequest;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamMetricsTest {

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void shouldMeasureEndToEndLagAsNowMinusTheRecordTimestamp() {
        StreamMetrics metrics = new StreamMetrics(registry, () -> 10_000);
        metrics.forwarded(9_750);
        metrics.forwarded(8_000);
        metrics.forwarded(-1); // no timestamp: not measured
        Timer lag = registry.get(StreamMetrics.END_TO_END_LAG).timer();
        assertThat(lag.count()).isEqualTo(2);
        assertThat(lag.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2_250);
        assertThat(lag.max(TimeUnit.MILLISECONDS)).isEqualTo(2_000);
    }

    @Test
    void shouldCountTotalsOverAllDeadLetterReasons() {
        StreamMetrics metrics = new StreamMetrics(registry);
        for (int i = 0; i < 5; i++) {
            metrics.received();
        }
        metrics.deadLettered("UNDECODABLE");
        metrics.deadLettered("NON_FINITE");
        metrics.enriched(3);
        metrics.batch(3, 2_000_000, 10);
        assertThat(metrics.totals()).isEqualTo(new StreamMetrics.Totals(5, 3, 2, 1, 3));
        assertThat(registry.get(StreamMetrics.DEAD_LETTERED).tag("reason", "UNDECODABLE").counter().count()).isEqualTo(1);
        assertThat(metrics.inferenceSeconds()).isEqualTo(0.002);
    }

    @Test
    void shouldPublishTheModelAndTheBufferAsGauges() {
        StreamMetrics metrics = new StreamMetrics(registry);
        metrics.modelInfo(new OutputMetadata("grenade-mlp", "3", "dense_761", "none", "l2"), 8);
        Gauge info = registry.get(StreamMetrics.MODEL_INFO).tag("model", "grenade-mlp").tag("version", "3")
                .tag("layer", "dense_761").tag("pooling", "none").tag("normalization", "l2").tag("dimension", "8").gauge();
        assertThat(info.value()).isEqualTo(1.0);
        BatchBuffers buffers = new BatchBuffers();
        metrics.gaugeBuffered(buffers);
        buffers.added(7);
        assertThat(registry.get(StreamMetrics.BUFFERED).gauge().value()).isEqualTo(7.0);
    }

    @Test
    void shouldTimeImageFetchesAndCountFailuresByReason() throws Exception {
        StreamMetrics metrics = new StreamMetrics(registry);
        Path root = Files.createDirectories(dir.resolve("images"));
        Files.write(root.resolve("a.png"), new byte[] {1, 2, 3});
        try (ImageFetcher fetcher = new ImageFetcher(ImageConfig.builder().roots(List.of(root)).build(),
                metrics.imageFetches())) {
            fetcher.fetchAll(List.of(ImageRequest.of("1", root.resolve("a.png").toUri().toString()),
                    ImageRequest.of("2", root.resolve("missing.png").toUri().toString()),
                    ImageRequest.of("3", dir.resolve("outside.png").toUri().toString()),
                    ImageRequest.of("4", "gopher://host/x.png")));
        }
        assertThat(registry.get(StreamMetrics.IMAGE_FETCH).tag("outcome", "ok").timer().count()).isEqualTo(1);
        assertThat(registry.get(StreamMetrics.IMAGE_FETCH).tag("outcome", "failed").timer().count()).isEqualTo(3);
        assertThat(registry.get(StreamMetrics.IMAGE_FETCH_FAILURES).tag("reason", "NOT_FOUND").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(StreamMetrics.IMAGE_FETCH_FAILURES).tag("reason", "OUTSIDE_ALLOWED_ROOTS").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get(StreamMetrics.IMAGE_FETCH_FAILURES).tag("reason", "UNSUPPORTED_SCHEME").counter()
                .count()).isEqualTo(1);
    }
}
