package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigException;
import io.embedstream.config.ConfigLoader;
import io.embedstream.config.ImageConfig;
import io.embedstream.config.ModelConfig;
import io.embedstream.config.Normalization;
import io.embedstream.config.Pooling;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.fetch.ImageFetcher;
import io.embedstream.fetch.ImageRequest;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelLoader;
import io.embedstream.postprocess.Postprocessor;
import io.embedstream.preprocess.image.ImageDecoder;
import io.embedstream.preprocess.image.ImagePipeline;
import io.embedstream.preprocess.image.ImagePreprocessor;
import io.embedstream.preprocess.image.ImageResult;
import io.embedstream.preprocess.image.ImageSpec;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.stream.DeadLetterHeaders;
import io.embedstream.stream.EmbeddingSpace;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.ConfluentOracle;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestData;
import io.embedstream.testing.TestHttpServer;
import io.embedstream.testing.TestTopics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code input.format: avro} end to end, with the producers' own schemas: records go in through Confluent's own
 * serializer path (Flink's shaded {@code ConfluentSchemaRegistryCoder} and {@code CachedSchemaRegistryClient}),
 * through the in-JVM broker and the service, and every output is decoded by Confluent's client against the real
 * Apicurio registry (global compatibility BACKWARD). Each output must carry every input field unchanged, and an
 * embedding equal to the same model run directly on the same input (1e-5).
 */
class GenericAvroEnrichmentIT {

    private static final double TOLERANCE = 1e-5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    /** A Product the way a catalogue team might define it: nested optional image URL, many types. v2 adds brand. */
    private static Schema product(boolean v2) {
        return new Schema.Parser().parse("""
                {"type": "record", "name": "Product", "namespace": "com.acme.catalog", "doc": "A product.", "fields": [
                  {"name": "id", "type": "string"},
                  {"name": "title", "type": "string"},
                  {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
                  {"name": "category", "type": {"type": "enum", "name": "Category",
                    "symbols": ["TOYS", "BOOKS", "GARDEN"]}},
                  {"name": "tags", "type": {"type": "map", "values": "string"}},
                  {"name": "dimensions", "type": {"type": "record", "name": "Dimensions", "fields": [
                    {"name": "width_mm", "type": "int"}, {"name": "height_mm", "type": "int"},
                    {"name": "weight_kg", "type": "double"}]}},
                  {"name": "media", "type": ["null", {"type": "record", "name": "Media", "fields": [
                    {"name": "image_url", "type": ["null", "string"], "default": null},
                    {"name": "alt", "type": "string"},
                    {"name": "thumbnail", "type": ["null", "bytes"], "default": null}]}], "default": null},
                  {"name": "ratings", "type": {"type": "array", "items": "int"}},
                  {"name": "in_stock", "type": "boolean"},
                  {"name": "stock", "type": "long"},
                  {"name": "score", "type": "float"},
                  {"name": "sku", "type": {"type": "string", "logicalType": "uuid"}},
                  {"name": "released", "type": {"type": "int", "logicalType": "date"}},
                  {"name": "updated", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                  %s
                  {"name": "note", "type": ["null", "string"], "default": null}]}"""
                .formatted(v2 ? "{\"name\": \"brand\", \"type\": [\"null\", \"string\"], \"default\": null}," : ""));
    }

    private static GenericRecord product(Schema schema, int i, String imageUrl, Random random) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("id", String.format("p-%04d", i));
        r.put("title", "Product number " + i + " — ünïcödé");
        Schema price = schema.getField("price").schema();
        r.put("price", new Conversions.DecimalConversion().toBytes(new BigDecimal(i + ".99"), price,
                price.getLogicalType()));
        Schema category = schema.getField("category").schema();
        r.put("category", new GenericData.EnumSymbol(category, category.getEnumSymbols().get(i % 3)));
        r.put("tags", Map.of("colour", i % 2 == 0 ? "red" : "blue", "batch", Integer.toString(i / 10)));
        GenericRecord dims = new GenericData.Record(schema.getField("dimensions").schema());
        dims.put("width_mm", 100 + i);
        dims.put("height_mm", 200 - i);
        dims.put("weight_kg", 0.125 * i);
        r.put("dimensions", dims);
        Schema mediaSchema = schema.getField("media").schema().getTypes().get(1);
        GenericRecord media = new GenericData.Record(mediaSchema);
        media.put("image_url", imageUrl);
        media.put("alt", "picture of " + i);
        media.put("thumbnail", i % 4 == 0 ? ByteBuffer.wrap(new byte[] {(byte) i, 1, 2}) : null);
        r.put("media", media);
        r.put("ratings", List.of(random.nextInt(5), random.nextInt(5)));
        r.put("in_stock", i % 3 != 0);
        r.put("stock", 10_000_000_000L + i);
        r.put("score", random.nextFloat());
        r.put("sku", new UUID(i, 42).toString());
        r.put("released", (int) LocalDate.of(2024, 1, 1).plusDays(i).toEpochDay());
        r.put("updated", 1_750_000_000_000L + i);
        if (schema.getField("brand") != null) {
            r.put("brand", "Acme " + i);
        }
        r.put("note", i % 5 == 0 ? null : "note " + i);
        return r;
    }

    @Test
    void shouldEnrichProductsByTheirNestedImageUrlAndFollowTheProducersSchemaEvolution() throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        ApicurioRegistry apicurio = ApicurioRegistry.shared();
        String input = TestTopics.unique("products");
        String output = TestTopics.unique("product-embeddings");
        broker.createTopics(3, input, output, input + ".dlq");
        Path images = TestData.mnistSample().resolve("images");
        Schema v1 = product(false);
        Schema v2 = product(true);
        Random random = new Random(12);

        try (TestHttpServer http = new TestHttpServer();
                ConfluentOracle confluent = new ConfluentOracle(apicurio.ccompatUrl())) {
            Map<String, String> imageOf = new LinkedHashMap<>();
            Map<String, GenericRecord> sent = new LinkedHashMap<>();
            List<KeyValue<byte[], byte[]>> first = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                String name = String.format("%05d.png", i);
                http.serve("/img/" + name, Files.readAllBytes(images.resolve(name)));
                GenericRecord p = product(v1, i, http.url("/img/" + name), random);
                imageOf.put(p.get("id").toString(), name);
                sent.put(p.get("id").toString(), p);
                first.add(KeyValue.pair(bytes("k" + i), confluent.encode(input + "-value", p)));
            }
            // Bad ones: no media, no image URL, an image the server does not have.
            GenericRecord noMedia = product(v1, 900, "unused", random);
            noMedia.put("media", null);
            GenericRecord noUrl = product(v1, 901, null, random);
            GenericRecord missing = product(v1, 902, http.url("/img/nope.png"), random);
            first.add(KeyValue.pair(bytes("no-media"), confluent.encode(input + "-value", noMedia)));
            first.add(KeyValue.pair(bytes("no-url"), confluent.encode(input + "-value", noUrl)));
            first.add(KeyValue.pair(bytes("missing"), confluent.encode(input + "-value", missing)));
            KafkaTestClients.produce(broker.bootstrapServers(), input, first);

            Map<String, String> overrides = config(input, output);
            overrides.put("input.field", "media.image_url");
            overrides.put("output.metadata-field", "embedding_meta");
            overrides.put("output.key-field", "id");
            overrides.put("model.dir", TestData.model("mnist-cnn").toString());
            overrides.put("model.layer", "dense");
            overrides.put("image.allow-hosts", "127.0.0.1");
            overrides.put("image.scaling", "unit");
            AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);

            List<ConsumerRecord<byte[], byte[]>> out;
            List<ConsumerRecord<byte[], byte[]>> dead;
            try (EmbedService service = EmbedService.start(config)) {
                // v1 records are enriched; then the producer moves to v2 (an optional field more) mid-stream.
                KafkaTestClients.consume(broker.bootstrapServers(), output, 60, Duration.ofSeconds(120),
                        IsolationLevel.READ_COMMITTED);
                List<KeyValue<byte[], byte[]>> second = new ArrayList<>();
                for (int i = 60; i < 100; i++) {
                    String name = String.format("%05d.png", i);
                    http.serve("/img/" + name, Files.readAllBytes(images.resolve(name)));
                    GenericRecord p = product(v2, i, http.url("/img/" + name), random);
                    imageOf.put(p.get("id").toString(), name);
                    sent.put(p.get("id").toString(), p);
                    second.add(KeyValue.pair(bytes("k" + i), confluent.encode(input + "-value", p)));
                }
                KafkaTestClients.produce(broker.bootstrapServers(), input, second);
                out = KafkaTestClients.consume(broker.bootstrapServers(), output, 100, Duration.ofSeconds(120),
                        IsolationLevel.READ_COMMITTED);
                dead = KafkaTestClients.consume(broker.bootstrapServers(), input + ".dlq", 3, Duration.ofSeconds(60),
                        IsolationLevel.READ_COMMITTED);
            }

            Map<String, float[]> expected = directImages(images, imageOf, config.image());
            Map<String, Integer> versionOf = new HashMap<>();
            assertThat(out).hasSize(100);
            for (ConsumerRecord<byte[], byte[]> r : out) {
                ConfluentOracle.Decoded decoded = confluent.decode(r.value());
                GenericRecord record = read(decoded, decoded.writerSchema());
                String id = record.get("id").toString();
                GenericRecord original = sent.get(id);
                assertThat(decoded.writerSchema().getFullName()).isEqualTo("com.acme.catalog.Product");
                assertThat(projectedJson(decoded, original.getSchema())).as(id).isEqualTo(json(original));
                assertEmbedding(id, record.get("embedding"), expected.get(id));
                GenericRecord meta = (GenericRecord) record.get("embedding_meta");
                assertThat(meta.get("modelName").toString()).isEqualTo("mnist-cnn");
                assertThat(meta.get("layer").toString()).isEqualTo("dense");
                assertThat(meta.get("dimension")).isEqualTo(128);
                assertThat(meta.get("pooling").toString()).isEqualTo("none");
                assertThat(meta.get("normalization").toString()).isEqualTo("l2");
                assertThat(EmbeddingSpace.idOf(r.headers())).hasValue(meta.get("embeddingSpace").toString());
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(id);
                versionOf.put(id, decoded.writerSchema().getField("brand") == null ? 1 : 2);
            }
            assertThat(versionOf.values().stream().filter(v -> v == 1)).hasSize(60);
            assertThat(versionOf.values().stream().filter(v -> v == 2)).hasSize(40);

            // Both output versions are in the registry, under the output subject, in order.
            String subject = output + "-value";
            assertThat(confluent.client().getAllVersions(subject)).containsExactly(1, 2);
            Schema outV1 = new Schema.Parser().parse(confluent.client().getSchemaMetadata(subject, 1).getSchema());
            Schema outV2 = new Schema.Parser().parse(confluent.client().getSchemaMetadata(subject, 2).getSchema());
            assertThat(outV1.getField("brand")).isNull();
            assertThat(outV2.getField("brand")).isNotNull();
            assertThat(outV2.getFields().get(outV2.getFields().size() - 2).name()).isEqualTo("embedding");
            // Apicurio's global compatibility is BACKWARD: registering the derived v2 passed that check.
            assertThat(apicurioCompatibility(apicurio)).isEqualTo("BACKWARD");

            Map<String, String> reasons = reasons(dead);
            assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of("no-media", "MISSING_FIELD",
                    "no-url", "MISSING_FIELD", "missing", "NOT_FOUND"));
            assertThat(message(dead, "no-media")).contains("input.field 'media.image_url': 'media' is null (type"
                    + " union [null, record com.acme.catalog.Media])");
            assertThat(message(dead, "no-url")).contains("'media.image_url' is null (type union [null, string])");
        }
    }

    @Test
    void shouldEmbedAnImageSentAsBytesInsideTheRecord() throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        ApicurioRegistry apicurio = ApicurioRegistry.shared();
        String input = TestTopics.unique("photos");
        String output = TestTopics.unique("photo-embeddings");
        broker.createTopics(2, input, output, input + ".dlq");
        Path images = TestData.mnistSample().resolve("images");
        Schema photo = new Schema.Parser().parse("""
                {"type": "record", "name": "Photo", "namespace": "com.acme.media", "fields": [
                  {"name": "id", "type": "string"},
                  {"name": "image", "type": "bytes"},
                  {"name": "caption", "type": ["null", "string"], "default": null},
                  {"name": "taken", "type": {"type": "long", "logicalType": "timestamp-micros"}}]}""");

        try (ConfluentOracle confluent = new ConfluentOracle(apicurio.ccompatUrl())) {
            Map<String, String> imageOf = new LinkedHashMap<>();
            Map<String, GenericRecord> sent = new LinkedHashMap<>();
            List<KeyValue<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 100; i < 140; i++) {
                String name = String.format("%05d.png", i);
                GenericRecord r = new GenericData.Record(photo);
                r.put("id", "photo-" + i);
                r.put("image", ByteBuffer.wrap(Files.readAllBytes(images.resolve(name))));
                r.put("caption", i % 2 == 0 ? "digit " + i : null);
                r.put("taken", 1_750_000_000_000_000L + i);
                imageOf.put("photo-" + i, name);
                sent.put("photo-" + i, r);
                records.add(KeyValue.pair(bytes("photo-" + i), confluent.encode(input + "-value", r)));
            }
            GenericRecord text = new GenericData.Record(photo);
            text.put("id", "not-an-image");
            text.put("image", ByteBuffer.wrap(bytes("these bytes are text")));
            text.put("taken", 0L);
            records.add(KeyValue.pair(bytes("not-an-image"), confluent.encode(input + "-value", text)));
            KafkaTestClients.produce(broker.bootstrapServers(), input, records);

            Map<String, String> overrides = config(input, output);
            overrides.put("input.field", "image");
            overrides.put("model.dir", TestData.model("mnist-cnn").toString());
            overrides.put("model.layer", "dense");
            overrides.put("image.scaling", "unit");
            AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);

            List<ConsumerRecord<byte[], byte[]>> out;
            List<ConsumerRecord<byte[], byte[]>> dead;
            try (EmbedService service = EmbedService.start(config)) {
                out = KafkaTestClients.consume(broker.bootstrapServers(), output, 40, Duration.ofSeconds(120),
                        IsolationLevel.READ_COMMITTED);
                dead = KafkaTestClients.consume(broker.bootstrapServers(), input + ".dlq", 1, Duration.ofSeconds(60),
                        IsolationLevel.READ_COMMITTED);
            }

            Map<String, float[]> expected = directImages(images, imageOf, config.image());
            assertThat(out).hasSize(40);
            for (ConsumerRecord<byte[], byte[]> r : out) {
                ConfluentOracle.Decoded decoded = confluent.decode(r.value());
                GenericRecord record = read(decoded, decoded.writerSchema());
                String id = record.get("id").toString();
                assertThat(projectedJson(decoded, photo)).as(id).isEqualTo(json(sent.get(id)));
                assertEmbedding(id, record.get("embedding"), expected.get(id));
                assertThat(decoded.writerSchema().getField("embedding_meta")).isNull();
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).as("the input key, unchanged").isEqualTo(id);
            }
            assertThat(reasons(dead)).containsExactlyEntriesOf(Map.of("not-an-image", "NOT_AN_IMAGE"));
            assertThat(message(dead, "not-an-image")).contains("image inline bytes (input.field 'image') is not a"
                    + " JPEG, PNG, GIF or BMP image");
        }
    }

    @Test
    void shouldEmbedADoubleFeatureArrayWithGrenadeMlpAndDeadLetterWhatCannotBeEmbedded() throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        ApicurioRegistry apicurio = ApicurioRegistry.shared();
        String input = TestTopics.unique("clicks");
        String output = TestTopics.unique("click-embeddings");
        broker.createTopics(3, input, output, input + ".dlq");
        Schema click = new Schema.Parser().parse("""
                {"type": "record", "name": "Click", "namespace": "com.acme.events", "fields": [
                  {"name": "user_id", "type": "string"},
                  {"name": "item_id", "type": "long"},
                  {"name": "session", "type": {"type": "record", "name": "Session", "fields": [
                    {"name": "features", "type": {"type": "array", "items": "double"}},
                    {"name": "device", "type": {"type": "enum", "name": "Device", "symbols": ["WEB", "APP"]}}]}},
                  {"name": "context", "type": {"type": "map", "values": "string"}, "default": {}},
                  {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}""");
        Schema clash = new Schema.Parser().parse(click.toString().replace("\"name\":\"context\"",
                "\"name\":\"embedding\""));

        try (ConfluentOracle confluent = new ConfluentOracle(apicurio.ccompatUrl())) {
            Random random = new Random(2026);
            Map<String, double[]> features = new LinkedHashMap<>();
            Map<String, GenericRecord> sent = new LinkedHashMap<>();
            List<KeyValue<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                double[] f = new double[12];
                for (int j = 0; j < 12; j++) {
                    f[j] = random.nextGaussian() * 2;
                }
                String id = "c-" + i;
                GenericRecord r = click(click, id, f, i);
                features.put(id, f);
                sent.put(id, r);
                records.add(KeyValue.pair(bytes(id), confluent.encode(input + "-value", r)));
            }
            double[] nan = new double[12];
            nan[3] = Double.NaN;
            // Avro JSON cannot carry NaN, so this one is framed by our serializer rather than through the oracle.
            ConfluentAvroSerializer<GenericRecord> ours = new ConfluentAvroSerializer<>(
                    new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl())), true);
            records.add(KeyValue.pair(bytes("nan"), ours.serialize(input, click(click, "nan", nan, 0))));
            records.add(KeyValue.pair(bytes("short"), confluent.encode(input + "-value",
                    click(click, "short", new double[11], 0))));
            // A record of a schema that already has an 'embedding' field, registered under another subject, so
            // that the start-up check (which reads <input>-value) cannot see it: dead-lettered, never overwritten.
            records.add(KeyValue.pair(bytes("clash"), confluent.encode(TestTopics.unique("other") + "-value",
                    click(clash, "clash", new double[12], 0))));
            KafkaTestClients.produce(broker.bootstrapServers(), input, records);

            Map<String, String> overrides = config(input, output);
            overrides.put("input.field", "session.features");
            overrides.put("model.dir", TestData.model("grenade-mlp").toString());
            overrides.put("model.layer", "dense_761");
            overrides.put("embedding.normalize", "none");
            AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);

            List<ConsumerRecord<byte[], byte[]>> out;
            List<ConsumerRecord<byte[], byte[]>> dead;
            try (EmbedService service = EmbedService.start(config)) {
                out = KafkaTestClients.consume(broker.bootstrapServers(), output, 300, Duration.ofSeconds(120),
                        IsolationLevel.READ_COMMITTED);
                dead = KafkaTestClients.consume(broker.bootstrapServers(), input + ".dlq", 3, Duration.ofSeconds(60),
                        IsolationLevel.READ_COMMITTED);
            }

            Map<String, float[]> expected = new HashMap<>();
            try (EmbeddingModel model = ModelLoader.load(ModelConfig.of(TestData.model("grenade-mlp"), "dense_761"), 1);
                    InferenceSession session = model.openSession()) {
                List<String> ids = new ArrayList<>(features.keySet());
                float[][] rows = new float[ids.size()][12];
                for (int i = 0; i < ids.size(); i++) {
                    for (int j = 0; j < 12; j++) {
                        rows[i][j] = (float) features.get(ids.get(i))[j];
                    }
                }
                FloatBatch result = session.run(FloatBatch.ofRows(rows, 12));
                for (int i = 0; i < ids.size(); i++) {
                    expected.put(ids.get(i), result.row(i));
                }
            }
            assertThat(out).hasSize(300);
            for (ConsumerRecord<byte[], byte[]> r : out) {
                ConfluentOracle.Decoded decoded = confluent.decode(r.value());
                GenericRecord record = read(decoded, decoded.writerSchema());
                String id = record.get("user_id").toString();
                assertThat(projectedJson(decoded, click)).as(id).isEqualTo(json(sent.get(id)));
                assertThat(expected.get(id)).hasSize(8);
                assertEmbedding(id, record.get("embedding"), expected.get(id));
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(id);
            }
            assertThat(confluent.client().getAllVersions(output + "-value")).containsExactly(1);

            assertThat(reasons(dead)).containsExactlyInAnyOrderEntriesOf(Map.of("nan", "NON_FINITE",
                    "short", "WRONG_DIMENSION", "clash", "FIELD_NAME_CLASH"));
            assertThat(message(dead, "short")).contains("input.field 'session.features' has 11 values, expected 12");
            assertThat(message(dead, "clash")).contains("com.acme.events.Click already has a field 'embedding'");
        }
    }

    @Test
    void shouldRefuseToStartWhenTheLatestInputSchemaCannotWorkWithTheConfiguration() throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        ApicurioRegistry apicurio = ApicurioRegistry.shared();
        String input = TestTopics.unique("items");
        String output = TestTopics.unique("item-embeddings");
        broker.createTopics(1, input, output, input + ".dlq");
        Schema item = new Schema.Parser().parse("""
                {"type": "record", "name": "Item", "namespace": "com.acme", "fields": [
                  {"name": "id", "type": "string"}, {"name": "code", "type": "int"},
                  {"name": "embedding", "type": ["null", "string"], "default": null},
                  {"name": "features", "type": {"type": "array", "items": "float"}}]}""");
        new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl())).register(input + "-value", item);
        Map<String, String> overrides = config(input, output);
        overrides.put("model.dir", TestData.model("grenade-mlp").toString());

        Map<String, String> clash = new LinkedHashMap<>(overrides);
        clash.put("input.field", "features");
        assertStartupRefused(clash, "output.field / output.metadata-field: com.acme.Item already has a field"
                + " 'embedding' of type union [null, string], and output.field is 'embedding'");

        Map<String, String> wrongType = new LinkedHashMap<>(overrides);
        wrongType.put("input.field", "code");
        wrongType.put("output.field", "vector");
        assertStartupRefused(wrongType, "input.field: 'code' is not valid; it is int in the latest schema of subject '"
                + input + "-value' (com.acme.Item version 1");

        Map<String, String> absent = new LinkedHashMap<>(overrides);
        absent.put("input.field", "media.url");
        absent.put("output.field", "vector");
        assertStartupRefused(absent, "input.field: 'media.url' is not valid; it does not fit the latest schema of"
                + " subject '" + input + "-value' (com.acme.Item version 1, id ");

        Map<String, String> badKey = new LinkedHashMap<>(overrides);
        badKey.put("input.field", "features");
        badKey.put("output.field", "vector");
        badKey.put("output.key-field", "code");
        assertStartupRefused(badKey, "output.key-field: 'code' is not valid; it is int in the latest schema");
    }

    private static String apicurioCompatibility(ApicurioRegistry apicurio) throws Exception {
        return new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl())).globalCompatibility().name();
    }

    private void assertStartupRefused(Map<String, String> overrides, String message) {
        AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);
        try (EmbedService service = EmbedService.start(config)) {
            throw new AssertionError("the service started, but should have refused: " + message);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).contains(message);
        }
    }

    private static GenericRecord click(Schema schema, String id, double[] features, int i) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("user_id", id);
        r.put("item_id", 1_000_000L + i);
        GenericRecord session = new GenericData.Record(schema.getField("session").schema());
        List<Double> values = new ArrayList<>();
        for (double f : features) {
            values.add(f);
        }
        session.put("features", values);
        session.put("device", new GenericData.EnumSymbol(schema.getField("session").schema().getField("device")
                .schema(), i % 2 == 0 ? "WEB" : "APP"));
        r.put("session", session);
        if (schema.getField("context") != null) {
            r.put("context", Map.of("page", "home", "slot", Integer.toString(i % 7)));
        } else {
            r.put("embedding", Map.of());
        }
        r.put("at", 1_760_000_000_000L + i);
        return r;
    }

    private Map<String, String> config(String input, String output) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("application-id", TestTopics.unique("generic-app"));
        overrides.put("topics.input", input);
        overrides.put("topics.output", output);
        overrides.put("input.format", "avro");
        overrides.put("kafka.bootstrap.servers", SharedKafka.broker().bootstrapServers());
        overrides.put("kafka.state.dir", work.resolve("state").toString());
        overrides.put("registry.url", ApicurioRegistry.shared().ccompatUrl());
        overrides.put("batching.linger-ms", "20");
        return overrides;
    }

    /** mnist-cnn's L2-normalised {@code dense} layer on the images, run directly (no Kafka, no service). */
    static Map<String, float[]> directImages(Path images, Map<String, String> imageOf, ImageConfig service) {
        ImageConfig files = service.toBuilder().roots(List.of(images)).build();
        Map<String, float[]> out = new HashMap<>();
        try (EmbeddingModel m = ModelLoader.load(ModelConfig.of(TestData.model("mnist-cnn"), "dense"), 1);
                InferenceSession session = m.openSession();
                ImageFetcher fetcher = new ImageFetcher(files)) {
            ImagePipeline pipeline = new ImagePipeline(fetcher, new ImageDecoder(files.maxPixels()),
                    ImagePreprocessor.of(files, ImageSpec.fromInputShape(m.description().input().shape())));
            List<String> ids = new ArrayList<>(imageOf.keySet());
            List<ImageResult> results = pipeline.process(ids.stream()
                    .map(id -> ImageRequest.of(id, images.resolve(imageOf.get(id)).toUri().toString())).toList());
            assertThat(results).allMatch(r -> r instanceof ImageResult.Ready);
            float[][] embeddings = new Postprocessor(Pooling.NONE, Normalization.L2)
                    .apply(session.run(pipeline.batchOf(results)));
            for (int i = 0; i < ids.size(); i++) {
                out.put(ids.get(i), embeddings[i]);
            }
        }
        return out;
    }

    static void assertEmbedding(String id, Object embedding, float[] expected) {
        List<?> actual = (List<?>) embedding;
        assertThat(actual).as(id).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(((Number) actual.get(i)).doubleValue() - expected[i])).as("%s[%d]", id, i)
                    .isLessThanOrEqualTo(TOLERANCE);
        }
    }

    /** The decoded output as a record of {@code schema}. */
    static GenericRecord read(ConfluentOracle.Decoded decoded, Schema schema) {
        try {
            return new GenericDatumReader<GenericRecord>(decoded.writerSchema(), schema).read(null,
                    DecoderFactory.get().jsonDecoder(decoded.writerSchema(), decoded.json()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The decoded output read with the input schema (dropping the added fields), as Avro JSON. */
    static JsonNode projectedJson(ConfluentOracle.Decoded decoded, Schema input) {
        return json(read(decoded, input));
    }

    /**
     * A record as the tree of its Avro JSON: equal trees mean equal field values, whatever the Java types
     * ({@code String} or {@code Utf8}, ...) and whatever the order of map entries.
     */
    static JsonNode json(GenericRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonEncoder encoder = org.apache.avro.io.EncoderFactory.get().jsonEncoder(record.getSchema(), out);
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> reasons(List<ConsumerRecord<byte[], byte[]>> dead) {
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            reasons.put(new String(d.key(), StandardCharsets.UTF_8), DeadLetterHeaders.get(d.headers(),
                    DeadLetterHeaders.REASON));
        }
        return reasons;
    }

    static String message(List<ConsumerRecord<byte[], byte[]>> dead, String key) {
        return dead.stream().filter(d -> new String(d.key(), StandardCharsets.UTF_8).equals(key)).findFirst()
                .map(d -> DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.MESSAGE)).orElseThrow();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
