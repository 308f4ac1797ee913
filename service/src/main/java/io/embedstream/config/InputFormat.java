package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * The kind of record on the input topic.
 *
 * <p>feature-vector = schemas/FeatureRecord.avsc; image-reference = schemas/ImageReference.avsc.
 */
public enum InputFormat {
    FEATURE_VECTOR, IMAGE_REFERENCE;

    @JsonCreator
    public static InputFormat of(String value) {
        return Choices.parse(InputFormat.class, value);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
