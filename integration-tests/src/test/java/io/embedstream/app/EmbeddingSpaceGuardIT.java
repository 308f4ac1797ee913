package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigException;
import io.embedstream.config.ConfigLoader;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.stream.EmbeddingSpace;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestData;
import io.embedstream.testing.TestTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding-space guard on a real broker: outputs of the fixed {@code FeatureRecord} path carry the space
 * headers; a restart with another layer of the same model on the same output topic refuses to start and names both
 * layers; {@code output.allow-space-change} lets it start, and its outputs then carry the new space.
 */
class EmbeddingSpaceGuardIT {

    @TempDir
    Path work;

    /** One application id for every start, so that each continues where the previous one committed. */
    private final String applicationId = TestTopics.unique("guard-app");

    @Test
    void shouldRefuseARestartWithAnotherLayerUnlessTheSpaceChangeIsAllowed() throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        String input = TestTopics.unique("guard-in");
        String output = TestTopics.unique("guard-out");
        broker.createTopics(2, input, output, input + ".dlq");
        // A record from before the headers existed (or from another producer) must not block start-up.
        KafkaTestClients.produce(broker.bootstrapServers(), output, List.of(KeyValue.pair(bytes("old"),
                bytes("written by an older embedstream"))));

        produce(input, 0, 20);
        try (EmbedService service = EmbedService.start(config(input, output, "dense_761", false))) {
            KafkaTestClients.consume(broker.bootstrapServers(), output, 21, Duration.ofSeconds(120),
                    IsolationLevel.READ_COMMITTED);
        }
        List<ConsumerRecord<byte[], byte[]>> first = KafkaTestClients.consume(broker.bootstrapServers(), output, 21,
                Duration.ofSeconds(30), IsolationLevel.READ_COMMITTED);
        String space761 = spaces(first).get(0);
        assertThat(spaces(first)).hasSize(20).containsOnly(space761);
        assertThat(first).filteredOn(r -> r.headers().lastHeader(EmbeddingSpace.MODEL_HEADER) != null)
                .allSatisfy(r -> assertThat(EmbeddingSpace.descriptionOf(r.headers())).hasValue(
                        "model=grenade-mlp;version=1;layer=dense_761;pooling=none;normalization=l2;dimension=8"));

        // The same layer again is the same space: it starts (and, with the same application id, has nothing to do).
        try (EmbedService service = EmbedService.start(config(input, output, "dense_761", false))) {
            assertThat(service.runner().awaitRunning(Duration.ofSeconds(60))).isTrue();
        }

        AppConfig other = config(input, output, "dense_760", false);
        assertThatThrownBy(() -> EmbedService.start(other).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("output topic '" + output + "' was written in another embedding space")
                .hasMessageContaining("layer=dense_761")
                .hasMessageContaining("layer=dense_760")
                .hasMessageContaining("dimension=8")
                .hasMessageContaining("dimension=16")
                .hasMessageContaining("output.allow-space-change: true");

        produce(input, 20, 10);
        try (EmbedService service = EmbedService.start(config(input, output, "dense_760", true))) {
            KafkaTestClients.consume(broker.bootstrapServers(), output, 31, Duration.ofSeconds(120),
                    IsolationLevel.READ_COMMITTED);
        }
        List<ConsumerRecord<byte[], byte[]>> all = KafkaTestClients.consume(broker.bootstrapServers(), output, 31,
                Duration.ofSeconds(30), IsolationLevel.READ_COMMITTED);
        List<String> spaces = spaces(all);
        assertThat(spaces).hasSize(30);
        assertThat(spaces.stream().filter(s -> !s.equals(space761)).distinct()).hasSize(1);
        assertThat(spaces.stream().filter(s -> !s.equals(space761))).hasSize(10);

        // Now the topic ends in dense_760's space: dense_761 is the one refused.
        assertThatThrownBy(() -> EmbedService.start(config(input, output, "dense_761", false)).close())
                .isInstanceOf(ConfigException.class).hasMessageContaining("layer=dense_760")
                .hasMessageContaining("this configuration writes space " + space761);
    }

    private void produce(String input, int from, int count) {
        SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(ApicurioRegistry.shared()
                .ccompatUrl()));
        ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(registry, true);
        Random random = new Random(from);
        List<KeyValue<byte[], byte[]>> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            List<Float> features = new ArrayList<>();
            for (int j = 0; j < 12; j++) {
                features.add((float) random.nextGaussian());
            }
            records.add(KeyValue.pair(bytes("g-" + i), serializer.serialize(input,
                    FeatureRecord.newBuilder().setId("g-" + i).setFeatures(features).build())));
        }
        KafkaTestClients.produce(SharedKafka.broker().bootstrapServers(), input, records);
    }

    /** The space ids of the records that have one, in partition order. */
    private static List<String> spaces(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> EmbeddingSpace.idOf(r.headers())).filter(java.util.Optional::isPresent)
                .map(java.util.Optional::get).toList();
    }

    private AppConfig config(String input, String output, String layer, boolean allowChange) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("application-id", applicationId);
        overrides.put("topics.input", input);
        overrides.put("topics.output", output);
        overrides.put("kafka.bootstrap.servers", SharedKafka.broker().bootstrapServers());
        overrides.put("kafka.state.dir", work.resolve("state").toString());
        // A restarted instance joins while the group still holds the stopped one until its session expires.
        overrides.put("kafka.session.timeout.ms", "6000");
        overrides.put("registry.url", ApicurioRegistry.shared().ccompatUrl());
        overrides.put("model.dir", TestData.model("grenade-mlp").toString());
        overrides.put("model.layer", layer);
        overrides.put("output.allow-space-change", Boolean.toString(allowChange));
        overrides.put("batching.linger-ms", "20");
        return new ConfigLoader().load(null, Map.of(), overrides);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
