package io.embedstream.stream.generic;

import org.apache.avro.Schema;

/** What the value of {@code input.field} is to the model. */
enum FieldKind {
    /** A string: an image URI, fetched behind the SSRF guard. */
    IMAGE_URI,
    /** Bytes: an encoded image (PNG, JPEG, GIF, BMP) inside the record. */
    IMAGE_BYTES,
    /** An array of numbers: the model input row, row-major. */
    FEATURES;

    /** What {@code input.field} accepts, for messages. */
    static final String EXPECTED = "expected a string (image URI), bytes (encoded image) or an array of float, double,"
            + " int or long (feature vector)";

    /**
     * The kind of a non-union Avro type, or {@code null} when it cannot feed the model: {@code string},
     * {@code bytes} without a logical type (so not {@code decimal}), {@code array} of {@code float}, {@code double},
     * {@code int} or {@code long} without logical types.
     */
    static FieldKind of(Schema schema) {
        return switch (schema.getType()) {
            case STRING -> IMAGE_URI;
            case BYTES -> schema.getLogicalType() == null ? IMAGE_BYTES : null;
            case ARRAY -> {
                Schema items = schema.getElementType();
                boolean numeric = switch (items.getType()) {
                    case FLOAT, DOUBLE, INT, LONG -> items.getLogicalType() == null;
                    default -> false;
                };
                yield numeric ? FEATURES : null;
            }
            default -> null;
        };
    }

    boolean isImage() {
        return this != FEATURES;
    }
}
