package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * How a rank-4 [N,H,W,C] layer output becomes one vector per record.
 *
 * <p>none = keep as is (must already be [N,D]); flatten = reshape to [N, H*W*C]; mean/max = reduce over the spatial axes H and W.
 */
public enum Pooling {
    NONE, FLATTEN, MEAN, MAX;

    @JsonCreator
    public static Pooling of(String value) {
        return Choices.parse(Pooling.class, value);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
