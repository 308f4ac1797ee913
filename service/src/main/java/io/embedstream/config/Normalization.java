package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * Normalisation applied to each pooled embedding.
 *
 * <p>l2 = divide by the Euclidean norm (a zero vector stays zero); none = leave as is.
 */
public enum Normalization {
    L2, NONE;

    @JsonCreator
    public static Normalization of(String value) {
        return Choices.parse(Normalization.class, value);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
