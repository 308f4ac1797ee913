package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * How an image is brought to the model's input height and width (always bilinear).
 *
 * <p>stretch = resize the whole image to H×W, ignoring its aspect ratio; fit = take the largest centred
 * crop with the target aspect ratio and resize that (the shorter side fills the target, the overhang of the
 * longer side is cut off equally on both ends; Keras {@code smart_resize}).
 */
public enum ResizeMode {
    STRETCH, FIT;

    @JsonCreator
    public static ResizeMode of(String value) {
        return Choices.parse(ResizeMode.class, value);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
