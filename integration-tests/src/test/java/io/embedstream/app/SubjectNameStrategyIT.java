package io.embedstream.app;

import static io.embedstream.testing.KafkaTestClients.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.ConfluentWireFormat;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.ConfluentOracle;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestData;
import io.embedstream.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code registry.subject-name-strategy: topic-record} through the whole service, on the in-JVM broker and a real
 * Apicurio registry: the output records carry the id that Confluent's own client finds under
 * {@code <output topic>-io.embedstream.avro.EnrichedRecord}, and no {@code <output topic>-value} subject appears.
 */
class SubjectNameStrategyIT {
    private static final int RECORDS = 20;

    @TempDir
    Path stateDir;

    @Test
    void shouldRegisterTheOutputSchemaUnderTheTopicRecordSubject() throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        ApicurioRegistry apicurio = ApicurioRegistry.shared();
        String input = TestTopics.unique("strategy-in");
        String output = TestTopics.unique("strategy-out");
        broker.createTopics(2, input, output, input + ".dlq");

        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("application-id", TestTopics.unique("strategy-app"));
        overrides.put("topics.input", input);
        overrides.put("topics.output", output);
        overrides.put("kafka.bootstrap.servers", broker.bootstrapServers());
        overrides.put("kafka.state.dir", stateDir.toString());
        overrides.put("registry.url", apicurio.ccompatUrl());
        overrides.put("registry.subject-name-strategy", "topic-record");
        overrides.put("model.dir", TestData.model("grenade-mlp").toString());
        overrides.put("model.layer", "dense_761");
        overrides.put("batching.linger-ms", "10");
        AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);

        ConfluentAvroSerializer<FeatureRecord> inputs = new ConfluentAvroSerializer<>(
                new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl())), true);
        List<KeyValue<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            List<Float> features = new ArrayList<>(Collections.nCopies(12, 0.1f * i));
            records.add(KeyValue.pair(bytes("s-" + i), inputs.serialize(input,
                    FeatureRecord.newBuilder().setId("s-" + i).setFeatures(features).build())));
        }
        KafkaTestClients.produce(broker.bootstrapServers(), input, records);

        List<ConsumerRecord<byte[], byte[]>> out;
        try (EmbedService service = EmbedService.start(config)) {
            out = KafkaTestClients.consume(broker.bootstrapServers(), output, RECORDS, Duration.ofSeconds(120),
                    IsolationLevel.READ_COMMITTED);
        }

        assertThat(out).hasSize(RECORDS);
        try (ConfluentOracle confluent = new ConfluentOracle(apicurio.ccompatUrl())) {
            int id = confluent.id(output + "-io.embedstream.avro.EnrichedRecord", EnrichedRecord.getClassSchema());
            assertThat(out).allSatisfy(r -> assertThat(ConfluentWireFormat.schemaId(r.value())).isEqualTo(id));
            assertThat(confluent.decode(out.get(0).value()).as(EnrichedRecord.class).getDimension()).isEqualTo(8);
            assertThatThrownBy(() -> confluent.latest(output + "-value")).hasMessageContaining("40401");
        }
    }
}
