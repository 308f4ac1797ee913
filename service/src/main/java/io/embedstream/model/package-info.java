/**
 * The model runtime: loads a TensorFlow model, resolves the configured layer and runs batches on it.
 *
 * <p>Entry points: {@link io.embedstream.model.ModelLoader#load} (returns an
 * {@link io.embedstream.model.EmbeddingModel}, which opens thread-confined
 * {@link io.embedstream.model.InferenceSession}s), {@link io.embedstream.model.ModelInspector#inspect}
 * (what the {@code inspect} command prints) and {@link io.embedstream.dev.demo.DemoModel} (a model built
 * in code, for demos and tests). Values crossing the boundary are plain records
 * ({@link io.embedstream.model.FloatBatch}, {@link io.embedstream.model.TensorInfo}, ...) without native
 * resources. Knows nothing of Kafka.
 *
 * <p>{@code graph} holds the proto-level analysis (layers, call chains, the function tap) and
 * {@code runtime} the TensorFlow graphs and sessions; both are internal.
 */
package io.embedstream.model;
