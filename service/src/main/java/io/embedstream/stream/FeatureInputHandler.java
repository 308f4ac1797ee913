package io.embedstream.stream;

import io.embedstream.avro.FeatureRecord;
import io.embedstream.failure.FailureReason;
import io.embedstream.serde.RecordDecodingException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Feature-vector records ({@code schemas/FeatureRecord.avsc}). A record is valid when it decodes,
 * its feature count equals the model input row size, its optional shape equals the model input
 * shape, and every value is finite. Decoding writes the features straight into the batch's row array.
 * Thread-safe when the deserializer is.
 */
public final class FeatureInputHandler implements InputHandler<Void> {

    private final Deserializer<FeatureRecord> deserializer;
    private final long[] rowShape;
    private final int rowLength;

    /**
     * @param rowShape the model input shape without the batch axis; all dimensions must be known
     */
    public FeatureInputHandler(Deserializer<FeatureRecord> deserializer, long[] rowShape) {
        this.deserializer = deserializer;
        this.rowShape = rowShape.clone();
        long length = 1;
        for (long d : rowShape) {
            if (d < 0) {
                throw new IllegalArgumentException("feature-vector input needs a model input of fixed shape, but it is "
                        + "[-1, " + Arrays.toString(rowShape).substring(1));
            }
            length *= d;
        }
        this.rowLength = Math.toIntExact(length);
    }

    @Override
    public DecodedInput<Void> decode(String topic, byte[] value, float[] rows, int offset) {
        if (value == null) {
            throw new InvalidRecordException(FailureReason.UNDECODABLE,
                    "the record has no value (a tombstone); expected a FeatureRecord");
        }
        FeatureRecord record;
        try {
            record = deserializer.deserialize(topic, value);
        } catch (RecordDecodingException e) {
            // Bad bytes. A registry that cannot be reached (SchemaRegistryException) is not the record's
            // fault: it propagates and stops the instance loudly instead of dead-lettering good records.
            throw new InvalidRecordException(FailureReason.UNDECODABLE,
                    "the value is not a FeatureRecord in Confluent Avro wire format (" + e.reason() + "): "
                            + e.getMessage(), e);
        }
        List<Float> features = record.getFeatures();
        if (record.getShape() != null) {
            long[] shape = record.getShape().stream().mapToLong(Integer::longValue).toArray();
            if (!Arrays.equals(shape, rowShape)) {
                throw new InvalidRecordException(FailureReason.WRONG_DIMENSION, "record " + record.getId()
                        + " has shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(rowShape)
                        + " (the model input without the batch axis)");
            }
        }
        if (features.size() != rowLength) {
            throw new InvalidRecordException(FailureReason.WRONG_DIMENSION, "record " + record.getId()
                    + " has " + features.size() + " features, expected " + rowLength + " (model input shape "
                    + Arrays.toString(rowShape) + " without the batch axis)");
        }
        for (int i = 0; i < rowLength; i++) {
            float x = features.get(i);
            if (!Float.isFinite(x)) {
                throw new InvalidRecordException(FailureReason.NON_FINITE, "record " + record.getId()
                        + " has feature[" + i + "] = " + x + "; expected finite values only");
            }
            rows[offset + i] = x;
        }
        Long eventTime = record.getEventTime() == null ? null : record.getEventTime().toEpochMilli();
        Map<String, String> attributes = record.getAttributes() == null ? Map.of() : Map.copyOf(record.getAttributes());
        return new DecodedInput<>(record.getId(), attributes, eventTime, null);
    }

    @Override
    public long[] rowShape() {
        return rowShape.clone();
    }
}
