package io.embedstream.config;

import java.util.List;

/**
 * What the input records are.
 *
 * @param format         feature-vector (schemas/FeatureRecord.avsc), image-reference (schemas/ImageReference.avsc),
 *                       avro (any Avro record) or json (any JSON object)
 * @param maxRecordBytes the largest input record value the service reads; a larger one is dead-lettered
 *                       ({@code RECORD_TOO_LARGE}) without being decoded. The producers are sized so that its
 *                       dead letter fits (see README, "Large records")
 * @param field          avro and json only (required there): the dotted path of the field that holds the model
 *                       input: a string (an image URI), bytes (an encoded image, Avro only) or an array of numbers
 *                       (a feature vector, the model input row, row-major)
 * @param shape          avro and json only, optional: the shape (without the batch axis) that feature arrays are
 *                       written in, e.g. [28, 28, 1] for an image-input model. It must fit the model input (equal
 *                       where the model's dimension is known; it fixes the unknown ones), which is checked at
 *                       start-up; an array must then hold the product of its dimensions. Empty: the model input
 *                       shape, which must then be fully known
 */
public record InputConfig(InputFormat format, int maxRecordBytes, FieldPath field, List<Integer> shape) {
    public InputConfig {
        Checks.required("input.format", format);
        Checks.atLeast("input.max-record-bytes", maxRecordBytes, 1024);
        shape = shape == null ? List.of() : List.copyOf(shape);
        for (int i = 0; i < shape.size(); i++) {
            if (shape.get(i) == null || shape.get(i) < 1) {
                throw ConfigException.invalid("input.shape[" + i + "]", shape.get(i), "expected a whole number >= 1"
                        + " (input.shape is the shape of a feature array without the batch axis, e.g. [28, 28, 1])");
            }
        }
        if (format.isGeneric()) {
            if (field == null) {
                throw new ConfigException("input.field is required with input.format " + format + " but was not set;"
                        + " set it to the dotted path of the field that holds the image URI, the image bytes or the"
                        + " feature vector, e.g. media.image_url or features");
            }
            if (format == InputFormat.AVRO && !field.isAvroPath()) {
                throw ConfigException.invalid("input.field", field, "with input.format avro every name of the path"
                        + " must be an Avro field name ([A-Za-z_][A-Za-z0-9_]*)");
            }
        } else {
            if (field != null) {
                throw ConfigException.invalid("input.field", field, "input.field is only used with input.format avro"
                        + " or json; input.format " + format + " has fixed fields (remove input.field, or set"
                        + " input.format: avro)");
            }
            if (!shape.isEmpty()) {
                throw ConfigException.invalid("input.shape", shape, "input.shape is only used with input.format avro"
                        + " or json; a FeatureRecord carries its own optional shape");
            }
        }
    }

    /** {@link #shape()} as a {@code long[]}, empty when not set. */
    public long[] shapeArray() {
        return shape.stream().mapToLong(Integer::longValue).toArray();
    }
}
