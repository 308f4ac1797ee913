package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedstream.config.ConfigLoader;
import io.embedstream.config.ModelConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelLoader;
import io.embedstream.stream.DeadLetterHeaders;
import io.embedstream.stream.EmbeddingSpace;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.ConfluentOracle;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestData;
import io.embedstream.testing.TestTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code input.format: json} end to end on the in-JVM broker with grenade-mlp: JSON documents from a producer
 * without a registry, bad documents each dead-lettered with its reason, and the output as JSON (the document plus
 * the embedding) or as Avro (decoded by Confluent's client against Apicurio).
 */
class JsonEnrichmentIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int GOOD = 200;

    @TempDir
    Path work;

    /** The good documents by id, with their features; the bad ones by key, with the reason each must get. */
    private record Inputs(Map<String, String> good, Map<String, float[]> features, Map<String, String> badReasons,
            List<KeyValue<byte[], byte[]>> records) {}

    private static Inputs inputs() {
        Random random = new Random(77);
        Map<String, String> good = new LinkedHashMap<>();
        Map<String, float[]> features = new LinkedHashMap<>();
        List<KeyValue<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < GOOD; i++) {
            StringBuilder numbers = new StringBuilder();
            float[] f = new float[12];
            for (int j = 0; j < 12; j++) {
                f[j] = (float) (random.nextGaussian() * 2);
                numbers.append(j == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6f", f[j]));
                f[j] = Float.parseFloat(String.format(Locale.ROOT, "%.6f", f[j]));
            }
            String id = "j-" + i;
            // Nested objects, numbers spelled the producer's way, unicode, white space: all must come back as sent.
            String doc = "{\"id\": \"" + id + "\", \"user\": {\"name\": \"Zoë " + i + "\", \"tier\": 1.50},\n"
                    + "  \"signal\": {\"features\": [" + numbers + "], \"source\": \"web\"}, \"tags\": [\"a\", null],"
                    + " \"ok\": true}";
            good.put(id, doc);
            features.put(id, f);
            records.add(KeyValue.pair(bytes("key-" + id), bytes(doc)));
        }
        Map<String, String> bad = new LinkedHashMap<>();
        Map<String, String> badDocs = new LinkedHashMap<>();
        badDocs.put("not-json", "features: 1, 2, 3");
        bad.put("not-json", "NOT_JSON");
        badDocs.put("truncated", "{\"id\": \"t\", \"signal\": {\"features\": [1, 2");
        bad.put("truncated", "NOT_JSON");
        badDocs.put("array", "[1, 2, 3]");
        bad.put("array", "NOT_JSON");
        badDocs.put("missing", "{\"id\": \"m\", \"signal\": {\"source\": \"web\"}}");
        bad.put("missing", "MISSING_FIELD");
        badDocs.put("null", "{\"id\": \"n\", \"signal\": null}");
        bad.put("null", "MISSING_FIELD");
        badDocs.put("wrong-type", "{\"id\": \"w\", \"signal\": {\"features\": {\"a\": 1}}}");
        bad.put("wrong-type", "WRONG_FIELD_TYPE");
        badDocs.put("wrong-element", "{\"id\": \"e\", \"signal\": {\"features\": [1,2,3,4,5,6,7,8,9,10,11,\"12\"]}}");
        bad.put("wrong-element", "WRONG_FIELD_TYPE");
        badDocs.put("short", "{\"id\": \"s\", \"signal\": {\"features\": [1, 2, 3]}}");
        bad.put("short", "WRONG_DIMENSION");
        badDocs.put("clash", "{\"id\": \"c\", \"embedding\": [], \"signal\": {\"features\": [1,2,3,4,5,6,7,8,9,10,11,12]}}");
        bad.put("clash", "FIELD_NAME_CLASH");
        badDocs.forEach((key, doc) -> records.add(KeyValue.pair(bytes(key), bytes(doc))));
        return new Inputs(good, features, bad, records);
    }

    @Test
    void shouldEnrichJsonDocumentsAsJsonAndDeadLetterEveryBadDocumentWithItsReason() throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        String input = TestTopics.unique("json-in");
        String output = TestTopics.unique("json-out");
        broker.createTopics(3, input, output, input + ".dlq");
        Inputs inputs = inputs();
        KafkaTestClients.produce(broker.bootstrapServers(), input, inputs.records());
        Map<String, String> overrides = config(input, output);
        overrides.remove("registry.url"); // JSON in, JSON out: no registry at all
        overrides.put("output.metadata-field", "embedding_meta");

        List<ConsumerRecord<byte[], byte[]>> out;
        List<ConsumerRecord<byte[], byte[]>> dead;
        try (EmbedService service = EmbedService.start(new ConfigLoader().load(null, Map.of(), overrides))) {
            out = KafkaTestClients.consume(broker.bootstrapServers(), output, GOOD, Duration.ofSeconds(120),
                    IsolationLevel.READ_COMMITTED);
            dead = KafkaTestClients.consume(broker.bootstrapServers(), input + ".dlq", inputs.badReasons().size(),
                    Duration.ofSeconds(60), IsolationLevel.READ_COMMITTED);
        }

        Map<String, float[]> expected = direct(inputs.features());
        assertThat(out).hasSize(GOOD);
        for (ConsumerRecord<byte[], byte[]> r : out) {
            String text = new String(r.value(), StandardCharsets.UTF_8);
            ObjectNode doc = (ObjectNode) JSON.readTree(text);
            String id = doc.get("id").asText();
            String sent = inputs.good().get(id);
            // The document as sent, byte for byte, then the added fields.
            assertThat(text).startsWith(sent.substring(0, sent.length() - 1) + ",\"embedding\":[");
            JsonNode embedding = doc.remove("embedding");
            JsonNode meta = doc.remove("embedding_meta");
            assertThat(doc).isEqualTo(JSON.readTree(sent));
            assertThat(embedding).hasSize(8);
            for (int i = 0; i < 8; i++) {
                assertThat(Math.abs(embedding.get(i).doubleValue() - expected.get(id)[i])).as("%s[%d]", id, i)
                        .isLessThanOrEqualTo(1e-5);
            }
            assertThat(meta.get("layer").asText()).isEqualTo("dense_761");
            assertThat(meta.get("dimension").asInt()).isEqualTo(8);
            assertThat(EmbeddingSpace.idOf(r.headers())).hasValue(meta.get("embeddingSpace").asText());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("key-" + id);
        }
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            reasons.put(new String(d.key(), StandardCharsets.UTF_8), DeadLetterHeaders.get(d.headers(),
                    DeadLetterHeaders.REASON));
            assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.MESSAGE)).startsWith("record " + input);
        }
        assertThat(reasons).containsExactlyInAnyOrderEntriesOf(inputs.badReasons());
        assertThat(GenericAvroEnrichmentIT.message(dead, "missing"))
                .contains("input.field 'signal.features': 'signal' has no field 'features'");
        assertThat(GenericAvroEnrichmentIT.message(dead, "wrong-type"))
                .contains("input.field 'signal.features' is an object; expected a string (image URI) or an array");
        assertThat(GenericAvroEnrichmentIT.message(dead, "wrong-element"))
                .contains("input.field 'signal.features'[11] is a string; expected a number");
    }

    @Test
    void shouldWriteJsonInputAsAvroThatConfluentsClientDecodes() throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        ApicurioRegistry apicurio = ApicurioRegistry.shared();
        String input = TestTopics.unique("json-in");
        String output = TestTopics.unique("json-avro-out");
        broker.createTopics(2, input, output, input + ".dlq");
        Inputs inputs = inputs();
        KafkaTestClients.produce(broker.bootstrapServers(), input, inputs.records());
        Map<String, String> overrides = config(input, output);
        overrides.put("output.format", "avro");
        overrides.put("output.key-field", "id");

        List<ConsumerRecord<byte[], byte[]>> out;
        List<ConsumerRecord<byte[], byte[]>> dead;
        try (EmbedService service = EmbedService.start(new ConfigLoader().load(null, Map.of(), overrides))) {
            out = KafkaTestClients.consume(broker.bootstrapServers(), output, GOOD, Duration.ofSeconds(120),
                    IsolationLevel.READ_COMMITTED);
            dead = KafkaTestClients.consume(broker.bootstrapServers(), input + ".dlq", inputs.badReasons().size(),
                    Duration.ofSeconds(60), IsolationLevel.READ_COMMITTED);
        }

        Map<String, float[]> expected = direct(inputs.features());
        try (ConfluentOracle confluent = new ConfluentOracle(apicurio.ccompatUrl())) {
            assertThat(out).hasSize(GOOD);
            for (ConsumerRecord<byte[], byte[]> r : out) {
                ConfluentOracle.Decoded decoded = confluent.decode(r.value());
                GenericRecord record = GenericAvroEnrichmentIT.read(decoded, decoded.writerSchema());
                String id = new String(r.key(), StandardCharsets.UTF_8);
                assertThat(decoded.writerSchema().getFullName()).isEqualTo("io.embedstream.avro.JsonDocument");
                assertThat(record.get("document").toString()).isEqualTo(inputs.good().get(id));
                GenericAvroEnrichmentIT.assertEmbedding(id, record.get("embedding"), expected.get(id));
            }
            assertThat(confluent.client().getAllVersions(output + "-value")).containsExactly(1);
        }
        assertThat(GenericAvroEnrichmentIT.reasons(dead)).containsExactlyInAnyOrderEntriesOf(inputs.badReasons());
    }

    private Map<String, String> config(String input, String output) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("application-id", TestTopics.unique("json-app"));
        overrides.put("topics.input", input);
        overrides.put("topics.output", output);
        overrides.put("input.format", "json");
        overrides.put("input.field", "signal.features");
        overrides.put("kafka.bootstrap.servers", SharedKafka.broker().bootstrapServers());
        overrides.put("kafka.state.dir", work.resolve("state").toString());
        overrides.put("registry.url", ApicurioRegistry.shared().ccompatUrl());
        overrides.put("model.dir", TestData.model("grenade-mlp").toString());
        overrides.put("model.layer", "dense_761");
        overrides.put("embedding.normalize", "none");
        overrides.put("batching.linger-ms", "20");
        return overrides;
    }

    /** grenade-mlp's dense_761 on the features, run directly. */
    private static Map<String, float[]> direct(Map<String, float[]> features) {
        Map<String, float[]> out = new HashMap<>();
        try (EmbeddingModel model = ModelLoader.load(ModelConfig.of(TestData.model("grenade-mlp"), "dense_761"), 1);
                InferenceSession session = model.openSession()) {
            List<String> ids = new ArrayList<>(features.keySet());
            FloatBatch result = session.run(FloatBatch.ofRows(ids.stream().map(features::get)
                    .toArray(float[][]::new), 12));
            for (int i = 0; i < ids.size(); i++) {
                out.put(ids.get(i), result.row(i));
            }
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
