package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

    private static AppConfig config(Map<String, String> extra) {
        Map<String, String> overrides = new LinkedHashMap<>(Map.of("topics.input", "in", "topics.output", "out",
                "kafka.bootstrap.servers", "k:9092", "registry.url", "http://r", "model.dir", "/m",
                "processing.guarantee", "at_least_once", "processing.stream-threads", "3", "batching.linger-ms", "40"));
        overrides.putAll(extra);
        return new ConfigLoader().load(null, Map.of(), overrides);
    }

    @Test
    void shouldPassKafkaPropertiesThroughAndOwnGuaranteeThreadsAndId() {
        Properties props = StreamsSettings.of(config(Map.of("kafka.security.protocol", "SASL_SSL",
                "kafka.application.id", "sneaky", "kafka.poll.ms", "7")));
        assertThat(props).containsEntry("bootstrap.servers", "k:9092").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("application.id", "embedstream").containsEntry("processing.guarantee", "at_least_once")
                .containsEntry("num.stream.threads", "3")
                .containsEntry("poll.ms", "7"); // a user's poll.ms wins over the derived default
    }

    @Test
    void shouldDeriveDefaultsUnlessTheUserSetThem() {
        Properties defaults = StreamsSettings.of(config(Map.of()));
        assertThat(defaults).containsEntry("poll.ms", "10")
                .containsEntry("consumer.max.partition.fetch.bytes", "8388608")
                .containsEntry("producer.batch.size", "262144");
        Properties user = StreamsSettings.of(config(Map.of("kafka.max.partition.fetch.bytes", "1048576",
                "kafka.producer.batch.size", "16384")));
        assertThat(user).containsEntry("max.partition.fetch.bytes", "1048576")
                .doesNotContainKey("consumer.max.partition.fetch.bytes")
                .containsEntry("producer.batch.size", "16384");
    }

    @Test
    void shouldPollAsOftenAsTheBatchCheckRuns() {
        for (String linger : new String[] {"0", "3", "40", "60000"}) {
            AppConfig config = config(Map.of("batching.linger-ms", linger));
            assertThat(StreamsSettings.of(config)).as("linger-ms %s", linger)
                    .containsEntry("poll.ms", Long.toString(config.batching().checkInterval().toMillis()));
        }
        assertThat(StreamsSettings.of(config(Map.of("batching.linger-ms", "0")))).containsEntry("poll.ms", "2");
    }

    @Test
    void shouldGiveTransactionsTimeToWaitForImageRetries() {
        Map<String, String> eos = Map.of("processing.guarantee", "exactly_once_v2");
        assertThat(StreamsSettings.of(config(eos))).containsEntry("producer.transaction.timeout.ms", "60000");
        Map<String, String> images = new LinkedHashMap<>(eos);
        images.putAll(Map.of("input.format", "image-reference", "image.retry.max-elapsed-ms", "100000"));
        assertThat(StreamsSettings.of(config(images)))
                .containsEntry("producer.transaction.timeout.ms", Long.toString(100_000 + 2_000 + 10_000 + 15_000));
        Map<String, String> avroImages = new LinkedHashMap<>(eos);
        avroImages.putAll(Map.of("input.format", "avro", "input.field", "media.image_url",
                "image.retry.max-elapsed-ms", "100000"));
        assertThat(StreamsSettings.of(config(avroImages))).as("an avro field may hold an image URL")
                .containsEntry("producer.transaction.timeout.ms", Long.toString(100_000 + 2_000 + 10_000 + 15_000));
        Map<String, String> user = new LinkedHashMap<>(eos);
        user.put("kafka.transaction.timeout.ms", "900000");
        assertThat(StreamsSettings.of(config(user))).doesNotContainKey("producer.transaction.timeout.ms");
        assertThat(StreamsSettings.of(config(Map.of()))).as("at-least-once has no transactions")
                .doesNotContainKey("producer.transaction.timeout.ms");
    }

    @Test
    void shouldNotStopOnARecordWithoutAValidTimestamp() {
        assertThat(StreamsSettings.of(config(Map.of())))
                .containsEntry("default.timestamp.extractor", "io.embedstream.stream.InputTimestamps");
    }
}
