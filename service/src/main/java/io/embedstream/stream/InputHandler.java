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
     * Decodes and validates one record value. It runs on the stream thread when the record arrives, so
     * that bad records are dead-lettered at once and never enter the batch buffer, and again for
     * records restored from the buffer after a restart.
     *
     * <p>It never blocks on I/O for the record's content. It may start asynchronous work for it, such
     * as an image fetch on the fetcher's bounded pool, and keep a handle to that work in the payload;
     * {@link #rows} is where that work is waited for. (The deserializer may ask the schema registry for
     * a writer schema it has not seen before, once per schema id.)
     *
     * @throws InvalidRecordException when the value is not a valid record of this format
     */
    DecodedInput<T> decode(String topic, byte[] value);

    /**
     * The model input rows of a batch, one outcome per payload, in order. This is where waiting
     * happens: it blocks until the work that {@link #decode} started for these payloads is done
     * (image fetches), then finishes each row on the calling thread (decode, resize, scale).
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
