package io.embedstream.stream;

import io.embedstream.failure.RecordFailure;

/**
 * One input format (feature vectors, image references, ...): decodes the value of a record and makes its
 * model input row. Implementations are thread-safe; the stream threads and their inference workers share
 * one instance.
 *
 * <p>Rows live in one float array per batch (row {@code i} at {@code [i * rowLength, (i+1) * rowLength)}), so
 * that a record's values go straight from its bytes into the batch that TensorFlow reads, without a copy per
 * record.
 *
 * @param <T> what a decoded record carries until its row is made (nothing for feature vectors; the running
 *            fetch for image references)
 */
public interface InputHandler<T> {

    /**
     * Decodes and validates one record value. It runs on the stream thread when the record arrives, so
     * that bad records are dead-lettered at once and never enter the batch buffer, and again for
     * records restored from the buffer after a restart.
     *
     * <p>It never blocks on I/O for the record's content. It may start asynchronous work for it, such
     * as an image fetch on the fetcher's bounded pool, and keep a handle to that work in the payload;
     * {@link #completeRow} is where that work is waited for. (The deserializer may ask the schema registry
     * for a writer schema it has not seen before, once per schema id.) A format whose records carry the
     * model input row writes it here into {@code rows} at {@code offset}; when this throws, whatever was
     * written there is ignored.
     *
     * @throws InvalidRecordException when the value is not a valid record of this format
     */
    DecodedInput<T> decode(String topic, byte[] value, float[] rows, int offset);

    /**
     * Writes the model input row of a decoded record whose row {@link #decode} did not write, on the inference
     * worker just before its batch runs: for images, waits for the fetch, then decodes, resizes and scales.
     * The default does nothing (the row was written by {@code decode}).
     *
     * @return {@code null} when the row is written, otherwise why this record cannot be embedded
     */
    default RecordFailure completeRow(T payload, float[] rows, int offset) {
        return null;
    }

    /** The shape of one model input row (without the batch axis); every dimension known. */
    long[] rowShape();
}
