package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.config.ModelConfig;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelLoader;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.ConfluentWireFormat;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.stream.DeadLetterHeaders;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.ConfluentOracle;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.TestData;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service foundation end to end: 1,000 grenade-mlp feature records through the real in-JVM
 * broker and a real Apicurio registry, read back with Confluent's own registry client, compared with
 * direct in-process inference; bad records land in the dead-letter topic with their provenance.
 */
class GrenadeEndToEndIT {

    private static final int RECORDS = 1000;
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path stateDir;

    @Test
    void shouldEnrichThousandFeatureRecordsAndDeadLetterTheBadOnes() throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        ApicurioRegistry apicurio = ApicurioRegistry.shared();
        String input = TestTopics.unique("grenade-in");
        String output = TestTopics.unique("grenade-out");
        String deadLetter = input + ".dlq";
        broker.createTopics(3, input, output, deadLetter);
        Path modelDir = TestData.model("grenade-mlp");

        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("application-id", TestTopics.unique("grenade-app"));
        overrides.put("topics.input", input);
        overrides.put("topics.output", output);
        overrides.put("kafka.bootstrap.servers", broker.bootstrapServers());
        overrides.put("kafka.state.dir", stateDir.toString());
        overrides.put("registry.url", apicurio.ccompatUrl());
        overrides.put("model.dir", modelDir.toString());
        overrides.put("ops.port", "0");
        overrides.put("embedding.normalize", "none");
        overrides.put("batching.max-size", "32");
        overrides.put("batching.linger-ms", "20");
        AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);

        // Inputs: 1,000 valid records and five bad ones.
        Random random = new Random(2026);
        Map<String, float[]> features = new LinkedHashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            float[] f = new float[12];
            for (int j = 0; j < f.length; j++) {
                f[j] = (float) (random.nextGaussian() * 2);
            }
            features.put(String.format("g-%04d", i), f);
        }
        SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl()));
        ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(registry, true);
        List<KeyValue<byte[], byte[]>> records = new ArrayList<>();
        features.forEach((id, f) -> records.add(KeyValue.pair(bytes(id), serializer.serialize(input,
                FeatureRecord.newBuilder().setId(id).setFeatures(toList(f)).setAttributes(Map.of("n", id)).build()))));
        records.add(KeyValue.pair(bytes("bad-bytes"), bytes("definitely not avro")));
        records.add(KeyValue.pair(bytes("bad-dim"), serializer.serialize(input,
                FeatureRecord.newBuilder().setId("bad-dim").setFeatures(toList(new float[11])).build())));
        float[] nan = new float[12];
        nan[5] = Float.NaN;
        records.add(KeyValue.pair(bytes("bad-nan"), serializer.serialize(input,
                FeatureRecord.newBuilder().setId("bad-nan").setFeatures(toList(nan)).build())));
        float[] inf = new float[12];
        inf[0] = Float.NEGATIVE_INFINITY;
        records.add(KeyValue.pair(bytes("bad-inf"), serializer.serialize(input,
                FeatureRecord.newBuilder().setId("bad-inf").setFeatures(toList(inf)).build())));
        records.add(KeyValue.pair(bytes("bad-magic"), new byte[] {1, 0, 0, 0, 1, 2, 3}));
        KafkaTestClients.produce(broker.bootstrapServers(), input, records);

        List<ConsumerRecord<byte[], byte[]>> out;
        List<ConsumerRecord<byte[], byte[]>> dead;
        try (EmbedService service = EmbedService.start(config)) {
            out = KafkaTestClients.consume(broker.bootstrapServers(), output, RECORDS, Duration.ofSeconds(120),
                    IsolationLevel.READ_COMMITTED);
            dead = KafkaTestClients.consume(broker.bootstrapServers(), deadLetter, 5, Duration.ofSeconds(30),
                    IsolationLevel.READ_COMMITTED);
        }

        // Reference: the same model, run directly in this JVM on all inputs at once.
        Map<String, Float> reference = new HashMap<>();
        try (EmbeddingModel model = ModelLoader.load(ModelConfig.of(modelDir, null), 1);
                InferenceSession session = model.openSession()) {
            FloatBatch result = session.run(FloatBatch.ofRows(features.values().toArray(float[][]::new), 12));
            List<String> ids = new ArrayList<>(features.keySet());
            for (int i = 0; i < ids.size(); i++) {
                reference.put(ids.get(i), result.data()[i]);
            }
        }

        // Every output is read the Confluent way: the writer schema comes from Apicurio by id, through
        // Confluent's own registry client; the body is decoded with Avro.
        assertThat(out).hasSize(RECORDS);
        Map<String, GenericRecord> byId = new HashMap<>();
        try (ConfluentOracle confluent = new ConfluentOracle(apicurio.ccompatUrl())) {
            Map<Integer, Schema> schemas = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                ConfluentWireFormat.Frame frame = ConfluentWireFormat.parse(r.value());
                Schema writer = schemas.computeIfAbsent(frame.schemaId(), id -> {
                    try {
                        return confluent.schemaById(id);
                    } catch (Exception e) {
                        throw new AssertionError("Confluent's client cannot fetch schema " + id, e);
                    }
                });
                GenericRecord record = new GenericDatumReader<GenericRecord>(writer).read(null,
                        DecoderFactory.get().binaryDecoder(frame.bytes(), frame.payloadOffset(), frame.payloadLength(), null));
                byId.put(record.get("id").toString(), record);
            }
        }
        assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(features.keySet());
        for (Map.Entry<String, GenericRecord> e : byId.entrySet()) {
            GenericRecord r = e.getValue();
            @SuppressWarnings("unchecked")
            List<Float> embedding = (List<Float>) r.get("embedding");
            assertThat(r.get("dimension")).isEqualTo(1);
            assertThat(embedding).hasSize(1);
            assertThat((double) embedding.get(0)).as(e.getKey()).isCloseTo(reference.get(e.getKey()), within(TOLERANCE));
            assertThat(r.get("modelName").toString()).isEqualTo("grenade-mlp");
            assertThat(r.get("layer").toString()).isEqualTo("dense_762");
            assertThat(r.get("sourceTopic").toString()).isEqualTo(input);
            assertThat(((Map<?, ?>) r.get("attributes")).toString()).contains(e.getKey());
        }

        assertThat(dead).hasSize(5);
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            reasons.put(new String(d.key(), StandardCharsets.UTF_8), DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.REASON));
            assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.TOPIC)).isEqualTo(input);
            assertThat(Integer.parseInt(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.PARTITION))).isBetween(0, 2);
            assertThat(Long.parseLong(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.OFFSET))).isNotNegative();
            assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.CLASS)).isNotBlank();
            assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.MESSAGE)).startsWith("record " + input + "-");
        }
        assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bad-bytes", "UNDECODABLE", "bad-magic", "UNDECODABLE", "bad-dim", "WRONG_DIMENSION",
                "bad-nan", "NON_FINITE", "bad-inf", "NON_FINITE"));
        ConsumerRecord<byte[], byte[]> badBytes = dead.stream()
                .filter(d -> new String(d.key(), StandardCharsets.UTF_8).equals("bad-bytes")).findFirst().orElseThrow();
        assertThat(badBytes.value()).isEqualTo(bytes("definitely not avro"));
        assertThat(Files.exists(stateDir)).isTrue();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Float> toList(float[] f) {
        List<Float> list = new ArrayList<>(f.length);
        for (float x : f) {
            list.add(x);
        }
        return list;
    }
}
