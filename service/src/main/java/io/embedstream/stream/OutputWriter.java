package io.embedstream.stream;

import io.embedstream.embed.Embeddings;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the output record of one enriched input record, on the inference worker. Implementations are
 * thread-safe: every worker of the instance shares one.
 *
 * @param <T> the payload type of the input format
 */
public interface OutputWriter<T> {

    /**
     * The key and value bytes of one output record, and the headers it sets on top of the input record's.
     *
     * @param headers headers to set (each replaces any input header of the same key); immutable, not copied
     */
    record Output(byte[] key, byte[] value, List<Header> headers) {

        /** An output that keeps the input record's headers as they are. */
        public Output(byte[] key, byte[] value) {
            this(key, value, List.of());
        }

        /** This output with {@code added} set as well. */
        public Output withHeaders(List<Header> added) {
            if (headers.isEmpty()) {
                return new Output(key, value, added);
            }
            Header[] all = new Header[headers.size() + added.size()];
            headers.toArray(all);
            for (int i = 0; i < added.size(); i++) {
                all[headers.size() + i] = added.get(i);
            }
            return new Output(key, value, List.of(all));
        }

        /**
         * The headers of the output record: {@code input}'s, with {@link #headers()} set on top (an input header of
         * the same key is dropped, so that an output of an earlier embedstream that is enriched again does not carry
         * two values). Returns {@code input} itself when there is nothing to set.
         */
        public Headers over(Headers input) {
            if (headers.isEmpty()) {
                return input;
            }
            RecordHeaders merged = new RecordHeaders(input == null ? new Header[0] : input.toArray());
            for (Header h : headers) {
                merged.remove(h.key());
            }
            for (Header h : headers) {
                merged.add(h);
            }
            return merged;
        }
    }

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
