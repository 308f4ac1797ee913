package io.embedstream.stream;

import io.embedstream.failure.FailureReason;
import io.embedstream.failure.RecordFailure;
import io.embedstream.embed.Embedder;
import io.embedstream.embed.Embeddings;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.InferenceSession;
import io.embedstream.serde.RecordEncodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the batches of one stream thread on a thread of its own, so that the stream thread keeps polling,
 * decoding and forwarding while TensorFlow works. It owns the TF session it runs them with (opened on its
 * thread when it starts, closed when it stops). Batches run one at a time, in the order they are submitted.
 *
 * <p>For each batch: it finishes the rows that decoding left open ({@link InputHandler#completeRow}, e.g. waits
 * for an image fetch), runs the rows that have one through the {@link Embedder} (one {@code session.run}), and
 * writes each record's output ({@link OutputWriter}). A record that fails on the way (bad image, rejected by the
 * model, cannot be encoded, output too large) gets a failed outcome. Anything that is not one record's fault
 * (the model fails, the registry is down) completes the batch exceptionally; the stream thread rethrows it.
 *
 * <p>Thread-safe: {@link #submit} may be called from the owning stream thread while batches run.
 */
final class InferenceWorker<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceWorker.class);

    private final String name;
    private final ExecutorService executor;
    private final InputHandler<T> input;
    private final Embedder embedder;
    private final OutputWriter<T> output;
    private final StreamMetrics metrics;
    private final RecordLimits limits;
    private final CompletableFuture<InferenceSession> session;

    /**
     * @param executor runs the batches, one at a time: a thread of the worker's own ({@link #singleThread}); the
     *                 worker shuts it down on {@link #close()}
     */
    InferenceWorker(String name, ExecutorService executor, EmbeddingModel model, InputHandler<T> input,
            Embedder embedder, OutputWriter<T> output, StreamMetrics metrics, RecordLimits limits) {
        this.name = name;
        this.executor = executor;
        this.input = input;
        this.embedder = embedder;
        this.output = output;
        this.metrics = metrics;
        this.limits = limits;
        // Open the session now, on the worker's thread, so that the first batch does not wait for it.
        this.session = CompletableFuture.supplyAsync(() -> {
            LOG.info("Opening a model session for {}", name);
            return model.openSession();
        }, executor);
    }

    /** A daemon thread named {@code name}, for one worker. */
    static ExecutorService singleThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues a batch; the future completes with one outcome per entry, in order. */
    CompletableFuture<List<Batch.Outcome>> submit(Batch<T> batch, long submittedAtMs) {
        return session.thenApplyAsync(s -> run(s, batch, submittedAtMs), executor);
    }

    private List<Batch.Outcome> run(InferenceSession s, Batch<T> batch, long submittedAtMs) {
        List<Batch.Entry<T>> entries = batch.entries();
        float[] rows = batch.rows();
        int rowLength = batch.rowLength();
        int n = entries.size();
        RecordFailure[] failures = new RecordFailure[n];
        int[] embeddingRow = new int[n];
        int ready = 0;
        for (int i = 0; i < n; i++) {
            Batch.Entry<T> entry = entries.get(i);
            RecordFailure failure = input.completeRow(entry.decoded().payload(), rows, i * rowLength);
            if (failure != null) {
                failures[i] = failure;
                embeddingRow[i] = -1;
                continue;
            }
            if (ready != i) {
                // Close the gap left by a failed row, so that the rows TensorFlow reads are contiguous.
                System.arraycopy(rows, i * rowLength, rows, ready * rowLength, rowLength);
            }
            embeddingRow[i] = ready++;
        }
        long start = System.nanoTime();
        Embeddings embeddings = embedder.embed(s, rows, ready);
        long inferenceNanos = System.nanoTime() - start;
        if (ready > 0) { // only batches that ran through the model
            metrics.batch(ready, inferenceNanos, Math.max(0, submittedAtMs - batch.openedAtMs()));
            metrics.batchPartitions(batch.partitions());
        }
        List<Batch.Outcome> outcomes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int row = embeddingRow[i];
            if (row < 0) {
                outcomes.add(Batch.Outcome.failed(failures[i]));
            } else if (!embeddings.ok(row)) {
                outcomes.add(Batch.Outcome.failed(embeddings.failure(row)));
            } else {
                outcomes.add(write(entries.get(i), embeddings, row));
            }
        }
        return outcomes;
    }

    private Batch.Outcome write(Batch.Entry<T> entry, Embeddings embeddings, int row) {
        OutputWriter.Output out;
        try {
            out = output.write(entry.decoded(), entry.source(), embeddings, row);
        } catch (RecordEncodingException e) {
            return Batch.Outcome.failed(RecordFailure.of(FailureReason.OUTPUT_NOT_ENCODABLE, e));
        }
        // The output carries the input's headers as well as its own.
        long size = RecordLimits.sizeOf(out.key(), out.value(), entry.source().headers(), out.headers());
        if (size > limits.maxOutputBytes()) {
            return Batch.Outcome.failed(new RecordFailure(FailureReason.OUTPUT_TOO_LARGE,
                    InferenceWorker.class.getName(), "the output record would take " + size + " bytes; the output "
                    + "topic and producer take at most " + limits.maxOutputBytes()
                    + " (raise max.message.bytes on the output topic and kafka.max.request.size)"));
        }
        return Batch.Outcome.ok(out);
    }

    /** Stops the thread after the batches already queued, and closes the session. */
    @Override
    public void close() {
        CompletableFuture<Void> closed = session.thenAcceptAsync(InferenceSession::close, executor);
        executor.shutdown();
        try {
            closed.get(30, TimeUnit.SECONDS);
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("{} did not stop within 30 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Closing {} failed: {}", name, e.toString());
        }
    }
}
