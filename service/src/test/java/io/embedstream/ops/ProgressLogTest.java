package io.embedstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.stream.StreamMetrics;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class ProgressLogTest {

    @Test
    void shouldSayWhatHappenedSinceTheLastLineAndInTotal() {
        AtomicReference<StreamMetrics.Totals> totals = new AtomicReference<>(new StreamMetrics.Totals(100, 95, 5, 2, 95));
        AtomicLong clock = new AtomicLong(0);
        ProgressLog progress = new ProgressLog(totals::get, () -> 12, () -> OptionalLong.of(340), clock::get);

        totals.set(new StreamMetrics.Totals(1600, 1592, 8, 34, 1592));
        clock.set(30_000_000_000L);
        assertThat(progress.line()).isEqualTo("Progress (last 30 s): received 1500, enriched 1497, dead-lettered 3 "
                + "(totals 1600 / 1592 / 8); 50.0 records/s; mean batch 46.8; buffered 12; consumer lag 340");

        clock.set(330_000_000_000L);
        assertThat(progress.line()).isEqualTo("Progress (last 5.0 min): received 0, enriched 0, dead-lettered 0 "
                + "(totals 1600 / 1592 / 8); 0.0 records/s; mean batch -; buffered 12; consumer lag 340");
    }

    @Test
    void shouldSumTheMainConsumersRecordsLagOfTheInputTopic() {
        Map<MetricName, Metric> metrics = new HashMap<>();
        lag(metrics, "app-StreamThread-1-consumer", "in", 0, 100.0);
        lag(metrics, "app-StreamThread-2-consumer", "in", 1, 40.0);
        lag(metrics, "app-StreamThread-1-restore-consumer", "in", 0, 999.0);
        lag(metrics, "app-StreamThread-1-consumer", "other", 0, 7.0);
        lag(metrics, "app-StreamThread-1-consumer", "in", 2, Double.NaN);
        assertThat(ProgressLog.consumerLag(metrics, "in")).hasValue(140);
        assertThat(ProgressLog.consumerLag(Map.of(), "in")).isEmpty();
    }

    private static void lag(Map<MetricName, Metric> metrics, String client, String topic, int partition, double value) {
        MetricName name = new MetricName("records-lag", "consumer-fetch-manager-metrics", "",
                Map.of("client-id", client, "topic", topic, "partition", Integer.toString(partition)));
        metrics.put(name, new Metric() {
            @Override
            public MetricName metricName() {
                return name;
            }

            @Override
            public Object metricValue() {
                return value;
            }
        });
    }
}
