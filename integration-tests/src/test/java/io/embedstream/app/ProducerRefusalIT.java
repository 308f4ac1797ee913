package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.stream.DeadLetterHeaders;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.OutputReader;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestData;
import io.embedstream.testing.TestTopics;
import io.embedstream.testing.TopicConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records the output topic refuses, under exactly-once, on the real broker. Kafka Streams 4.4 cannot skip such a
 * record once it is sent: the refusal puts the transactional producer into an error state and the stream thread
 * fails at its next commit, on every attempt. So the service checks what it can foresee before it sends (a record
 * without key on a compacted topic, a timestamp outside the topic's window) and dead-letters it; for what it cannot
 * foresee (here: the topic was made compacted while the service ran) the stream thread is replaced and the record
 * dead-lettered when it is processed again. Either way the instance keeps running and every id is accounted for
 * exactly once.
 */
class ProducerRefusalIT {

    private static final int PARTITIONS = 2;

    @TempDir
    Path work;

    private final EmbeddedKafkaBroker broker = SharedKafka.broker();
    private final ApicurioRegistry apicurio = ApicurioRegistry.shared();
    private final SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl()));
    private final ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(registry, true);

    @Test
    void shouldDeadLetterRecordsTheOutputTopicWouldRefuseBeforeSendingThem() throws Exception {
        String input = TestTopics.unique("refuse-in");
        String output = TestTopics.unique("refuse-out");
        broker.createTopics(PARTITIONS, input, output, input + ".dlq");
        TopicConfigs.set(broker.bootstrapServers(), output, Map.of("cleanup.policy", "compact",
                "message.timestamp.before.max.ms", Long.toString(Duration.ofDays(1).toMillis())));
        long now = System.currentTimeMillis();

        try (EmbedService service = EmbedService.start(config(input, output));
                OutputReader reader = new OutputReader(broker.bootstrapServers(), output, PARTITIONS,
                        IsolationLevel.READ_COMMITTED, registry)) {
            try (Producer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
                send(producer, input, "good-1", "good-1", now);
                send(producer, input, null, "keyless", now);
                send(producer, input, "old", "old", now - Duration.ofDays(3).toMillis());
                send(producer, input, "good-2", "good-2", now);
            }
            Map<String, String> reasons = deadLetterReasons(input + ".dlq", 2);
            assertThat(OutputReader.await(() -> reader.distinct() >= 2, Duration.ofSeconds(60))).isTrue();
            assertThat(reader.counts()).containsOnlyKeys("good-1", "good-2").containsValues(1);
            assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "keyless", "OUTPUT_KEY_REQUIRED", "old", "OUTPUT_TIMESTAMP_REJECTED"));
            assertThat(service.runner().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(service.runner().failure()).isNull();
        }
    }

    @Test
    void shouldDeadLetterARecordTheBrokerRefusedUnforeseenAndKeepRunning() throws Exception {
        String input = TestTopics.unique("unforeseen-in");
        String output = TestTopics.unique("unforeseen-out");
        broker.createTopics(PARTITIONS, input, output, input + ".dlq");
        long now = System.currentTimeMillis();

        try (EmbedService service = EmbedService.start(config(input, output));
                OutputReader reader = new OutputReader(broker.bootstrapServers(), output, PARTITIONS,
                        IsolationLevel.READ_COMMITTED, registry);
                Producer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < 20; i++) {
                send(producer, input, "before-" + i, "before-" + i, now);
            }
            assertThat(OutputReader.await(() -> reader.distinct() >= 20, Duration.ofSeconds(60))).isTrue();

            // Checked at start-up, the output topic took records without key; now it refuses them.
            TopicConfigs.set(broker.bootstrapServers(), output, Map.of("cleanup.policy", "compact"));
            Thread.sleep(1000); // let the broker's log pick up the new configuration
            send(producer, input, null, "keyless", now);
            for (int i = 0; i < 20; i++) {
                send(producer, input, "after-" + i, "after-" + i, now);
            }

            // The replaced thread's static member is removed from the group, so the new thread takes over at once
            // rather than after the old member's session timeout (60 s).
            assertThat(OutputReader.await(() -> reader.distinct() >= 40, Duration.ofSeconds(30)))
                    .as("records after the refused one enriched within 30 s").isTrue();
            Map<String, String> reasons = deadLetterReasons(input + ".dlq", 1);
            assertThat(reasons).containsExactlyEntriesOf(Map.of("keyless", "OUTPUT_REJECTED"));
            Thread.sleep(1000); // let any duplicate show up
            assertThat(reader.counts()).hasSize(40).doesNotContainKey("keyless");
            assertThat(reader.counts().values()).as("each id exactly once").containsOnly(1);
            assertThat(service.runner().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(service.runner().failure()).isNull();
        }
    }

    private AppConfig config(String input, String output) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("application-id", TestTopics.unique("refuse-app"));
        overrides.put("topics.input", input);
        overrides.put("topics.output", output);
        overrides.put("kafka.bootstrap.servers", broker.bootstrapServers());
        overrides.put("kafka.state.dir", work.resolve("state").toString());
        overrides.put("registry.url", apicurio.ccompatUrl());
        overrides.put("model.dir", TestData.model("grenade-mlp").toString());
        overrides.put("model.layer", "dense_761");
        overrides.put("batching.linger-ms", "20");
        return new ConfigLoader().load(null, Map.of(), overrides);
    }

    /** Sends a record whose value carries {@code id}; the key is the id too, unless {@code key} is null. */
    private void send(Producer<byte[], byte[]> producer, String topic, String key, String id, long timestamp) {
        List<Float> features = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            features.add((float) i / 12);
        }
        KafkaTestClients.sendAndWait(producer, new ProducerRecord<>(topic, null, timestamp,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                serializer.serialize(topic, FeatureRecord.newBuilder().setId(id).setFeatures(features).build())));
    }

    /** The reason of each dead letter by the id in its value. */
    private Map<String, String> deadLetterReasons(String topic, int count) {
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTestClients.consume(broker.bootstrapServers(), topic, count,
                Duration.ofSeconds(60), IsolationLevel.READ_COMMITTED)) {
            String id = io.embedstream.serde.ConfluentAvroDeserializer.specific(registry, FeatureRecord.class)
                    .deserialize(topic, r.value()).getId();
            reasons.put(id, DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON));
        }
        return reasons;
    }
}
