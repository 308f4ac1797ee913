package io.embedstream.preprocess.image;

import io.embedstream.failure.ImageFailure;
import io.embedstream.fetch.ImageRequest;

/** The outcome of {@link ImagePipeline#process} for one request: a model-input row, or why not. */
public sealed interface ImageResult permits ImageResult.Ready, ImageResult.Failed {

    ImageRequest request();

    default boolean ok() {
        return this instanceof Ready;
    }

    /** @param row {@code H*W*C} floats in NHWC order (without N); owned by the receiver */
    record Ready(ImageRequest request, float[] row) implements ImageResult {}

    record Failed(ImageRequest request, ImageFailure failure) implements ImageResult {}
}
