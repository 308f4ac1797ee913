package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class KafkaPropertyCheckTest {

    @Test
    void shouldAcceptEveryKindOfKnownPropertyWithAndWithoutClientPrefixes() {
        Map<String, String> kafka = new TreeMap<>();
        for (String key : new String[] {"bootstrap.servers", "security.protocol", "sasl.jaas.config",
                "ssl.truststore.location", "state.dir", "commit.interval.ms", "processing.guarantee", "linger.ms",
                "max.poll.records", "default.api.timeout.ms", "consumer.max.poll.records",
                "main.consumer.max.poll.records", "restore.consumer.fetch.max.bytes", "global.consumer.client.rack",
                "producer.linger.ms", "admin.retries", "topic.retention.ms", "topic.min.insync.replicas",
                "client.tag.zone", "processing.exception.handler.global.enabled"}) {
            kafka.put(key, "x");
        }
        assertThat(KafkaPropertyCheck.unknown(kafka)).isEmpty();
    }

    @Test
    void shouldNameTheNearestKnownPropertyForATypoKeepingItsPrefix() {
        assertThat(KafkaPropertyCheck.unknown(Map.of("bootstrap.server", "k:9092")))
                .containsExactly(new KafkaPropertyCheck.Unknown("bootstrap.server", Optional.of("bootstrap.servers")));
        assertThat(KafkaPropertyCheck.unknown(Map.of("consumer.max.poll.record", "10")))
                .containsExactly(new KafkaPropertyCheck.Unknown("consumer.max.poll.record",
                        Optional.of("consumer.max.poll.records")));
        assertThat(KafkaPropertyCheck.unknown(Map.of("main.consumer.session.timeout", "10")).get(0).nearest())
                .hasValue("main.consumer.session.timeout.ms");
        assertThat(KafkaPropertyCheck.unknown(Map.of("producer.lingr.ms", "5")).get(0).nearest())
                .hasValue("producer.linger.ms");
        assertThat(KafkaPropertyCheck.unknown(Map.of("processing.guarantees", "at_least_once")).get(0).nearest())
                .hasValue("processing.guarantee");
        assertThat(KafkaPropertyCheck.unknown(Map.of("topic.retention", "1")).get(0).nearest())
                .hasValue("topic.retention.ms");
        assertThat(KafkaPropertyCheck.unknown(Map.of("bootstrap.server", "k")).get(0).message())
                .isEqualTo("kafka.bootstrap.server is not a Kafka client or Kafka Streams property; "
                        + "did you mean 'kafka.bootstrap.servers'?");
    }

    @Test
    void shouldSayAPropertyFarFromEveryKnownOneIsPassedOn() {
        KafkaPropertyCheck.Unknown custom = KafkaPropertyCheck.unknown(Map.of("my.interceptor.setting", "1")).get(0);
        assertThat(custom.nearest()).isEmpty();
        assertThat(custom.message()).isEqualTo("kafka.my.interceptor.setting is not a Kafka client or Kafka Streams "
                + "property; it is passed to the Kafka clients as it is, for a plug-in that may read it");
    }
}
