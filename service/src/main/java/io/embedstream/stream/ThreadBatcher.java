package io.embedstream.stream;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The micro-batcher of one stream thread: the records of every task the thread runs fill the same batch
 * (dynamic batching across partitions), which goes to the thread's {@link InferenceWorker} when it is full,
 * when its oldest record has waited {@code linger-ms}, or when the buffers drain for shutdown. Results come back
 * to each record's own task ({@link Batch.Completion}), on this thread, when {@link #collect()} finds finished
 * batches; the task forwards them in its own {@code process} or punctuation, as Kafka Streams requires.
 *
 * <p>At most {@code maxInFlight} batches are submitted and unfinished; when a full batch finds the bound
 * reached, the stream thread waits for the oldest. Row arrays are reused once their batch is collected.
 *
 * <p>Confined to its stream thread (the worker only reads a batch after it is submitted). The owner
 * ({@link ThreadBatchers}) closes it, which stops the worker.
 */
final class ThreadBatcher<T> implements AutoCloseable {

    private record InFlight<T>(Batch<T> batch, CompletableFuture<List<Batch.Outcome>> result) {}

    private final InferenceWorker<T> worker;
    private final int maxSize;
    private final long lingerMs;
    private final int maxInFlight;
    private final int rowLength;
    private final ArrayDeque<InFlight<T>> inFlight = new ArrayDeque<>();
    private final ArrayDeque<float[]> spareRows = new ArrayDeque<>();
    private Batch<T> open;

    ThreadBatcher(InferenceWorker<T> worker, int maxSize, long lingerMs, int maxInFlight, int rowLength) {
        this.worker = worker;
        this.maxSize = maxSize;
        this.lingerMs = lingerMs;
        this.maxInFlight = maxInFlight;
        this.rowLength = rowLength;
    }

    /**
     * The batch the next record goes into, opened if needed: decode writes the record's row into its
     * {@link Batch#rows()} at {@link Batch#nextOffset()} before {@link #add} commits it.
     */
    Batch<T> openBatch(long nowMs) {
        if (open == null) {
            float[] rows = spareRows.isEmpty() ? new float[maxSize * rowLength] : spareRows.pop();
            open = new Batch<>(rows, rowLength, maxSize, nowMs);
        }
        return open;
    }

    /** Commits the record whose row {@code openBatch(...)} took; submits the batch when it is full. */
    void add(Batch.Entry<T> entry, long nowMs) {
        openBatch(nowMs).add(entry, nowMs);
        if (open.size() >= maxSize) {
            submitOpen(nowMs);
        }
    }

    /** Submits the open batch if its oldest record has waited {@code linger-ms}, or at once with {@code force}. */
    void flushIfDue(long nowMs, boolean force) {
        if (open != null && open.size() > 0 && (force || nowMs - open.openedAtMs() >= lingerMs)) {
            submitOpen(nowMs);
        }
    }

    /**
     * Hands the results of every finished batch, oldest first, to the records' tasks. Batches finish in
     * submission order, so this stops at the first unfinished one.
     *
     * @throws RuntimeException what the worker failed with (a model or registry failure): fatal for the thread
     */
    void collect() {
        while (!inFlight.isEmpty() && inFlight.peek().result().isDone()) {
            deliver(inFlight.poll());
        }
    }

    private void submitOpen(long nowMs) {
        while (inFlight.size() >= maxInFlight) {
            deliver(inFlight.poll()); // waits for the oldest batch
        }
        Batch<T> batch = open;
        open = null;
        inFlight.add(new InFlight<>(batch, worker.submit(batch, nowMs)));
    }

    private void deliver(InFlight<T> finished) {
        List<Batch.Outcome> outcomes;
        try {
            outcomes = finished.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch's inference", e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
        List<Batch.Entry<T>> entries = finished.batch().entries();
        for (int i = 0; i < entries.size(); i++) {
            Batch.Entry<T> entry = entries.get(i);
            entry.completion().complete(entry.sequence(), outcomes.get(i));
        }
        spareRows.push(finished.batch().rows());
    }

    private static RuntimeException unwrap(Throwable cause) {
        Throwable t = cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
        return t instanceof RuntimeException re ? re : new IllegalStateException(t.getMessage(), t);
    }

    /** Stops the worker; batches still unfinished are abandoned (their records are still in the durable buffers). */
    @Override
    public void close() {
        worker.close();
    }
}
