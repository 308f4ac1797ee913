package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestData;
import io.embedstream.testing.TestTopics;
import io.micrometer.core.instrument.DistributionSummary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of all partitions of a stream thread share batches, and each result still goes out on its own
 * partition, in the order its records came in: one stream thread, eight input partitions, a steady trickle of
 * records across all of them.
 */
class CrossPartitionBatchingIT {

    private static final Logger LOG = LoggerFactory.getLogger(CrossPartitionBatchingIT.class);
    private static final int PARTITIONS = 8;
    private static final int RECORDS = 1200;

    @TempDir
    Path work;

    @Test
    void shouldFillBatchesFromSeveralPartitionsAndForwardEachResultOnItsOwnPartitionInOrder() throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        String registryUrl = ApicurioRegistry.shared().ccompatUrl();
        String input = TestTopics.unique("cross-in");
        String output = TestTopics.unique("cross-out");
        broker.createTopics(PARTITIONS, input, output, input + ".dlq");
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("application-id", TestTopics.unique("cross-app"));
        overrides.put("topics.input", input);
        overrides.put("topics.output", output);
        overrides.put("kafka.bootstrap.servers", broker.bootstrapServers());
        overrides.put("kafka.state.dir", work.resolve("state").toString());
        overrides.put("registry.url", registryUrl);
        overrides.put("model.dir", TestData.model("grenade-mlp").toString());
        overrides.put("model.layer", "dense_761");
        overrides.put("batching.max-size", "64");
        overrides.put("batching.linger-ms", "100");
        overrides.put("processing.stream-threads", "1");
        AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);
        SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(registryUrl));
        ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(registry, true);

        List<ConsumerRecord<byte[], byte[]>> out;
        DistributionSummary partitionsPerBatch;
        DistributionSummary batchSizes;
        try (EmbedService service = EmbedService.start(config);
                Producer<byte[], byte[]> producer = KafkaTestClients.producer(broker.bootstrapServers())) {
            assertThat(service.runner().awaitRunning(Duration.ofSeconds(60))).isTrue();
            Random random = new Random(3);
            // A steady 600 records/s, keyed so that the default partitioner spreads them over all partitions: at
            // this rate one partition alone gets about 7 records per linger time, the thread about 60.
            for (int i = 0; i < RECORDS; i++) {
                String id = "r" + i;
                producer.send(new ProducerRecord<>(input, id.getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(input, FeatureRecord.newBuilder().setId(id).setFeatures(row(random)).build())));
                if (i % 30 == 29) {
                    producer.flush();
                    Thread.sleep(50);
                }
            }
            producer.flush();
            out = KafkaTestClients.consumeCommitted(broker.bootstrapServers(), output, RECORDS, Duration.ofSeconds(120));
            partitionsPerBatch = service.metrics().batchPartitions();
            batchSizes = service.metrics().batchSize();
            LOG.info("{} batches, mean size {}, partitions per batch mean {} max {}", batchSizes.count(),
                    batchSizes.mean(), partitionsPerBatch.mean(), partitionsPerBatch.max());
            assertThat(partitionsPerBatch.max()).as("a batch holds records of several partitions").isGreaterThanOrEqualTo(4);
            assertThat(batchSizes.mean()).as("batches are larger than one partition's share of a linger time")
                    .isGreaterThan(16);
        }

        ConfluentAvroDeserializer<EnrichedRecord> reader = ConfluentAvroDeserializer.specific(registry, EnrichedRecord.class);
        assertThat(out).hasSize(RECORDS);
        Map<Integer, Long> lastOffset = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            EnrichedRecord e = reader.deserialize(output, r.value());
            ids.add(e.getId());
            assertThat(e.getSourcePartition()).as("%s went out on its own partition", e.getId()).isEqualTo(r.partition());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(e.getId());
            Long previous = lastOffset.put(r.partition(), e.getSourceOffset());
            if (previous != null) {
                assertThat(e.getSourceOffset()).as("partition %d keeps input order", r.partition()).isGreaterThan(previous);
            }
        }
        assertThat(ids).doesNotHaveDuplicates().hasSize(RECORDS);
        assertThat(lastOffset).as("every partition had records").hasSize(PARTITIONS);
    }

    private static List<Float> row(Random random) {
        List<Float> f = new ArrayList<>(12);
        for (int i = 0; i < 12; i++) {
            f.add((float) random.nextGaussian());
        }
        return f;
    }
}
