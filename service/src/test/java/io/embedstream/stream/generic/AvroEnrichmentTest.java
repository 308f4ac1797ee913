package io.embedstream.stream.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.embedstream.config.FieldPath;
import io.embedstream.embed.Embeddings;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.RecordFailure;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.ConfluentWireFormat;
import io.embedstream.stream.DecodedInput;
import io.embedstream.stream.EmbeddingSpace;
import io.embedstream.stream.InvalidRecordException;
import io.embedstream.stream.OutputWriter;
import io.embedstream.stream.PendingRecord;
import io.embedstream.testing.MapSchemaRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * Generic Avro input and its output, without Kafka: path resolution and its dead-letter reasons, the row written
 * straight into the batch, and the enriched bytes read back with the derived schema. A map stands in for the
 * registry; the real broker, Apicurio and Confluent's client are in {@code GenericAvroEnrichmentIT}.
 */
class AvroEnrichmentTest {

    static final Schema MEDIA = new Schema.Parser().parse("""
            {"type": "record", "name": "Media", "namespace": "com.acme", "fields": [
              {"name": "image_url", "type": ["null", "string"], "default": null},
              {"name": "alt", "type": "string"}]}""");
    static final Schema PRODUCT = new Schema.Parser().addTypes(Map.of("com.acme.Media", MEDIA)).parse("""
            {"type": "record", "name": "Product", "namespace": "com.acme", "doc": "A product.", "fields": [
              {"name": "id", "type": "string"},
              {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
              {"name": "category", "type": {"type": "enum", "name": "Category", "symbols": ["TOYS", "BOOKS"]}},
              {"name": "tags", "type": {"type": "map", "values": "string"}},
              {"name": "media", "type": ["null", "com.acme.Media"], "default": null},
              {"name": "features", "type": {"type": "array", "items": "double"}},
              {"name": "created", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}""");

    private final MapSchemaRegistry registry = new MapSchemaRegistry();
    private final ConfluentAvroSerializer<GenericRecord> serializer = new ConfluentAvroSerializer<>(registry, true);
    private final EmbeddingSpace space = new EmbeddingSpace("0123456789abcdef", "grenade-mlp", "1", "dense_761",
            "none", "l2", 3);

    private AvroFieldInputHandler handler(String field, String keyField) {
        return handler(field, keyField, new DerivedSchemas(serializer, "out", "embedding", null));
    }

    private AvroFieldInputHandler handler(String field, String keyField, DerivedSchemas schemas) {
        ModelRows rows = ModelRows.of(FieldPath.of(field), new long[] {-1, 4}, new long[0], spec -> {
            throw new AssertionError("a [N, 4] model takes no images");
        });
        return new AvroFieldInputHandler(ConfluentAvroDeserializer.generic(registry), schemas, rows,
                FieldPath.of(keyField));
    }

    static GenericRecord product(String id, double[] features, GenericRecord media) {
        GenericRecord r = new GenericData.Record(PRODUCT);
        r.put("id", id);
        r.put("price", new Conversions.DecimalConversion().toBytes(new BigDecimal("12.34"), null,
                LogicalTypes.decimal(10, 2)));
        r.put("category", new GenericData.EnumSymbol(PRODUCT.getField("category").schema(), "BOOKS"));
        r.put("tags", Map.of("colour", "red", "size", "L"));
        r.put("media", media);
        GenericData.Array<Double> array = new GenericData.Array<>(features.length, PRODUCT.getField("features").schema());
        for (double f : features) {
            array.add(f);
        }
        r.put("features", array);
        r.put("created", 1_700_000_000_123L);
        return r;
    }

    static GenericRecord media(String url) {
        GenericRecord m = new GenericData.Record(MEDIA);
        m.put("image_url", url);
        m.put("alt", "a picture");
        return m;
    }

    private byte[] encode(GenericRecord record) {
        return serializer.serialize("in", record);
    }

    @Test
    void shouldWriteADoubleFeatureArrayStraightIntoTheBatchRow() {
        float[] rows = new float[12];
        DecodedInput<FieldPayload> decoded = handler("features", "id").decode("in",
                encode(product("p-1", new double[] {0.5, -1.25, 3, 1e-3}, null)), rows, 4);

        assertThat(rows).containsExactly(0, 0, 0, 0, 0.5f, -1.25f, 3f, 1e-3f, 0, 0, 0, 0);
        assertThat(decoded.payload().image()).isNull();
        assertThat(decoded.payload().key()).isEqualTo("p-1".getBytes(StandardCharsets.UTF_8));
        assertThat(decoded.payload().writerSchemaId()).isEqualTo(registry.latest("in-value").id());
    }

    @Test
    void shouldDeadLetterMissingNullAndWronglyTypedFieldsNamingThePathAndTheTypeFound() {
        byte[] noMedia = encode(product("p-1", new double[] {1, 2, 3, 4}, null));
        byte[] noUrl = encode(product("p-2", new double[] {1, 2, 3, 4}, media(null)));

        assertRejected(handler("media.image_url", null), noMedia, FailureReason.MISSING_FIELD,
                "input.field 'media.image_url': 'media' is null (type union [null, record com.acme.Media])");
        assertRejected(handler("media.image_url", null), noUrl, FailureReason.MISSING_FIELD,
                "input.field 'media.image_url': 'media.image_url' is null (type union [null, string])");
        assertRejected(handler("media.thumbnail", null), noUrl, FailureReason.MISSING_FIELD,
                "input.field 'media.thumbnail': com.acme.Media (at 'media') has no field 'thumbnail'; its fields:"
                        + " image_url, alt");
        assertRejected(handler("picture", null), noUrl, FailureReason.MISSING_FIELD,
                "input.field 'picture': com.acme.Product has no field 'picture'; its fields: id, price, category,"
                        + " tags, media, features, created");
        assertRejected(handler("price", null), noUrl, FailureReason.WRONG_FIELD_TYPE,
                "input.field 'price' is bytes (decimal) (writer schema com.acme.Product, id 1); expected a string"
                        + " (image URI), bytes (encoded image) or an array of float, double, int or long (feature"
                        + " vector)");
        assertRejected(handler("tags", null), noUrl, FailureReason.WRONG_FIELD_TYPE,
                "input.field 'tags' is map<string>");
        assertRejected(handler("id.value", null), noUrl, FailureReason.WRONG_FIELD_TYPE,
                "input.field 'id.value': 'id' is string, not a record, so 'value' cannot be read from it");
        assertRejected(handler("features", "created"), noUrl, FailureReason.WRONG_FIELD_TYPE,
                "output.key-field 'created' is long (timestamp-millis); expected a string");
    }

    @Test
    void shouldRejectAStringOrBytesFieldWhenTheModelTakesNoImages() {
        byte[] value = encode(product("p-1", new double[] {1, 2, 3, 4}, media("http://img.example.com/1.png")));

        assertRejected(handler("media.image_url", null), value, FailureReason.WRONG_FIELD_TYPE,
                "input.field 'media.image_url' is a string (image URI), an image, but the model input [-1, 4] is not"
                        + " an image");
    }

    @Test
    void shouldDeadLetterAWrongLengthAndValuesThatAreNotFiniteFloats() {
        assertRejected(handler("features", null), encode(product("p", new double[] {1, 2, 3}, null)),
                FailureReason.WRONG_DIMENSION, "input.field 'features' has 3 values, expected 4 (input row shape [4])");
        assertRejected(handler("features", null), encode(product("p", new double[] {1, Double.NaN, 3, 4}, null)),
                FailureReason.NON_FINITE, "input.field 'features'[1] = NaN; expected finite values only");
        assertRejected(handler("features", null), encode(product("p", new double[] {1, 2, 1e300, 4}, null)),
                FailureReason.NON_FINITE, "input.field 'features'[2] = 1.0E300 (beyond the float range)");
    }

    @Test
    void shouldDeadLetterUndecodableValuesAndValuesThatAreNotRecords() {
        assertRejected(handler("features", null), "not avro".getBytes(StandardCharsets.UTF_8),
                FailureReason.UNDECODABLE, "the value is not an Avro record in Confluent wire format (BAD_MAGIC_BYTE)");
        int stringSchema = registry.register("in-value", Schema.create(Schema.Type.STRING));
        byte[] plainString = ConfluentWireFormat.frame(stringSchema, new byte[] {10, 'h', 'e', 'l', 'l', 'o'});
        assertRejected(handler("features", null), plainString, FailureReason.WRONG_FIELD_TYPE,
                "input.field 'features': the value is string (writer schema id " + stringSchema + "), not a record");
    }

    @Test
    void shouldDeadLetterARecordThatAlreadyHasTheOutputField() {
        Schema withEmbedding = new Schema.Parser().parse("""
                {"type": "record", "name": "Item", "namespace": "com.acme", "fields": [
                  {"name": "features", "type": {"type": "array", "items": "float"}},
                  {"name": "vec", "type": "string", "aliases": ["embedding"]}]}""");
        GenericRecord item = new GenericData.Record(withEmbedding);
        item.put("features", List.of(1f, 2f, 3f, 4f));
        item.put("vec", "x");

        assertRejected(handler("features", null), encode(item), FailureReason.FIELD_NAME_CLASH,
                "com.acme.Item already has a field 'vec' with alias 'embedding' of type string, and output.field is"
                        + " 'embedding'");
    }

    @Test
    void shouldWriteTheInputRecordUnchangedWithTheEmbeddingAndMetadataAppended() throws IOException {
        DerivedSchemas schemas = new DerivedSchemas(serializer, "out", "embedding", "embedding_meta");
        AvroFieldInputHandler handler = handler("features", "id", schemas);
        GenericRecord input = product("p-7", new double[] {1, 2, 3, 4}, media("http://x/1.png"));
        byte[] value = encode(input);
        DecodedInput<FieldPayload> decoded = handler.decode("in", value, new float[4], 0);
        EnrichedAvroWriter writer = new EnrichedAvroWriter(schemas, space, true);
        Embeddings embeddings = new Embeddings(new float[] {9, 9, 9, 0.25f, -0.5f, 1e-5f}, 3,
                new RecordFailure[2]);

        OutputWriter.Output out = writer.write(decoded, new PendingRecord("in", 0, 42, 0L,
                "input-key".getBytes(StandardCharsets.UTF_8), value, new RecordHeaders()), embeddings, 1);

        assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("p-7");
        ConfluentWireFormat.Frame frame = ConfluentWireFormat.parse(out.value());
        Schema derived = registry.schemaById(frame.schemaId());
        assertThat(registry.latest("out-value").schema()).isEqualTo(derived);
        assertThat(derived.getFullName()).isEqualTo("com.acme.Product");
        GenericRecord read = new GenericDatumReader<GenericRecord>(derived).read(null, DecoderFactory.get()
                .binaryDecoder(frame.bytes(), frame.payloadOffset(), frame.payloadLength(), null));
        GenericRecord original = new GenericDatumReader<GenericRecord>(PRODUCT).read(null, DecoderFactory.get()
                .binaryDecoder(value, 5, value.length - 5, null));
        for (Schema.Field f : PRODUCT.getFields()) {
            assertThat(GenericData.get().toString(read.get(f.name()))).as(f.name())
                    .isEqualTo(GenericData.get().toString(original.get(f.name())));
        }
        @SuppressWarnings("unchecked")
        List<Float> embedding = (List<Float>) read.get("embedding");
        assertThat(embedding).containsExactly(0.25f, -0.5f, 1e-5f);
        GenericRecord meta = (GenericRecord) read.get("embedding_meta");
        assertThat(meta.get("modelName").toString()).isEqualTo("grenade-mlp");
        assertThat(meta.get("layer").toString()).isEqualTo("dense_761");
        assertThat(meta.get("dimension")).isEqualTo(3);
        assertThat(meta.get("embeddingSpace").toString()).isEqualTo("0123456789abcdef");
        assertThat(((Number) read.get("created")).longValue()).isEqualTo(1_700_000_000_123L);
        assertThat(((List<?>) read.get("features")).get(3)).isEqualTo(4.0);
        assertThat((double) embedding.get(2)).isCloseTo(1e-5, within(1e-12));
    }

    @Test
    void shouldKeepTheInputKeyWithoutAKeyField() {
        DerivedSchemas schemas = new DerivedSchemas(serializer, "out", "embedding", null);
        AvroFieldInputHandler handler = handler("features", null, schemas);
        byte[] value = encode(product("p-8", new double[] {1, 2, 3, 4}, null));
        DecodedInput<FieldPayload> decoded = handler.decode("in", value, new float[4], 0);

        OutputWriter.Output out = new EnrichedAvroWriter(schemas, space, false).write(decoded,
                new PendingRecord("in", 0, 1, 0L, new byte[] {1, 2}, value, null),
                new Embeddings(new float[] {1, 2, 3}, 3, new RecordFailure[1]), 0);

        assertThat(out.key()).containsExactly(1, 2);
    }

    private static void assertRejected(AvroFieldInputHandler handler, byte[] value, FailureReason reason,
            String message) {
        assertThatThrownBy(() -> handler.decode("in", value, new float[4], 0))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }
}
