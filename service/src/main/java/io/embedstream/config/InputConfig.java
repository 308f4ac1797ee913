package io.embedstream.config;

/**
 * What the input records are.
 *
 * @param format feature-vector (schemas/FeatureRecord.avsc) or image-reference (schemas/ImageReference.avsc)
 */
public record InputConfig(InputFormat format) {
    public InputConfig {
        Checks.required("input.format", format);
    }
}
