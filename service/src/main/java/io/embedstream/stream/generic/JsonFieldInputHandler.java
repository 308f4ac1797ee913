package io.embedstream.stream.generic;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.embedstream.config.FieldPath;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.RecordFailure;
import io.embedstream.fetch.ImageRequest;
import io.embedstream.stream.DecodedInput;
import io.embedstream.stream.ImageInputHandler.PendingImage;
import io.embedstream.stream.InputHandler;
import io.embedstream.stream.InvalidRecordException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * JSON documents ({@code input.format: json}), for producers without a schema registry: each value is one UTF-8
 * JSON object (RFC 8259). It is parsed with Jackson, strictly: malformed or truncated JSON, a duplicate field name,
 * text after the object, or a top level that is not an object is {@code NOT_JSON}. Then, as for Avro: a field named
 * like {@code output.field} or {@code output.metadata-field} is {@code FIELD_NAME_CLASH}; {@code output.key-field},
 * when set, must be a string; {@code input.field} is resolved through nested objects ({@link JsonFieldPaths}): a
 * string is an image URI (its fetch starts now), an array of numbers a feature vector (written into the batch row
 * now); anything else is {@code WRONG_FIELD_TYPE}, a missing or {@code null} field {@code MISSING_FIELD}.
 *
 * <p>Thread-safe; owns nothing.
 */
public final class JsonFieldInputHandler implements InputHandler<FieldPayload> {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final ModelRows rows;
    private final FieldPath field;
    private final FieldPath keyField;
    private final String outputField;
    private final String metadataField;

    /**
     * @param keyField      {@code output.key-field}, or {@code null}
     * @param metadataField {@code output.metadata-field}, or {@code null}
     */
    public JsonFieldInputHandler(ModelRows rows, FieldPath keyField, String outputField, String metadataField) {
        this.rows = rows;
        this.field = rows.path();
        this.keyField = keyField;
        this.outputField = outputField;
        this.metadataField = metadataField;
    }

    @Override
    public DecodedInput<FieldPayload> decode(String topic, byte[] value, float[] batchRows, int offset) {
        if (value == null) {
            throw new InvalidRecordException(FailureReason.UNDECODABLE,
                    "the record has no value (a tombstone); expected a JSON object");
        }
        JsonNode root = parse(value);
        if (root.has(outputField) || (metadataField != null && root.has(metadataField))) {
            String name = root.has(outputField) ? outputField : metadataField;
            throw new InvalidRecordException(FailureReason.FIELD_NAME_CLASH, "the document already has a field '"
                    + name + "' (" + JsonFieldPaths.typeOf(root.get(name)) + "), and output."
                    + (name.equals(outputField) ? "field" : "metadata-field") + " is '" + name + "'; the embedding"
                    + " never overwrites a field");
        }
        byte[] key = null;
        if (keyField != null) {
            JsonNode k = JsonFieldPaths.resolve("output.key-field", keyField, root);
            if (!k.isTextual()) {
                throw new InvalidRecordException(FailureReason.WRONG_FIELD_TYPE, "output.key-field '" + keyField
                        + "' is " + JsonFieldPaths.typeOf(k) + "; expected a string (its UTF-8 bytes become the key)");
            }
            key = k.textValue().getBytes(StandardCharsets.UTF_8);
        }
        String id = key == null ? null : new String(key, StandardCharsets.UTF_8);
        JsonNode leaf = JsonFieldPaths.resolve("input.field", field, root);
        PendingImage image = null;
        if (leaf.isArray()) {
            rows.writeJson(leaf, batchRows, offset);
        } else if (leaf.isTextual()) {
            image = rows.startImage(ImageRequest.of(id, leaf.textValue()), "a string (image URI)");
        } else {
            throw new InvalidRecordException(FailureReason.WRONG_FIELD_TYPE, "input.field '" + field + "' is "
                    + JsonFieldPaths.typeOf(leaf) + "; expected a string (image URI) or an array of numbers (feature"
                    + " vector)");
        }
        return new DecodedInput<>(id, Map.of(), null, new FieldPayload(-1, key, image));
    }

    /** The document, an object; the value must be UTF-8 with the object's braces as first and last characters. */
    private static JsonNode parse(byte[] value) {
        JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidRecordException(FailureReason.NOT_JSON, "the value is not valid JSON: "
                    + e.getOriginalMessage() + (at == null ? "" : " (at byte " + at.getByteOffset() + ")"), e);
        } catch (IOException e) {
            throw new InvalidRecordException(FailureReason.NOT_JSON, "the value is not valid JSON: " + e.getMessage(),
                    e);
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidRecordException(FailureReason.NOT_JSON, "the value is empty (or only white space);"
                    + " expected a JSON object");
        }
        if (!root.isObject()) {
            throw new InvalidRecordException(FailureReason.NOT_JSON, "the value is " + JsonFieldPaths.typeOf(root)
                    + " in JSON; expected a JSON object at the top level");
        }
        int first = JsonText.firstContent(value);
        int last = JsonText.lastContent(value);
        if (first < 0 || value[first] != '{' || value[last] != '}') {
            throw new InvalidRecordException(FailureReason.NOT_JSON, "the value is not UTF-8 (JSON between"
                    + " systems is UTF-8, RFC 8259); it looks like UTF-16 or UTF-32");
        }
        return root;
    }

    @Override
    public RecordFailure completeRow(FieldPayload payload, float[] batchRows, int offset) {
        return payload.image() == null ? null : rows.completeRow(payload.image(), batchRows, offset);
    }

    @Override
    public long[] rowShape() {
        return rows.rowShape();
    }
}
