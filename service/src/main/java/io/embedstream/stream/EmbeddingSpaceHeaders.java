package io.embedstream.stream;

import io.embedstream.embed.Embeddings;
import java.util.List;
import org.apache.kafka.common.header.Header;

/**
 * Tags every output of the writer it wraps with the instance's {@link EmbeddingSpace} headers
 * ({@value EmbeddingSpace#ID_HEADER}, {@value EmbeddingSpace#MODEL_HEADER}), whatever the output format. The
 * start-up check of a later instance reads them back from the last record of each output partition. Thread-safe
 * when the wrapped writer is.
 */
public final class EmbeddingSpaceHeaders<T> implements OutputWriter<T> {

    private final OutputWriter<T> delegate;
    private final EmbeddingSpace space;
    private volatile Tagged tagged;

    /** The headers for one embedding length (known for certain only once a batch has run). */
    private record Tagged(int dimension, List<Header> headers) {}

    public EmbeddingSpaceHeaders(OutputWriter<T> delegate, EmbeddingSpace space) {
        this.delegate = delegate;
        this.tagged = new Tagged(space.dimension(), space.headers());
        this.space = space;
    }

    @Override
    public Output write(DecodedInput<T> input, PendingRecord source, Embeddings embeddings, int row) {
        Output out = delegate.write(input, source, embeddings, row);
        Tagged t = tagged;
        if (t.dimension() != embeddings.dimension()) {
            t = new Tagged(embeddings.dimension(), space.withDimension(embeddings.dimension()).headers());
            tagged = t;
        }
        return out.withHeaders(t.headers());
    }
}
