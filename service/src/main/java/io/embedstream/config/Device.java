package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * Where TensorFlow runs the model.
 *
 * <p>cpu = hide all GPUs; gpu = require a visible GPU (fails at start-up otherwise); auto = use a GPU when TensorFlow sees one.
 */
public enum Device {
    CPU, GPU, AUTO;

    @JsonCreator
    public static Device of(String value) {
        return Choices.parse(Device.class, value);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
