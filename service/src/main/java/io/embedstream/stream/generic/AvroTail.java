package io.embedstream.stream.generic;

import io.embedstream.avro.EmbeddingMetadata;
import io.embedstream.embed.Embeddings;
import io.embedstream.serde.ConfluentWireFormat;
import io.embedstream.stream.EmbeddingSpace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Writes an enriched Avro record as bytes: the Confluent header of the output schema, the input's Avro body as it
 * is, then the added fields: the embedding ({@code array<float>}) and, when configured, the metadata record. This is
 * the Avro binary encoding of the derived schema ({@link io.embedstream.serde.EnrichedSchemas}), because Avro
 * encodes a record as its fields in order and the derived schema appends its fields after the input's. The input's
 * fields are therefore copied byte for byte, never decoded and encoded again: no value can change on the way, and
 * the cost does not grow with the number of input fields.
 *
 * <p>The metadata bytes are the same for every record of an instance (they are encoded once per embedding length).
 * Thread-safe.
 */
final class AvroTail {

    private final EmbeddingSpace space;
    private final boolean metadata;
    private volatile Encoded encoded;

    private record Encoded(int dimension, byte[] metadata) {}

    /** @param metadata whether the derived schema has the metadata field */
    AvroTail(EmbeddingSpace space, boolean metadata) {
        this.space = space;
        this.metadata = metadata;
    }

    /**
     * The framed output value.
     *
     * @param prefix bytes to write before the body (the length of a string body), or {@code null}
     * @param body   holds the input's Avro body at {@code [offset, offset + length)}
     */
    byte[] frame(int schemaId, byte[] prefix, byte[] body, int offset, int length, Embeddings embeddings, int row) {
        int dimension = embeddings.dimension();
        byte[] meta = metadata ? metadataBytes(dimension) : new byte[0];
        int prefixLength = prefix == null ? 0 : prefix.length;
        int size = ConfluentWireFormat.HEADER_LENGTH + prefixLength + length + arraySize(dimension) + meta.length;
        byte[] out = new byte[size];
        byte[] header = ConfluentWireFormat.header(schemaId);
        System.arraycopy(header, 0, out, 0, header.length);
        int pos = header.length;
        if (prefix != null) {
            System.arraycopy(prefix, 0, out, pos, prefixLength);
            pos += prefixLength;
        }
        System.arraycopy(body, offset, out, pos, length);
        pos += length;
        float[] data = embeddings.data();
        int from = embeddings.offset(row);
        if (dimension > 0) {
            pos += BinaryData.encodeLong(dimension, out, pos);
            for (int i = 0; i < dimension; i++) {
                pos += BinaryData.encodeFloat(data[from + i], out, pos);
            }
        }
        pos += BinaryData.encodeLong(0, out, pos); // end of the array
        System.arraycopy(meta, 0, out, pos, meta.length);
        return out;
    }

    /** The Avro size of an {@code array<float>} of {@code n} values: block count, values, end marker. */
    static int arraySize(int n) {
        return n == 0 ? 1 : varLongSize(n) + 4 * n + 1;
    }

    /** The Avro string length prefix of {@code length} bytes. */
    static byte[] lengthPrefix(int length) {
        byte[] buffer = new byte[10];
        int n = BinaryData.encodeLong(length, buffer, 0);
        byte[] out = new byte[n];
        System.arraycopy(buffer, 0, out, 0, n);
        return out;
    }

    private static int varLongSize(long n) {
        long z = (n << 1) ^ (n >> 63);
        int size = 1;
        while ((z & ~0x7FL) != 0) {
            z >>>= 7;
            size++;
        }
        return size;
    }

    private byte[] metadataBytes(int dimension) {
        Encoded e = encoded;
        if (e == null || e.dimension() != dimension) {
            e = new Encoded(dimension, encode(metadataOf(space.withDimension(dimension))));
            encoded = e;
        }
        return e.metadata();
    }

    /** The metadata record of a space. */
    static EmbeddingMetadata metadataOf(EmbeddingSpace space) {
        return EmbeddingMetadata.newBuilder().setModelName(space.modelName()).setModelVersion(space.modelVersion())
                .setLayer(space.layer()).setPooling(space.pooling()).setNormalization(space.normalization())
                .setDimension(space.dimension()).setEmbeddingSpace(space.id()).build();
    }

    private static byte[] encode(EmbeddingMetadata record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<>(EmbeddingMetadata.class).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
