/**
 * The Kafka-free core of the service, shaped like DJL's Translator/Predictor: model input rows in one
 * float array → one {@code session.run} → pooling and normalisation → one embedding per row
 * ({@link io.embedstream.embed.Embedder}). The stream processor, the {@code embed} command and the benchmarks
 * all embed through it, so batching, the isolation of rows that TensorFlow rejects, pooling and
 * normalisation behave the same everywhere. Nothing here knows Kafka.
 */
package io.embedstream.embed;
