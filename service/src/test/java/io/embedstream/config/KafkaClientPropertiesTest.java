package io.embedstream.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {

    private static Map<String, String> kafka() {
        Map<String, String> kafka = new LinkedHashMap<>();
        kafka.put("consumer.security.protocol", "SASL_SSL"); // before the plain key: the prefix still wins
        kafka.put("security.protocol", "SSL");
        kafka.put("bootstrap.servers", "broker:9092");
        kafka.put("commit.interval.ms", "200"); // Kafka Streams only
        kafka.put("main.consumer.max.poll.records", "7"); // the main consumer only
        kafka.put("consumer.max.partition.fetch.bytes", "8388608");
        kafka.put("producer.linger.ms", "5");
        kafka.put("admin.request.timeout.ms", "1234");
        return kafka;
    }

    @Test
    void consumerTakesItsOwnKeysThenConsumerPrefixedOnesWhichWin() {
        Properties consumer = KafkaClientProperties.consumer(kafka());

        assertThat(consumer).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("max.partition.fetch.bytes", "8388608")
                .doesNotContainKeys("commit.interval.ms", "max.poll.records", "linger.ms", "request.timeout.ms",
                        "consumer.security.protocol", "main.consumer.max.poll.records")
                .hasSize(3);
    }

    @Test
    void adminTakesItsOwnKeysAndAdminPrefixedOnes() {
        Properties admin = KafkaClientProperties.admin(kafka());

        assertThat(admin).containsEntry("security.protocol", "SSL")
                .containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("request.timeout.ms", "1234")
                .hasSize(3);
    }

    @Test
    void ignoresNonStringEntriesOfStreamsProperties() {
        Properties streams = new Properties();
        streams.put("bootstrap.servers", "broker:9092");
        streams.put("admin.retries", 3); // an Integer, as Kafka Streams' own defaults may be

        assertThat(KafkaClientProperties.admin(streams)).containsOnlyKeys("bootstrap.servers");
    }
}
