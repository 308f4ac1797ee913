package io.embedstream.stream;

import java.util.List;

/**
 * One input format (feature vectors, image references): decodes the value of a record and turns a
 * batch of decoded records into model input rows. Implementations are thread-safe; stream threads
 * share one instance.
 *
 * @param <T> what a decoded record carries until its batch runs
 */
public interface InputHandler<T> {

    /**
     * Decodes and validates one record value. Cheap and without I/O: it runs on arrival, so that bad
     * records are dead-lettered at once and never enter the batch buffer.
     *
     * @throws InvalidRecordException when the value is not a valid record of this format
     */
    DecodedInput<T> decode(String topic, byte[] value);

    /**
     * The model input rows of a batch, one outcome per payload, in order. This is where I/O happens
     * (fetching images), for the whole batch at once.
     */
    List<VectorOutcome> rows(List<T> payloads);

    /**
     * Whether the payload's input is at hand, so that {@link #rows} will not wait for it. Formats that
     * fetch (images) say false while the fetch is under way; the processor then keeps consuming instead
     * of blocking. Must be cheap.
     */
    default boolean isReady(T payload) {
        return true;
    }

    /** The shape of one model input row (without the batch axis). */
    long[] rowShape();
}
