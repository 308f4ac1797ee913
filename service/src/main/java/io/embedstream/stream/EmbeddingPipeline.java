package io.embedstream.stream;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.model.InferenceSession;
import io.embedstream.postprocess.Postprocessor;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The collaborators of the embedding processor, built once by the runner and shared by all tasks.
 * Each must be thread-safe, except that {@code sessions} hands every thread its own session.
 */
public record EmbeddingPipeline(
        InputHandler<?> input,
        Supplier<InferenceSession> sessions,
        Postprocessor postprocessor,
        Enricher enricher,
        Serializer<EnrichedRecord> serializer,
        BatchBuffers buffers,
        StreamMetrics metrics) {}
