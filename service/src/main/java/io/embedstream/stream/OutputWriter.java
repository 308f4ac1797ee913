package io.embedstream.stream;

import io.embedstream.embed.Embeddings;

/**
 * Builds the output record of one enriched input record, on the inference worker. Implementations are
 * thread-safe: every worker of the instance shares one.
 *
 * @param <T> the payload type of the input format
 */
public interface OutputWriter<T> {

    /** The key and value bytes of one output record. */
    record Output(byte[] key, byte[] value) {}

    /**
     * @param input      the decoded input record
     * @param source     where it came from, with its original key and headers
     * @param embeddings the batch's embeddings
     * @param row        which of them is this record's
     * @throws io.embedstream.serde.RecordEncodingException when this record cannot be encoded (dead-lettered)
     * @throws io.embedstream.serde.SchemaRegistryException when the registry fails (not the record's fault: fatal)
     */
    Output write(DecodedInput<T> input, PendingRecord source, Embeddings embeddings, int row);
}
