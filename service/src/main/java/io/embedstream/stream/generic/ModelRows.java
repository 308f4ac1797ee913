package io.embedstream.stream.generic;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedstream.config.ConfigException;
import io.embedstream.config.FieldPath;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.RecordFailure;
import io.embedstream.fetch.ImageRequest;
import io.embedstream.model.FloatBatch;
import io.embedstream.preprocess.image.ImagePipeline;
import io.embedstream.preprocess.image.ImageSpec;
import io.embedstream.stream.ImageInputHandler.PendingImage;
import io.embedstream.stream.InvalidRecordException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.generic.PrimitivesArrays;

/**
 * Turns the value of {@code input.field} into a model input row, for the Avro and JSON formats alike: a feature
 * array is checked (length, finite values) and written straight into the batch's row array; an image (URI or
 * bytes) starts its fetch on the image pipeline, whose SSRF guard, size limits and preprocessing all apply as for
 * {@code ImageReference} records, and is finished on the inference worker ({@link #completeRow}).
 *
 * <p>Thread-safe; does not own the image pipeline.
 */
public final class ModelRows {

    private final FieldPath path;
    private final long[] rowShape;
    private final int rowLength;
    private final long[] modelShape;
    private final ImagePipeline images;

    private ModelRows(FieldPath path, long[] rowShape, long[] modelShape, ImagePipeline images) {
        this.path = path;
        this.rowShape = rowShape;
        this.rowLength = FloatBatch.rowLengthOf(rowShape);
        this.modelShape = modelShape;
        this.images = images;
    }

    /**
     * The rows for a model whose input has {@code modelShape} ({@code [N, ...]}).
     *
     * @param inputShape {@code input.shape} (empty when not set): the shape feature arrays are written in
     * @param images     makes the image pipeline for an image row shape; called only when the row is an image
     *                   {@code [H, W, C]} with 1 or 3 channels (the caller owns what it creates)
     * @throws ConfigException when {@code input.shape} does not fit the model input, or the row shape is not known
     */
    public static ModelRows of(FieldPath path, long[] modelShape, long[] inputShape,
            Function<ImageSpec, ImagePipeline> images) {
        long[] row = rowShape(modelShape, inputShape);
        boolean image = row.length == 3 && (row[2] == 1 || row[2] == 3);
        ImagePipeline pipeline = image ? images.apply(ImageSpec.fromInputShape(new long[] {-1, row[0], row[1], row[2]}))
                : null;
        return new ModelRows(path, row, modelShape.clone(), pipeline);
    }

    /**
     * The shape of one row: {@code input.shape} when set (it must have the model's rank and equal each dimension
     * the model knows), otherwise the model input without the batch axis, which must then be fully known.
     *
     * @throws ConfigException when they do not fit
     */
    static long[] rowShape(long[] modelShape, long[] inputShape) {
        long[] modelRow = Arrays.copyOfRange(modelShape, 1, modelShape.length);
        String model = "the model input " + Arrays.toString(modelShape);
        if (inputShape.length > 0) {
            if (inputShape.length != modelRow.length) {
                throw ConfigException.invalid("input.shape", Arrays.toString(inputShape), "it must have as many"
                        + " dimensions as " + model + " without the batch axis (" + modelRow.length + ")");
            }
            for (int i = 0; i < modelRow.length; i++) {
                if (modelRow[i] >= 0 && modelRow[i] != inputShape[i]) {
                    throw ConfigException.invalid("input.shape", Arrays.toString(inputShape), "dimension " + i
                            + " must be " + modelRow[i] + " to fit " + model);
                }
            }
            return inputShape.clone();
        }
        if (Arrays.stream(modelRow).anyMatch(d -> d < 0)) {
            throw new ConfigException("input.shape is required: " + model + " has unknown dimensions, and every"
                    + " row of a batch needs the same shape; set input.shape to the shape without the batch axis"
                    + " (e.g. input.shape: [224, 224, 3])");
        }
        return modelRow;
    }

    /** The shape of one row, without the batch axis. */
    public long[] rowShape() {
        return rowShape.clone();
    }

    /** Whether image fields can feed the model (its input is an image). */
    public boolean takesImages() {
        return images != null;
    }

    /** The configured path, for messages. */
    FieldPath path() {
        return path;
    }

    /**
     * Checks an Avro feature array and writes it into {@code rows} at {@code offset}.
     *
     * @throws InvalidRecordException {@code WRONG_DIMENSION} for a wrong length, {@code NON_FINITE} for NaN,
     *         infinity or a double beyond the float range
     */
    void writeAvro(List<?> values, float[] rows, int offset) {
        checkLength(values.size());
        if (values instanceof PrimitivesArrays.FloatArray a) {
            for (int i = 0; i < rowLength; i++) {
                rows[offset + i] = finite(a.getFloat(i), i);
            }
        } else if (values instanceof PrimitivesArrays.DoubleArray a) {
            for (int i = 0; i < rowLength; i++) {
                rows[offset + i] = narrow(a.getDouble(i), i);
            }
        } else if (values instanceof PrimitivesArrays.IntArray a) {
            for (int i = 0; i < rowLength; i++) {
                rows[offset + i] = a.getInt(i);
            }
        } else if (values instanceof PrimitivesArrays.LongArray a) {
            for (int i = 0; i < rowLength; i++) {
                rows[offset + i] = a.getLong(i);
            }
        } else {
            for (int i = 0; i < rowLength; i++) {
                rows[offset + i] = narrow(((Number) values.get(i)).doubleValue(), i);
            }
        }
    }

    /**
     * Checks a JSON array of numbers and writes it into {@code rows} at {@code offset}.
     *
     * @throws InvalidRecordException {@code WRONG_DIMENSION}, {@code NON_FINITE}, or {@code WRONG_FIELD_TYPE} for an
     *         element that is not a number
     */
    void writeJson(JsonNode array, float[] rows, int offset) {
        checkLength(array.size());
        for (int i = 0; i < rowLength; i++) {
            JsonNode x = array.get(i);
            if (!x.isNumber()) {
                throw new InvalidRecordException(FailureReason.WRONG_FIELD_TYPE, "input.field '" + path + "'[" + i
                        + "] is " + JsonFieldPaths.typeOf(x) + "; expected a number (the field is a feature vector)");
            }
            rows[offset + i] = narrow(x.doubleValue(), i);
        }
    }

    /**
     * Starts fetching an image field's image.
     *
     * @param found the field's type, for the message when the model does not take images
     * @throws InvalidRecordException {@code WRONG_FIELD_TYPE} when the model input is not an image
     */
    PendingImage startImage(ImageRequest request, String found) {
        if (images == null) {
            throw new InvalidRecordException(FailureReason.WRONG_FIELD_TYPE, "input.field '" + path + "' is " + found
                    + ", an image, but the model input " + Arrays.toString(modelShape) + " is not an image [N, height,"
                    + " width, channels]; this model takes a feature array of " + rowLength + " numbers");
        }
        return new PendingImage(request, images.prefetch(request));
    }

    /** On the inference worker: waits for the fetch, then decodes, resizes and scales into the row. */
    RecordFailure completeRow(PendingImage pending, float[] rows, int offset) {
        return pending.completeRow(images, rows, offset);
    }

    private void checkLength(int n) {
        if (n != rowLength) {
            throw new InvalidRecordException(FailureReason.WRONG_DIMENSION, "input.field '" + path + "' has " + n
                    + " values, expected " + rowLength + " (input row shape " + Arrays.toString(rowShape) + ")");
        }
    }

    private float finite(float x, int i) {
        if (!Float.isFinite(x)) {
            throw nonFinite(Float.toString(x), i, "");
        }
        return x;
    }

    private float narrow(double x, int i) {
        float f = (float) x;
        if (!Float.isFinite(f)) {
            throw nonFinite(Double.toString(x), i, Double.isFinite(x) ? " (beyond the float range)" : "");
        }
        return f;
    }

    private InvalidRecordException nonFinite(String value, int i, String why) {
        return new InvalidRecordException(FailureReason.NON_FINITE, "input.field '" + path + "'[" + i + "] = " + value
                + why + "; expected finite values only");
    }
}
