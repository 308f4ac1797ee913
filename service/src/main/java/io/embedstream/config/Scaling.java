package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/**
 * How 0..255 pixel values become model input values. Every preset is
 * {@code out[c] = (v * scale - mean[c]) / std[c]} with these constants:
 *
 * <ul>
 *   <li>unit: scale 1/255 (0..1)</li>
 *   <li>symmetric: scale 1/127.5, mean 1 (−1..1; Keras {@code preprocess_input} mode "tf")</li>
 *   <li>imagenet: scale 1/255, RGB mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225] (mode "torch")</li>
 *   <li>caffe: channels in BGR order, mean [103.939, 116.779, 123.68] (B, G, R) on 0..255 (mode "caffe")</li>
 *   <li>raw: 0..255, optionally times {@code image.scale}</li>
 *   <li>custom: {@code image.scale}, {@code image.mean} and {@code image.std} from the configuration</li>
 * </ul>
 */
public enum Scaling {
    UNIT, SYMMETRIC, IMAGENET, CAFFE, RAW, CUSTOM;

    @JsonCreator
    public static Scaling of(String value) {
        return Choices.parse(Scaling.class, value);
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
