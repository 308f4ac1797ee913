package io.embedstream.stream;

import io.embedstream.config.BatchingConfig;
import io.embedstream.embed.Embedder;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.postprocess.Postprocessor;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * The collaborators of the embedding processor, built once by the runner and shared by every task and stream
 * thread. All are thread-safe. The runner owns them: it closes {@code batchers} and {@code sources} after Kafka
 * Streams has stopped.
 *
 * @param input    decodes input records and makes their model input rows
 * @param output   builds output records
 * @param batchers one micro-batcher and inference worker per stream thread
 * @param sources  re-reads buffered records by offset after a restart
 * @param buffers  what is buffered in this instance, and the drain request at shutdown
 * @param limits   the record sizes the topics and producers take
 * @param rejections records the producer refused, to be dead-lettered when they come round again
 */
public record EmbeddingPipeline<T>(
        InputHandler<T> input,
        OutputWriter<T> output,
        ThreadBatchers<T> batchers,
        SourceReader sources,
        BatchBuffers buffers,
        StreamMetrics metrics,
        RecordLimits limits,
        ProducerRejections rejections) {

    /**
     * Wires the pipeline: every stream thread gets a batcher whose worker opens its own session of {@code model}
     * and embeds with {@code postprocessor}.
     */
    public static <T> EmbeddingPipeline<T> create(InputHandler<T> input, OutputWriter<T> output, EmbeddingModel model,
            Postprocessor postprocessor, BatchingConfig batching, SourceReader sources, BatchBuffers buffers,
            StreamMetrics metrics, RecordLimits limits) {
        return create(input, output, model, postprocessor, batching, sources, buffers, metrics, limits,
                InferenceWorker::singleThread);
    }

    /**
     * As {@link #create(InputHandler, OutputWriter, EmbeddingModel, Postprocessor, BatchingConfig, SourceReader,
     * BatchBuffers, StreamMetrics, RecordLimits)}, with the executor each worker runs on (given the worker's
     * name): one thread of its own in the service; tests may run batches on the calling thread.
     */
    public static <T> EmbeddingPipeline<T> create(InputHandler<T> input, OutputWriter<T> output, EmbeddingModel model,
            Postprocessor postprocessor, BatchingConfig batching, SourceReader sources, BatchBuffers buffers,
            StreamMetrics metrics, RecordLimits limits, Function<String, ExecutorService> workerExecutors) {
        Embedder embedder = new Embedder(postprocessor, input.rowShape());
        ThreadBatchers<T> batchers = new ThreadBatchers<>(thread -> {
            String name = thread.getName() + "-inference";
            return new ThreadBatcher<>(new InferenceWorker<>(name, workerExecutors.apply(name), model, input, embedder,
                    output, metrics, limits), batching.maxSize(), batching.lingerMs(), batching.maxInFlight(),
                    embedder.rowLength());
        });
        return new EmbeddingPipeline<>(input, output, batchers, sources, buffers, metrics, limits,
                new ProducerRejections());
    }
}
