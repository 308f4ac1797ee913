package io.embedstream.model;

import java.util.List;

/**
 * A SavedModel signature.
 *
 * @param key     e.g. {@code serving_default}
 * @param method  e.g. {@code tensorflow/serving/predict}
 * @param inputs  input keys with their top-level tensors, dtypes and shapes
 * @param outputs output keys likewise
 */
public record SignatureInfo(String key, String method, List<TensorInfo> inputs, List<TensorInfo> outputs) {
    public SignatureInfo {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
