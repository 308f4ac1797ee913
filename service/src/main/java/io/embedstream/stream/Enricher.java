package io.embedstream.stream;

import io.embedstream.avro.EnrichedRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Builds the output record from the input record, its embedding and the model metadata. Thread-safe. */
public final class Enricher {

    private final OutputMetadata metadata;
    private final Clock clock;

    public Enricher(OutputMetadata metadata, Clock clock) {
        this.metadata = metadata;
        this.clock = clock;
    }

    /** The output record for one embedding, given as a list that the record keeps (not copied). */
    public EnrichedRecord enrich(DecodedInput<?> input, PendingRecord source, List<Float> embedding, int dimension) {
        return EnrichedRecord.newBuilder()
                .setId(input.id())
                .setAttributes(input.attributes())
                .setEmbedding(embedding)
                .setDimension(dimension)
                .setModelName(metadata.modelName())
                .setModelVersion(metadata.modelVersion())
                .setLayer(metadata.layer())
                .setPooling(metadata.pooling())
                .setNormalization(metadata.normalization())
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setEventTime(input.eventTime() == null ? null : Instant.ofEpochMilli(input.eventTime()))
                .setEmbeddedAt(clock.instant())
                .build();
    }
}
