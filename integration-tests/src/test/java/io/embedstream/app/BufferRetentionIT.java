package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.stream.DeadLetterHeaders;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.ServiceProcess;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestData;
import io.embedstream.testing.TestTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable buffer holds references, not records: records that sat in the buffer when the instance was killed
 * are read again from the input topic when it restarts; those that retention deleted in the meantime go to the
 * dead-letter topic as {@code SOURCE_RECORD_UNAVAILABLE}, and none is lost silently.
 */
class BufferRetentionIT {

    private static final int RECORDS = 20;
    private static final int DELETED = 8;

    @TempDir
    Path work;

    @Test
    void shouldReReadBufferedRecordsAfterACrashAndDeadLetterThoseRetentionDeleted() throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        String registryUrl = ApicurioRegistry.shared().ccompatUrl();
        String input = TestTopics.unique("retention-in");
        String output = TestTopics.unique("retention-out");
        String app = TestTopics.unique("retention-app");
        broker.createTopics(1, input, output, input + ".dlq");
        SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(registryUrl));
        ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(registry, true);
        try (Producer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
            for (int i = 0; i < RECORDS; i++) {
                List<Float> features = new ArrayList<>();
                for (int j = 0; j < 12; j++) {
                    features.add((float) (i + j) / 10);
                }
                producer.send(new ProducerRecord<>(input, ("r" + i).getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(input, FeatureRecord.newBuilder().setId("r" + i).setFeatures(features).build())));
            }
        }

        // 1. An instance whose batches never run (huge batch, one-hour linger) consumes everything: the records'
        //    offsets get committed while the records wait in the buffer. Then it is killed.
        ServiceProcess first = ServiceProcess.start(config(broker, registryUrl, app, input, output, "3600000"),
                work.resolve("first.log"));
        try {
            TopicPartition tp = new TopicPartition(input, 0);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (committed(broker, app, tp) < RECORDS) {
                assertThat(first.isAlive()).as("first instance alive; see %s", first.log()).isTrue();
                assertThat(System.nanoTime()).as("offsets committed within 90 s; see %s", first.log())
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        } finally {
            first.kill();
        }
        assertThat(KafkaTestClients.consume(broker.bootstrapServers(), output, 0, Duration.ofSeconds(1),
                IsolationLevel.READ_COMMITTED)).as("nothing was enriched before the kill").isEmpty();

        // 2. Retention deletes the first records of the input topic.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.deleteRecords(Map.of(new TopicPartition(input, 0), RecordsToDelete.beforeOffset(DELETED))).all().get();
        }

        // 3. The restarted instance re-reads what it can and dead-letters the rest, in order.
        ServiceProcess second = ServiceProcess.start(config(broker, registryUrl, app, input, output, "50"),
                work.resolve("second.log"));
        List<ConsumerRecord<byte[], byte[]>> out;
        List<ConsumerRecord<byte[], byte[]>> dead;
        try {
            out = KafkaTestClients.consumeCommitted(broker.bootstrapServers(), output, RECORDS - DELETED,
                    Duration.ofSeconds(120));
            dead = KafkaTestClients.consumeCommitted(broker.bootstrapServers(), input + ".dlq", DELETED,
                    Duration.ofSeconds(60));
        } finally {
            assertThat(second.stop()).as("exit after SIGTERM").isIn(0, 143);
        }
        ConfluentAvroDeserializer<EnrichedRecord> reader = ConfluentAvroDeserializer.specific(registry, EnrichedRecord.class);
        List<String> enriched = out.stream().map(r -> reader.deserialize(output, r.value()).getId()).toList();
        List<String> expected = new ArrayList<>();
        for (int i = DELETED; i < RECORDS; i++) {
            expected.add("r" + i);
        }
        assertThat(enriched).containsExactlyElementsOf(expected);
        assertThat(dead).hasSize(DELETED);
        for (int i = 0; i < DELETED; i++) {
            ConsumerRecord<byte[], byte[]> d = dead.get(i);
            assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.REASON)).isEqualTo("SOURCE_RECORD_UNAVAILABLE");
            assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.TOPIC)).isEqualTo(input);
            assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.OFFSET)).isEqualTo(Integer.toString(i));
            assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.MESSAGE))
                    .contains("no longer in the input topic");
            assertThat(d.value()).isNull();
        }
        assertThat(Files.readString(second.log())).contains("restored " + RECORDS + " buffered records")
                .contains(DELETED + " no longer in the input topic");
    }

    private Path config(EmbeddedKafkaBroker broker, String registryUrl, String app, String input, String output,
            String lingerMs) throws Exception {
        Path config = work.resolve("service-" + lingerMs + ".yaml");
        Files.writeString(config, """
                application-id: %s
                topics: {input: %s, output: %s}
                kafka:
                  bootstrap.servers: %s
                  state.dir: %s
                  session.timeout.ms: 6000
                  heartbeat.interval.ms: 1000
                registry: {url: %s}
                model: {dir: %s, layer: dense_761}
                batching: {max-size: 1000, linger-ms: %s}
                """.formatted(app, input, output, broker.bootstrapServers(), work.resolve("state"), registryUrl,
                TestData.model("grenade-mlp"), lingerMs));
        return config;
    }

    private static long committed(EmbeddedKafkaBroker broker, String group, TopicPartition tp) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata o = offsets.get(tp);
            return o == null ? -1 : o.offset();
        }
    }
}
