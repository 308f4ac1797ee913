package io.embedstream.embed;

import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelInputException;
import io.embedstream.postprocess.Postprocessor;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.RecordFailure;
import java.util.Arrays;

/**
 * Embeds a batch of model input rows: one {@code session.run} for the whole batch, then pooling and
 * normalisation ({@link Postprocessor}). When TensorFlow rejects the input values
 * ({@link ModelInputException}, e.g. a failed numeric check), the batch is split in halves until the rejected
 * rows are isolated: those rows fail with {@code MODEL_REJECTED} and every other row is embedded. Any other
 * model error propagates: it is not one row's fault.
 *
 * <p>This is the one place that turns rows into embeddings; the stream processor's inference worker, the
 * {@code embed} command and the benchmarks all use it. Stateless and thread-safe; the session belongs to the
 * calling thread.
 */
public final class Embedder {

    private final Postprocessor postprocessor;
    private final long[] rowShape;
    private final int rowLength;

    /**
     * @param rowShape the model input shape without the batch axis; every dimension known
     */
    public Embedder(Postprocessor postprocessor, long[] rowShape) {
        this.postprocessor = postprocessor;
        this.rowShape = rowShape.clone();
        this.rowLength = FloatBatch.rowLengthOf(rowShape);
    }

    /** Values per input row: the product of the row shape. */
    public int rowLength() {
        return rowLength;
    }

    public long[] rowShape() {
        return rowShape.clone();
    }

    /**
     * Embeds rows {@code [0, rows)} of {@code data} (row-major, {@link #rowLength()} values each; the array may
     * be longer). {@code data} is only read.
     *
     * @return one embedding or failure per row, in order
     * @throws io.embedstream.model.ModelException when the model fails for a reason that is not one row's values
     */
    public Embeddings embed(InferenceSession session, float[] data, int rows) {
        if (rows == 0) {
            return new Embeddings(new float[0], 0, new RecordFailure[0]);
        }
        try {
            FloatBatch pooled = postprocessor.applyInPlace(session.run(data, rows, rowShape));
            return new Embeddings(pooled.data(), pooled.rowLength(), new RecordFailure[rows]);
        } catch (ModelInputException e) {
            if (rows == 1) {
                return new Embeddings(new float[0], 0, new RecordFailure[] {
                        RecordFailure.of(FailureReason.MODEL_REJECTED, e)});
            }
            int half = rows / 2;
            Embeddings first = embed(session, data, half);
            Embeddings second = embed(session, Arrays.copyOfRange(data, half * rowLength, rows * rowLength), rows - half);
            return concat(first, second);
        }
    }

    /** Embeds a whole {@link FloatBatch} of input rows. */
    public Embeddings embed(InferenceSession session, FloatBatch rows) {
        return embed(session, rows.data(), rows.rows());
    }

    private static Embeddings concat(Embeddings a, Embeddings b) {
        int dimension = Math.max(a.dimension(), b.dimension());
        int rows = a.rows() + b.rows();
        float[] data = new float[rows * dimension];
        RecordFailure[] failures = new RecordFailure[rows];
        copyRows(a, data, failures, 0, dimension);
        copyRows(b, data, failures, a.rows(), dimension);
        return new Embeddings(data, dimension, failures);
    }

    private static void copyRows(Embeddings from, float[] data, RecordFailure[] failures, int firstRow, int dimension) {
        for (int i = 0; i < from.rows(); i++) {
            failures[firstRow + i] = from.failure(i);
            if (from.ok(i)) {
                System.arraycopy(from.data(), from.offset(i), data, (firstRow + i) * dimension, dimension);
            }
        }
    }
}
