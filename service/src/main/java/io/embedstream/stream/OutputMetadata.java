package io.embedstream.stream;

/** The model metadata written into every enriched record. */
public record OutputMetadata(String modelName, String modelVersion, String layer, String pooling,
        String normalization) {}
