package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.dev.registry.EmbeddedSchemaRegistry;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.stream.DeadLetterHeaders;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.RejectingModel;
import io.embedstream.testing.TestData;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestTopics;
import io.micrometer.core.instrument.DistributionSummary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Micro-batching through the real broker: fault isolation within a batch, and batch size against load. */
class BatchingIT {

    private static final Logger LOG = LoggerFactory.getLogger(BatchingIT.class);

    private static EmbeddedSchemaRegistry registryServer;
    private static SchemaRegistryClient registry;

    @TempDir
    Path work;

    @BeforeAll
    static void startRegistry() {
        registryServer = EmbeddedSchemaRegistry.start();
        registry = new SchemaRegistryClient(RegistryConfig.of(registryServer.url()));
    }

    @AfterAll
    static void stopRegistry() {
        registryServer.close();
    }

    private AppConfig config(String input, String output, Path modelDir, Map<String, String> extra) {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        broker.createTopics(1, input, output, input + ".dlq");
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("application-id", TestTopics.unique("batching-app"));
        overrides.put("topics.input", input);
        overrides.put("topics.output", output);
        overrides.put("kafka.bootstrap.servers", broker.bootstrapServers());
        overrides.put("kafka.state.dir", work.resolve("state").toString());
        overrides.put("registry.url", registryServer.url());
        overrides.put("model.dir", modelDir.toString());
        overrides.put("ops.port", "0");
        overrides.putAll(extra);
        return new ConfigLoader().load(null, Map.of(), overrides);
    }

    private static byte[] feature(String topic, String id, float... values) {
        List<Float> list = new ArrayList<>();
        for (float v : values) {
            list.add(v);
        }
        return new ConfluentAvroSerializer<FeatureRecord>(registry, true).serialize(topic,
                FeatureRecord.newBuilder().setId(id).setFeatures(list).build());
    }

    @Test
    void shouldDeadLetterExactlyTheRecordTheModelRejectsAndEnrichItsNeighbours() throws Exception {
        String input = TestTopics.unique("mixed-in");
        String output = TestTopics.unique("mixed-out");
        Path model = RejectingModel.export(work.resolve("rejecting-model"));
        // One batch of 8: the whole batch is in the buffer before the linger time passes.
        AppConfig config = config(input, output, model, Map.of("batching.max-size", "8", "batching.linger-ms", "60000",
                "embedding.normalize", "none"));
        String bootstrap = config.kafka().get("bootstrap.servers");
        try (Producer<byte[], byte[]> producer = KafkaTestClients.producer(bootstrap)) {
            for (int i = 0; i < 8; i++) {
                float v = i == 5 ? -1f : i;
                producer.send(new ProducerRecord<>(input, bytes("m" + i), feature(input, "m" + i, v, 1, 4, 9)));
            }
        }
        List<ConsumerRecord<byte[], byte[]>> out;
        List<ConsumerRecord<byte[], byte[]>> dead;
        try (EmbedService service = EmbedService.start(config)) {
            out = KafkaTestClients.consume(bootstrap, output, 7, Duration.ofSeconds(60), IsolationLevel.READ_COMMITTED);
            dead = KafkaTestClients.consume(bootstrap, input + ".dlq", 1, Duration.ofSeconds(30), IsolationLevel.READ_COMMITTED);
            DistributionSummary batches = service.metrics().batchSize();
            assertThat(batches.count()).as("the 8 records ran as one batch").isEqualTo(1);
        }
        ConfluentAvroDeserializer<EnrichedRecord> reader = ConfluentAvroDeserializer.specific(registry, EnrichedRecord.class);
        List<EnrichedRecord> enriched = out.stream().map(r -> reader.deserialize(output, r.value())).toList();
        assertThat(enriched).extracting(EnrichedRecord::getId).containsExactly("m0", "m1", "m2", "m3", "m4", "m6", "m7");
        EnrichedRecord m4 = enriched.get(4);
        assertThat(m4.getEmbedding()).containsExactly(4f, 2f, 4f, 6f); // 2 * sqrt(4, 1, 4, 9)
        assertThat(dead).hasSize(1);
        assertThat(string(dead.get(0).key())).isEqualTo("m5");
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.REASON)).isEqualTo("MODEL_REJECTED");
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.OFFSET)).isEqualTo("5");
        assertThat(DeadLetterHeaders.get(dead.get(0).headers(), DeadLetterHeaders.MESSAGE))
                .contains("input must be non-negative");
    }

    @Test
    void shouldGrowBatchesWithLoadAndKeepIdleLatencyNearLinger() throws Exception {
        String input = TestTopics.unique("load-in");
        String output = TestTopics.unique("load-out");
        long lingerMs = 100;
        AppConfig config = config(input, output, TestData.model("grenade-mlp"),
                Map.of("batching.max-size", "64", "batching.linger-ms", Long.toString(lingerMs)));
        String bootstrap = config.kafka().get("bootstrap.servers");
        Random random = new Random(5);
        try (EmbedService service = EmbedService.start(config);
                Producer<byte[], byte[]> producer = KafkaTestClients.producer(bootstrap)) {
            assertThat(service.runner().awaitRunning(Duration.ofSeconds(60))).isTrue();
            // Warm-up: the first record also pays one-time costs (the producer's first metadata fetch for the
            // output topic, the reader schema lookup); it is not part of the measurement.
            producer.send(new ProducerRecord<>(input, bytes("warm-up"), feature(input, "warm-up", row(random)))).get();
            KafkaTestClients.consume(bootstrap, output, 1, Duration.ofSeconds(30), IsolationLevel.READ_COMMITTED);
            DistributionSummary batches = service.metrics().batchSize();
            double warmUpBatches = batches.count();

            // Idle input: one record every 400 ms. Each waits out the linger time alone.
            int idle = 15;
            for (int i = 0; i < idle; i++) {
                producer.send(new ProducerRecord<>(input, bytes("i" + i), feature(input, "i" + i, row(random)))).get();
                Thread.sleep(400);
            }
            List<ConsumerRecord<byte[], byte[]>> idleOut = KafkaTestClients.consume(bootstrap, output, 1 + idle,
                    Duration.ofSeconds(30), IsolationLevel.READ_COMMITTED).subList(1, 1 + idle);
            long idleBatches = batches.count() - (long) warmUpBatches;
            double idleMean = (batches.totalAmount() - 1) / idleBatches;
            // End to end: the output record keeps the input's timestamp (when it was produced); embeddedAt is
            // when its batch ran.
            ConfluentAvroDeserializer<EnrichedRecord> reader = ConfluentAvroDeserializer.specific(registry, EnrichedRecord.class);
            long[] latencies = idleOut.stream()
                    .mapToLong(r -> reader.deserialize(output, r.value()).getEmbeddedAt().toEpochMilli() - r.timestamp())
                    .sorted().toArray();
            long medianMs = latencies[latencies.length / 2];
            long maxMs = latencies[latencies.length - 1];

            // Load: 4,000 records as fast as the producer goes.
            int load = 4000;
            for (int i = 0; i < load; i++) {
                producer.send(new ProducerRecord<>(input, bytes("l" + i), feature(input, "l" + i, row(random))));
            }
            producer.flush();
            KafkaTestClients.consume(bootstrap, output, 1 + idle + load, Duration.ofSeconds(120), IsolationLevel.READ_COMMITTED);
            long loadBatches = batches.count() - idleBatches - (long) warmUpBatches;
            double loadMean = (batches.totalAmount() - 1 - idle) / loadBatches;

            LOG.info("mean batch size: idle {} ({} batches), load {} ({} batches); idle latency median {} ms, max {} ms "
                    + "(linger {} ms); all {}", idleMean, idleBatches, loadMean, loadBatches, medianMs, maxMs, lingerMs,
                    java.util.Arrays.toString(latencies));
            assertThat(idleMean).as("idle input runs alone").isLessThanOrEqualTo(1.5);
            assertThat(loadMean).as("batches grow with load").isGreaterThan(8 * idleMean);
            assertThat(medianMs).as("an idle record waits about linger-ms").isBetween(lingerMs, lingerMs + 100);
            assertThat(maxMs).as("and never much longer").isLessThan(lingerMs + 300);
        }
    }

    private static float[] row(Random random) {
        float[] f = new float[12];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) random.nextGaussian();
        }
        return f;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
