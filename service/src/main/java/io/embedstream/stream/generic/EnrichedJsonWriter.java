package io.embedstream.stream.generic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedstream.embed.Embeddings;
import io.embedstream.serde.RecordEncodingException;
import io.embedstream.stream.DecodedInput;
import io.embedstream.stream.EmbeddingSpace;
import io.embedstream.stream.OutputWriter;
import io.embedstream.stream.PendingRecord;
import java.nio.charset.StandardCharsets;

/**
 * Writes JSON input enriched as JSON ({@code output.format: json}): the input object as it was received, byte for
 * byte (field order, number spelling and white space kept), with {@code "<output.field>": [numbers]} and, when
 * configured, {@code "<output.metadata-field>": {modelName, modelVersion, layer, pooling, normalization, dimension,
 * embeddingSpace}} added as its last fields. Numbers are written as Java writes floats (shortest text that reads
 * back as the same float, e.g. {@code 0.125}, {@code 1.0E-5}). A non-finite value, which JSON cannot carry, makes the
 * record {@code OUTPUT_NOT_ENCODABLE}. Keyed by {@code output.key-field} when set, else by the input key.
 * Thread-safe.
 */
public final class EnrichedJsonWriter implements OutputWriter<FieldPayload> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final EmbeddingSpace space;
    private final byte[] fieldPrefix;
    private final String metadataField;
    private volatile Encoded encoded;

    private record Encoded(int dimension, byte[] metadata) {}

    /** @param metadataField {@code null} for none; both names are Avro names, so they need no JSON escaping */
    public EnrichedJsonWriter(String field, String metadataField, EmbeddingSpace space) {
        this.space = space;
        this.fieldPrefix = ("\"" + field + "\":[").getBytes(StandardCharsets.UTF_8);
        this.metadataField = metadataField;
    }

    @Override
    public Output write(DecodedInput<FieldPayload> input, PendingRecord source, Embeddings embeddings, int row) {
        byte[] value = source.value();
        int close = JsonText.lastContent(value); // the object's closing brace (checked when it was decoded)
        boolean empty = value[JsonText.lastContentBefore(value, close)] == '{';
        StringBuilder numbers = new StringBuilder(embeddings.dimension() * 12);
        float[] data = embeddings.data();
        int from = embeddings.offset(row);
        for (int i = 0; i < embeddings.dimension(); i++) {
            float x = data[from + i];
            if (!Float.isFinite(x)) {
                throw new RecordEncodingException("embedding[" + i + "] is " + x + ", which JSON cannot carry", null);
            }
            if (i > 0) {
                numbers.append(',');
            }
            numbers.append(x);
        }
        byte[] digits = numbers.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] meta = metadataField == null ? new byte[0] : metadata(embeddings.dimension());
        byte[] out = new byte[close + (empty ? 0 : 1) + fieldPrefix.length + digits.length + 1 + meta.length + 1];
        int pos = 0;
        System.arraycopy(value, 0, out, pos, close);
        pos += close;
        if (!empty) {
            out[pos++] = ',';
        }
        System.arraycopy(fieldPrefix, 0, out, pos, fieldPrefix.length);
        pos += fieldPrefix.length;
        System.arraycopy(digits, 0, out, pos, digits.length);
        pos += digits.length;
        out[pos++] = ']';
        System.arraycopy(meta, 0, out, pos, meta.length);
        pos += meta.length;
        out[pos] = '}';
        FieldPayload payload = input.payload();
        return new Output(payload.key() != null ? payload.key() : source.key(), out);
    }

    /** {@code ,"<metadata-field>":{...}} for this embedding length. */
    private byte[] metadata(int dimension) {
        Encoded e = encoded;
        if (e == null || e.dimension() != dimension) {
            EmbeddingSpace s = space.withDimension(dimension);
            ObjectNode node = MAPPER.createObjectNode()
                    .put("modelName", s.modelName()).put("modelVersion", s.modelVersion()).put("layer", s.layer())
                    .put("pooling", s.pooling()).put("normalization", s.normalization()).put("dimension", dimension)
                    .put("embeddingSpace", s.id());
            try {
                e = new Encoded(dimension, (",\"" + metadataField + "\":" + MAPPER.writeValueAsString(node))
                        .getBytes(StandardCharsets.UTF_8));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("a tree of strings and an int always writes", ex);
            }
            encoded = e;
        }
        return e.metadata();
    }
}
