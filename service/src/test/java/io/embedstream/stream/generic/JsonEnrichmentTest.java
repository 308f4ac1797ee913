package io.embedstream.stream.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.config.FieldPath;
import io.embedstream.embed.Embeddings;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.RecordFailure;
import io.embedstream.serde.ConfluentWireFormat;
import io.embedstream.serde.RecordEncodingException;
import io.embedstream.stream.DecodedInput;
import io.embedstream.stream.EmbeddingSpace;
import io.embedstream.stream.InvalidRecordException;
import io.embedstream.stream.OutputWriter;
import io.embedstream.stream.PendingRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;

/** JSON input: strict parsing, field paths over objects and their dead-letter reasons, and both output formats. */
class JsonEnrichmentTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddingSpace space = new EmbeddingSpace("fedcba9876543210", "grenade-mlp", "1", "dense_761",
            "none", "l2", 2);
    private final JsonFieldInputHandler handler = handler("item.features", "item.id");

    private static JsonFieldInputHandler handler(String field, String keyField) {
        ModelRows rows = ModelRows.of(FieldPath.of(field), new long[] {-1, 3}, new long[0], spec -> null);
        return new JsonFieldInputHandler(rows, FieldPath.of(keyField), "embedding", "meta");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteTheFeatureArrayIntoTheRowAndTakeTheKeyFromAField() {
        float[] rows = new float[6];
        DecodedInput<FieldPayload> decoded = handler.decode("in",
                utf8("{\"item\": {\"id\": \"i-1\", \"features\": [1, 2.5, -3]}, \"n\": 1}"), rows, 3);

        assertThat(rows).containsExactly(0, 0, 0, 1, 2.5f, -3);
        assertThat(decoded.payload().key()).isEqualTo(utf8("i-1"));
        assertThat(decoded.payload().writerSchemaId()).isEqualTo(-1);
    }

    @Test
    void shouldDeadLetterDocumentsThatAreNotJsonObjects() {
        assertRejected("{\"item\": {\"features\": [1, 2, 3]", FailureReason.NOT_JSON, "the value is not valid JSON");
        assertRejected("not json at all", FailureReason.NOT_JSON, "the value is not valid JSON");
        assertRejected("[1, 2, 3]", FailureReason.NOT_JSON, "the value is an array in JSON; expected a JSON object");
        assertRejected("   ", FailureReason.NOT_JSON, "the value is empty");
        assertRejected("{\"a\": 1, \"a\": 2}", FailureReason.NOT_JSON, "Duplicate field 'a'");
        assertRejected("{\"a\": 1} {\"b\": 2}", FailureReason.NOT_JSON, "the value is not valid JSON");
        byte[] utf16 = "{\"item\": {}}".getBytes(StandardCharsets.UTF_16LE);
        assertThatThrownBy(() -> handler.decode("in", utf16, new float[3], 0))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.NOT_JSON))
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void shouldDeadLetterMissingNullAndWronglyTypedFields() {
        assertRejected("{\"item\": {\"id\": \"i\"}}", FailureReason.MISSING_FIELD,
                "input.field 'item.features': 'item' has no field 'features'");
        assertRejected("{\"other\": 1}", FailureReason.MISSING_FIELD,
                "output.key-field 'item.id': the document has no field 'item'");
        assertRejected("{\"item\": {\"id\": \"i\", \"features\": null}}", FailureReason.MISSING_FIELD,
                "input.field 'item.features': 'item.features' is null");
        assertRejected("{\"item\": {\"id\": \"i\", \"features\": {\"x\": 1}}}", FailureReason.WRONG_FIELD_TYPE,
                "input.field 'item.features' is an object; expected a string (image URI) or an array of numbers");
        assertRejected("{\"item\": {\"id\": \"i\", \"features\": true}}", FailureReason.WRONG_FIELD_TYPE,
                "input.field 'item.features' is a boolean");
        assertRejected("{\"item\": {\"id\": \"i\", \"features\": [1, \"two\", 3]}}", FailureReason.WRONG_FIELD_TYPE,
                "input.field 'item.features'[1] is a string; expected a number");
        assertRejected("{\"item\": 7}", FailureReason.WRONG_FIELD_TYPE,
                "output.key-field 'item.id': 'item' is a number, not an object, so 'id' cannot be read from it");
        assertRejected("{\"item\": {\"id\": 17, \"features\": [1, 2, 3]}}", FailureReason.WRONG_FIELD_TYPE,
                "output.key-field 'item.id' is a number; expected a string");
        assertRejected("{\"item\": {\"id\": \"i\", \"features\": \"http://img/1.png\"}}", FailureReason.WRONG_FIELD_TYPE,
                "input.field 'item.features' is a string (image URI), an image, but the model input [-1, 3] is not an"
                        + " image");
        assertRejected("{\"item\": {\"id\": \"i\", \"features\": [1, 2]}}", FailureReason.WRONG_DIMENSION,
                "input.field 'item.features' has 2 values, expected 3");
    }

    @Test
    void shouldDeadLetterADocumentThatAlreadyHasTheOutputOrMetadataField() {
        assertRejected("{\"item\": {\"id\": \"i\", \"features\": [1, 2, 3]}, \"embedding\": []}",
                FailureReason.FIELD_NAME_CLASH, "the document already has a field 'embedding' (an array), and"
                        + " output.field is 'embedding'");
        assertRejected("{\"item\": {\"id\": \"i\", \"features\": [1, 2, 3]}, \"meta\": null}",
                FailureReason.FIELD_NAME_CLASH, "output.metadata-field is 'meta'");
    }

    @Test
    void shouldWriteTheDocumentByteForByteWithTheEmbeddingAndMetadataAsItsLastFields() throws Exception {
        String text = "{ \"item\" : {\"id\": \"i-9\", \"features\": [1, 2, 3]},\n  \"price\": 1.10 }\n";
        DecodedInput<FieldPayload> decoded = handler.decode("in", utf8(text), new float[3], 0);
        EnrichedJsonWriter writer = new EnrichedJsonWriter("embedding", "meta", space);

        OutputWriter.Output out = writer.write(decoded, source(utf8(text)),
                new Embeddings(new float[] {0.6f, -0.8f}, 2, new RecordFailure[1]), 0);

        String written = new String(out.value(), StandardCharsets.UTF_8);
        assertThat(written).startsWith("{ \"item\" : {\"id\": \"i-9\", \"features\": [1, 2, 3]},\n  \"price\": 1.10 ,"
                + "\"embedding\":[0.6,-0.8],\"meta\":{");
        JsonNode node = JSON.readTree(written);
        assertThat(node.get("embedding").get(1).floatValue()).isEqualTo(-0.8f);
        assertThat(node.get("meta").get("layer").asText()).isEqualTo("dense_761");
        assertThat(node.get("meta").get("dimension").asInt()).isEqualTo(2);
        assertThat(node.get("meta").get("embeddingSpace").asText()).isEqualTo("fedcba9876543210");
        assertThat(out.key()).isEqualTo(utf8("i-9"));
    }

    @Test
    void shouldEnrichAnEmptyObjectWithoutALeadingComma() throws Exception {
        JsonFieldInputHandler anyField = handler("f", null);
        String text = "{\"f\":[1,2,3]}";
        DecodedInput<FieldPayload> decoded = anyField.decode("in", utf8(text), new float[3], 0);
        EnrichedJsonWriter writer = new EnrichedJsonWriter("embedding", null, space);

        // The writer only looks at the bytes: an object whose last field was the source gets a comma...
        assertThat(new String(writer.write(decoded, source(utf8(text)), new Embeddings(new float[] {1, 0}, 2,
                new RecordFailure[1]), 0).value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"f\":[1,2,3],\"embedding\":[1.0,0.0]}");
        // ... and an empty object none.
        assertThat(new String(writer.write(decoded, source(utf8("{ }")), new Embeddings(new float[] {1, 0}, 2,
                new RecordFailure[1]), 0).value(), StandardCharsets.UTF_8))
                .isEqualTo("{ \"embedding\":[1.0,0.0]}");
        assertThatThrownBy(() -> writer.write(decoded, source(utf8(text)), new Embeddings(new float[] {Float.NaN, 0},
                2, new RecordFailure[1]), 0)).isInstanceOf(RecordEncodingException.class)
                .hasMessage("embedding[0] is NaN, which JSON cannot carry");
    }

    @Test
    void shouldWriteJsonAsAnAvroDocumentRecordWithTheEmbedding() throws Exception {
        String text = "{\"item\": {\"id\": \"i-3\", \"features\": [1, 2, 3]}}";
        DecodedInput<FieldPayload> decoded = handler.decode("in", utf8(text), new float[3], 0);
        Schema schema = JsonDocumentAvroWriter.schema("embedding", "meta");
        JsonDocumentAvroWriter writer = new JsonDocumentAvroWriter(77, space, true);

        OutputWriter.Output out = writer.write(decoded, source(utf8(text)),
                new Embeddings(new float[] {0.5f, 0.25f}, 2, new RecordFailure[1]), 0);

        ConfluentWireFormat.Frame frame = ConfluentWireFormat.parse(out.value());
        assertThat(frame.schemaId()).isEqualTo(77);
        GenericRecord record = new GenericDatumReader<GenericRecord>(schema).read(null, DecoderFactory.get()
                .binaryDecoder(frame.bytes(), frame.payloadOffset(), frame.payloadLength(), null));
        assertThat(record.get("document").toString()).isEqualTo(text);
        assertThat(record.get("embedding")).isEqualTo(List.of(0.5f, 0.25f));
        assertThat(((GenericRecord) record.get("meta")).get("embeddingSpace").toString()).isEqualTo("fedcba9876543210");
        assertThat(schema.getFullName()).isEqualTo("io.embedstream.avro.JsonDocument");
    }

    private static PendingRecord source(byte[] value) {
        return new PendingRecord("in", 0, 5, 0L, utf8("input-key"), value, null);
    }

    private void assertRejected(String value, FailureReason reason, String message) {
        assertThatThrownBy(() -> handler.decode("in", utf8(value), new float[3], 0))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }
}
