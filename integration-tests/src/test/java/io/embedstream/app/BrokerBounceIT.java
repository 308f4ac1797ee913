package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.dev.registry.EmbeddedSchemaRegistry;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.OutputReader;
import io.embedstream.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker goes away for 12 s in the middle of a stream and comes back on the same port. The
 * service (exactly_once_v2) rides it out: every input id is in the committed output exactly once,
 * and the stream thread never dies.
 */
class BrokerBounceIT {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerBounceIT.class);
    private static final int RECORDS = 4000;

    @TempDir
    Path work;

    @Test
    void shouldLoseNothingWhenTheBrokerIsDownForTwelveSeconds() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
                EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start()) {
            broker.createTopics(2, "bounce-in", "bounce-out", "bounce-in.dlq");
            Map<String, String> overrides = new LinkedHashMap<>();
            overrides.put("application-id", "bounce-app");
            overrides.put("topics.input", "bounce-in");
            overrides.put("topics.output", "bounce-out");
            overrides.put("kafka.bootstrap.servers", broker.bootstrapServers());
            overrides.put("kafka.state.dir", work.resolve("state").toString());
            overrides.put("registry.url", registryServer.url());
            overrides.put("model.dir", TestData.model("grenade-mlp").toString());
            overrides.put("ops.port", "0");
            AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);
            SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(registryServer.url()));
            ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(registry, true);

            AtomicInteger sent = new AtomicInteger();
            AtomicReference<Throwable> producerFailure = new AtomicReference<>();
            Thread producer = new Thread(() -> {
                Random random = new Random(3);
                try (Producer<byte[], byte[]> p = KafkaTestClients.producer(broker.bootstrapServers())) {
                    for (int i = 0; i < RECORDS; i++) {
                        List<Float> f = new ArrayList<>();
                        for (int j = 0; j < 12; j++) {
                            f.add((float) random.nextGaussian());
                        }
                        String id = "b" + i;
                        p.send(new ProducerRecord<>("bounce-in", id.getBytes(StandardCharsets.UTF_8),
                                serializer.serialize("bounce-in", FeatureRecord.newBuilder().setId(id).setFeatures(f).build())));
                        sent.incrementAndGet();
                        Thread.sleep(5);
                    }
                    p.flush();
                } catch (Throwable t) {
                    producerFailure.set(t);
                }
            }, "bounce-producer");

            try (EmbedService service = EmbedService.start(config)) {
                assertThat(service.runner().awaitRunning(Duration.ofSeconds(60))).isTrue();
                producer.start();
                assertThat(OutputReader.await(() -> sent.get() > RECORDS / 4, Duration.ofSeconds(60))).isTrue();
                broker.stop();
                LOG.info("broker stopped after {} records were sent", sent.get());
                Thread.sleep(12_000);
                broker.start();
                LOG.info("broker back after 12 s");
                producer.join(180_000);
                assertThat(producerFailure.get()).isNull();

                try (OutputReader committed = new OutputReader(broker.bootstrapServers(), "bounce-out", 2,
                        IsolationLevel.READ_COMMITTED, registry)) {
                    boolean complete = OutputReader.await(() -> committed.distinct() >= RECORDS, Duration.ofMinutes(3));
                    Thread.sleep(1000);
                    assertThat(complete).as("all %d ids in the committed output", RECORDS).isTrue();
                    assertThat(committed.counts().values()).as("each exactly once").containsOnly(1);
                    assertThat(committed.total()).isEqualTo(RECORDS);
                }
                assertThat(service.runner().failure()).as("no stream thread died").isNull();
                assertThat(service.runner().state().isRunningOrRebalancing()).isTrue();
            }
        }
    }
}
