package io.embedstream.stream.generic;

import io.embedstream.embed.Embeddings;
import io.embedstream.serde.ConfluentWireFormat;
import io.embedstream.stream.DecodedInput;
import io.embedstream.stream.EmbeddingSpace;
import io.embedstream.stream.OutputWriter;
import io.embedstream.stream.PendingRecord;

/**
 * Writes Avro input ({@code input.format: avro}) enriched: the input record with every field as it was, plus the
 * embedding field and the optional metadata field, framed with the id of the schema derived from the input's writer
 * schema ({@link DerivedSchemas}; registered under the output subject the first time). The bytes are the input's
 * Avro body followed by the new fields ({@link AvroTail}). Keyed by {@code output.key-field} when set, else by the
 * input key. Thread-safe.
 */
public final class EnrichedAvroWriter implements OutputWriter<FieldPayload> {

    private final DerivedSchemas schemas;
    private final AvroTail tail;

    /** @param metadata whether the output has the metadata field */
    public EnrichedAvroWriter(DerivedSchemas schemas, EmbeddingSpace space, boolean metadata) {
        this.schemas = schemas;
        this.tail = new AvroTail(space, metadata);
    }

    @Override
    public Output write(DecodedInput<FieldPayload> input, PendingRecord source, Embeddings embeddings, int row) {
        FieldPayload payload = input.payload();
        int outputId = schemas.outputId(payload.writerSchemaId());
        byte[] value = source.value();
        int body = ConfluentWireFormat.HEADER_LENGTH;
        byte[] framed = tail.frame(outputId, null, value, body, value.length - body, embeddings, row);
        return new Output(payload.key() != null ? payload.key() : source.key(), framed);
    }
}
