package io.embedstream.stream.generic;

import io.embedstream.config.FieldPath;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.RecordFailure;
import io.embedstream.fetch.ImageRequest;
import io.embedstream.serde.AvroTypes;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.ConfluentWireFormat;
import io.embedstream.serde.RecordDecodingException;
import io.embedstream.stream.DecodedInput;
import io.embedstream.stream.ImageInputHandler.PendingImage;
import io.embedstream.stream.InputHandler;
import io.embedstream.stream.InvalidRecordException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;

/**
 * Any Avro record in the Confluent wire format ({@code input.format: avro}). The writer schema is fetched by the id in
 * the header (once per id) and the record is decoded with it as it is, so any producer schema works. Then:
 *
 * <ol>
 *   <li>the writer schema must be enrichable: no field named like {@code output.field} or
 *       {@code output.metadata-field} ({@code FIELD_NAME_CLASH} otherwise); its output schema is derived once per id
 *       ({@link DerivedSchemas});</li>
 *   <li>{@code output.key-field}, when set, must be a string: its UTF-8 bytes become the output key;</li>
 *   <li>{@code input.field} is resolved ({@link AvroFieldPaths}): a string is an image URI, {@code bytes} an encoded
 *       image (their fetch starts now), an array of numbers a feature vector (written into the batch row now).</li>
 * </ol>
 * A record that fails any step is dead-lettered with a reason that names the path and the type found. Thread-safe
 * when the deserializer is; owns nothing.
 */
public final class AvroFieldInputHandler implements InputHandler<FieldPayload> {

    private final ConfluentAvroDeserializer<GenericRecord> deserializer;
    private final DerivedSchemas schemas;
    private final ModelRows rows;
    private final FieldPath field;
    private final FieldPath keyField;

    /**
     * @param deserializer decodes with the writer's schema ({@link ConfluentAvroDeserializer#generic(
     *                     io.embedstream.serde.SchemaRegistry)})
     * @param keyField     {@code output.key-field}, or {@code null}
     */
    public AvroFieldInputHandler(ConfluentAvroDeserializer<GenericRecord> deserializer, DerivedSchemas schemas,
            ModelRows rows, FieldPath keyField) {
        this.deserializer = deserializer;
        this.schemas = schemas;
        this.rows = rows;
        this.field = rows.path();
        this.keyField = keyField;
    }

    @Override
    public DecodedInput<FieldPayload> decode(String topic, byte[] value, float[] batchRows, int offset) {
        if (value == null) {
            throw new InvalidRecordException(FailureReason.UNDECODABLE,
                    "the record has no value (a tombstone); expected an Avro record");
        }
        Object datum;
        int schemaId;
        try {
            schemaId = ConfluentWireFormat.schemaId(value);
            // Through a wildcard, so that a writer schema that is not a record (e.g. "string") gives its value
            // here instead of a ClassCastException.
            datum = ((ConfluentAvroDeserializer<?>) deserializer).decode(value);
        } catch (RecordDecodingException e) {
            // A registry that cannot be reached (SchemaRegistryException) propagates: not the record's fault.
            throw new InvalidRecordException(FailureReason.UNDECODABLE, "the value is not an Avro record in Confluent"
                    + " wire format (" + e.reason() + "): " + e.getMessage(), e);
        }
        if (!(datum instanceof GenericRecord record)) {
            Schema writer = deserializer.writerSchema(value);
            throw new InvalidRecordException(FailureReason.WRONG_FIELD_TYPE, "input.field '" + field + "': the value"
                    + " is " + AvroTypes.describe(writer) + " (writer schema id " + schemaId + "), not a record");
        }
        DerivedSchemas.Derived derived = schemas.forWriter(schemaId, record.getSchema());
        if (derived.clash() != null) {
            throw new InvalidRecordException(FailureReason.FIELD_NAME_CLASH, derived.clash() + " (writer schema id "
                    + schemaId + ")");
        }
        byte[] key = keyField == null ? null : key(record);
        AvroFieldPaths.Leaf leaf = AvroFieldPaths.resolve("input.field", field, record);
        FieldKind kind = FieldKind.of(leaf.schema());
        PendingImage image = null;
        String id = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (kind == null) {
            throw new InvalidRecordException(FailureReason.WRONG_FIELD_TYPE, "input.field '" + field + "' is "
                    + AvroTypes.describe(leaf.schema()) + " (writer schema " + record.getSchema().getFullName()
                    + ", id " + schemaId + "); " + FieldKind.EXPECTED);
        } else if (kind == FieldKind.FEATURES) {
            rows.writeAvro((List<?>) leaf.value(), batchRows, offset);
        } else if (kind == FieldKind.IMAGE_URI) {
            image = rows.startImage(ImageRequest.of(id, leaf.value().toString()), "a string (image URI)");
        } else {
            image = rows.startImage(ImageRequest.inline(id, "input.field '" + field + "'", bytes((ByteBuffer) leaf.value())),
                    "bytes (an encoded image)");
        }
        return new DecodedInput<>(id, Map.of(), null, new FieldPayload(schemaId, key, image));
    }

    private byte[] key(IndexedRecord record) {
        AvroFieldPaths.Leaf leaf = AvroFieldPaths.resolve("output.key-field", keyField, record);
        if (leaf.schema().getType() != Schema.Type.STRING) {
            throw new InvalidRecordException(FailureReason.WRONG_FIELD_TYPE, "output.key-field '" + keyField + "' is "
                    + AvroTypes.describe(leaf.schema()) + "; expected a string (its UTF-8 bytes become the key)");
        }
        return leaf.value().toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
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
