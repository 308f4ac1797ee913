package io.embedstream.config;

/** How the tapped layer's output becomes the embedding: pooling, then normalisation. */
public record EmbeddingConfig(Pooling pooling, Normalization normalize) {
    public EmbeddingConfig {
        Checks.required("embedding.pooling", pooling);
        Checks.required("embedding.normalize", normalize);
    }
}
