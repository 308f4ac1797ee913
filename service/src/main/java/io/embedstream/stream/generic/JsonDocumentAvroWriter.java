package io.embedstream.stream.generic;

import io.embedstream.avro.JsonDocument;
import io.embedstream.embed.Embeddings;
import io.embedstream.serde.EnrichedSchemas;
import io.embedstream.stream.DecodedInput;
import io.embedstream.stream.EmbeddingSpace;
import io.embedstream.stream.OutputWriter;
import io.embedstream.stream.PendingRecord;
import org.apache.avro.Schema;

/**
 * Writes JSON input enriched as Avro ({@code input.format: json}, {@code output.format: avro}): a record of the schema
 * derived from {@code schemas/JsonDocument.avsc} (its {@code document} field holds the input JSON text unchanged) plus
 * the embedding field and the optional metadata field, in the Confluent wire format. The schema is one and the same
 * for every record, so it is registered once, at start-up. Keyed by {@code output.key-field} when set, else by the
 * input key. Thread-safe.
 */
public final class JsonDocumentAvroWriter implements OutputWriter<FieldPayload> {

    private final int schemaId;
    private final AvroTail tail;

    /**
     * @param schemaId the registry id of {@link #schema}
     */
    public JsonDocumentAvroWriter(int schemaId, EmbeddingSpace space, boolean metadata) {
        this.schemaId = schemaId;
        this.tail = new AvroTail(space, metadata);
    }

    /** The output schema: {@code JsonDocument} plus the embedding field (and the metadata field). */
    public static Schema schema(String field, String metadataField) {
        return EnrichedSchemas.derive(JsonDocument.getClassSchema(), field, metadataField);
    }

    @Override
    public Output write(DecodedInput<FieldPayload> input, PendingRecord source, Embeddings embeddings, int row) {
        byte[] document = source.value();
        byte[] framed = tail.frame(schemaId, AvroTail.lengthPrefix(document.length), document, 0, document.length,
                embeddings, row);
        FieldPayload payload = input.payload();
        return new Output(payload.key() != null ? payload.key() : source.key(), framed);
    }
}
