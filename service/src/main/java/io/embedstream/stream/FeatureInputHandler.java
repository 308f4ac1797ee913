package io.embedstream.stream;

import io.embedstream.avro.FeatureRecord;
import io.embedstream.failure.FailureReason;
import io.embedstream.model.FloatBatch;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.RecordDecodingException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.Decoder;

/**
 * Feature-vector records ({@code schemas/FeatureRecord.avsc}). A record is valid when it decodes,
 * its feature count equals the model input row size, its optional shape equals the model input
 * shape, and every value is finite. Decoding writes the features straight from the record's bytes into the
 * batch's row array, without a record object or boxed floats; writer schemas that differ from
 * {@code FeatureRecord}'s (schema evolution) are read through Avro's resolving decoder. Thread-safe.
 */
public final class FeatureInputHandler implements InputHandler<Void> {

    private final ConfluentAvroDeserializer<FeatureRecord> deserializer;
    private final long[] rowShape;
    private final int rowLength;

    /**
     * @param deserializer reads the Confluent framing and resolves writer schemas to {@code FeatureRecord}'s
     * @param rowShape     the model input shape without the batch axis; all dimensions must be known
     */
    public FeatureInputHandler(ConfluentAvroDeserializer<FeatureRecord> deserializer, long[] rowShape) {
        this.deserializer = deserializer;
        this.rowShape = rowShape.clone();
        if (Arrays.stream(rowShape).anyMatch(d -> d < 0)) {
            throw new IllegalArgumentException("feature-vector input needs a model input of fixed shape, but it is "
                    + "[-1, " + Arrays.toString(rowShape).substring(1));
        }
        this.rowLength = FloatBatch.rowLengthOf(rowShape);
    }

    /** What a FeatureRecord carries besides its features, and how many features it had. */
    private record Parts(String id, int featureCount, int firstNonFinite, List<Integer> shape,
            Map<String, String> attributes, Long eventTime) {}

    @Override
    public DecodedInput<Void> decode(String topic, byte[] value, float[] rows, int offset) {
        if (value == null) {
            throw new InvalidRecordException(FailureReason.UNDECODABLE,
                    "the record has no value (a tombstone); expected a FeatureRecord");
        }
        Parts record;
        try {
            record = deserializer.read(value, (in, fields) -> read(in, fields, rows, offset));
        } catch (RecordDecodingException e) {
            // Bad bytes. A registry that cannot be reached (SchemaRegistryException) is not the record's
            // fault: it propagates and stops the instance loudly instead of dead-lettering good records.
            throw new InvalidRecordException(FailureReason.UNDECODABLE,
                    "the value is not a FeatureRecord in Confluent Avro wire format (" + e.reason() + "): "
                            + e.getMessage(), e);
        }
        if (record.shape() != null) {
            long[] shape = record.shape().stream().mapToLong(Integer::longValue).toArray();
            if (!Arrays.equals(shape, rowShape)) {
                throw new InvalidRecordException(FailureReason.WRONG_DIMENSION, "record " + record.id()
                        + " has shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(rowShape)
                        + " (the model input without the batch axis)");
            }
        }
        if (record.featureCount() != rowLength) {
            throw new InvalidRecordException(FailureReason.WRONG_DIMENSION, "record " + record.id()
                    + " has " + record.featureCount() + " features, expected " + rowLength + " (model input shape "
                    + Arrays.toString(rowShape) + " without the batch axis)");
        }
        if (record.firstNonFinite() >= 0) {
            int i = record.firstNonFinite();
            throw new InvalidRecordException(FailureReason.NON_FINITE, "record " + record.id()
                    + " has feature[" + i + "] = " + rows[offset + i] + "; expected finite values only");
        }
        return new DecodedInput<>(record.id(), record.attributes(), record.eventTime(), null);
    }

    /**
     * Reads one FeatureRecord body, writing its features straight into the row (as many as fit; the count is
     * checked afterwards) and remembering the first value that is not finite: no per-record array, no boxing.
     */
    private Parts read(Decoder in, Schema.Field[] fields, float[] rows, int offset) throws IOException {
        String id = null;
        int count = 0;
        int firstNonFinite = -1;
        List<Integer> shape = null;
        Map<String, String> attributes = Map.of();
        Long eventTime = null;
        for (Schema.Field field : fields) {
            switch (field.name()) {
                case "id" -> id = in.readString();
                case "features" -> {
                    for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
                        for (long k = 0; k < n; k++, count++) {
                            float x = in.readFloat();
                            if (count < rowLength) {
                                rows[offset + count] = x;
                                if (firstNonFinite < 0 && !Float.isFinite(x)) {
                                    firstNonFinite = count;
                                }
                            }
                        }
                    }
                }
                case "shape" -> {
                    if (in.readIndex() == nonNullBranch(field)) {
                        shape = new ArrayList<>();
                        for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
                            for (long k = 0; k < n; k++) {
                                shape.add(in.readInt());
                            }
                        }
                    } else {
                        in.readNull(); // a no-op for binary data, but a resolving decoder's grammar expects it
                    }
                }
                case "attributes" -> {
                    Map<String, String> map = new HashMap<>();
                    for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
                        for (long k = 0; k < n; k++) {
                            map.put(in.readString(), in.readString());
                        }
                    }
                    attributes = Map.copyOf(map);
                }
                case "eventTime" -> {
                    if (in.readIndex() == nonNullBranch(field)) {
                        eventTime = in.readLong();
                    } else {
                        in.readNull();
                    }
                }
                default -> throw new IllegalStateException("FeatureRecord has no field '" + field.name() + "'");
            }
        }
        return new Parts(id, count, firstNonFinite, shape, attributes, eventTime);
    }

    /** The index of the non-null branch of an optional field's {@code ["null", T]} union. */
    private static int nonNullBranch(Schema.Field field) {
        return field.schema().getTypes().get(0).getType() == Schema.Type.NULL ? 1 : 0;
    }

    @Override
    public long[] rowShape() {
        return rowShape.clone();
    }
}
