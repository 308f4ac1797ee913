package io.embedstream.stream;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.embed.Embeddings;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes the fixed output shape, {@code EnrichedRecord} ({@code schemas/EnrichedRecord.avsc}), keyed by the
 * input record's key. Thread-safe when the serializer is.
 */
public final class EnrichedRecordWriter<T> implements OutputWriter<T> {

    private final Enricher enricher;
    private final Serializer<EnrichedRecord> serializer;
    private final String topic;

    /**
     * @param topic the output topic (the serializer's subject depends on it)
     */
    public EnrichedRecordWriter(Enricher enricher, Serializer<EnrichedRecord> serializer, String topic) {
        this.enricher = enricher;
        this.serializer = serializer;
        this.topic = topic;
    }

    @Override
    public Output write(DecodedInput<T> input, PendingRecord source, Embeddings embeddings, int row) {
        EnrichedRecord record = enricher.enrich(input, source, embeddings.asList(row), embeddings.dimension());
        return new Output(source.key(), serializer.serialize(topic, record));
    }
}
