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
}
