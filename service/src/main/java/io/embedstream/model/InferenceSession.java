package io.embedstream.model;

/**
 * Runs the model on batches. One instance belongs to one thread: the stream thread that opened it
 * uses it and closes it. Whether it owns a TF session of its own or shares one depends on
 * {@code model.sessions}; either way, closing it releases only what it owns.
 */
public interface InferenceSession extends AutoCloseable {

    /**
     * Runs the whole batch with one {@code session.run} and returns the configured layer's output.
     *
     * @param input shape {@code [N, ...]} matching the model input (its unknown axes take the given sizes)
     * @return the layer output, shape {@code [N, ...]}, as plain Java data
     * @throws ModelException when TensorFlow rejects the input or fails
     */
    FloatBatch run(FloatBatch input);

    /**
     * Runs the first {@code rows} rows of {@code data} (row-major, each of shape {@code rowShape}) as one batch.
     * {@code data} may be longer than the batch (a reused buffer); it is only read. This default copies the
     * rows into a {@link FloatBatch}; implementations may feed them without the copy.
     */
    default FloatBatch run(float[] data, int rows, long[] rowShape) {
        int rowLength = FloatBatch.rowLengthOf(rowShape);
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return run(new FloatBatch(java.util.Arrays.copyOf(data, rows * rowLength), shape));
    }

    @Override
    void close();
}
