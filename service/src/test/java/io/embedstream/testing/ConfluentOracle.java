package io.embedstream.testing;

import io.embedstream.serde.TrustedAvroClasses;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaMetadata;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.apache.flink.formats.avro.registry.confluent.ConfluentSchemaRegistryCoder;

/**
 * The reference implementation our wire format and registry calls are checked against: Confluent's own
 * {@code CachedSchemaRegistryClient} (7.5.3) and Flink's {@code ConfluentSchemaRegistryCoder}, which
 * writes and reads the Confluent header with it, plus the Avro 1.11 that Flink shades. None of our
 * serde code is involved on this side.
 *
 * <p>Records cross between the two Avro copies as Avro JSON text, so each side does its own binary
 * encoding. Not thread-safe; one per test.
 */
public final class ConfluentOracle implements AutoCloseable {
    private final CachedSchemaRegistryClient client;

    /** The fields of a registered version, as Confluent's client reports them. */
    public record Version(int id, int version, String schema) {}

    public ConfluentOracle(String registryUrl) {
        this.client = new CachedSchemaRegistryClient(registryUrl, 100);
    }

    /** The client, for calls this class does not wrap. */
    public CachedSchemaRegistryClient client() {
        return client;
    }

    public int register(String subject, Schema schema) throws IOException, RestClientException {
        return client.register(subject, new AvroSchema(schema.toString()));
    }

    /** Confluent's lookup: the id of {@code schema} under {@code subject}. */
    public int id(String subject, Schema schema) throws IOException, RestClientException {
        return client.getId(subject, new AvroSchema(schema.toString()));
    }

    /** The schema with {@code id}, parsed by our Avro from the text Confluent's client returns. */
    public Schema schemaById(int id) throws IOException, RestClientException {
        return new Schema.Parser().parse(client.getSchemaById(id).canonicalString());
    }

    public Version latest(String subject) throws IOException, RestClientException {
        SchemaMetadata metadata = client.getLatestSchemaMetadata(subject);
        return new Version(metadata.getId(), metadata.getVersion(), metadata.getSchema());
    }

    public boolean testCompatibility(String subject, Schema schema) throws IOException, RestClientException {
        return client.testCompatibility(subject, new AvroSchema(schema.toString()));
    }

    /**
     * Frames {@code record} the Confluent way: Flink's coder registers {@code record}'s schema under
     * {@code subject} with Confluent's client and writes magic byte + id; the shaded Avro writes the body.
     */
    public byte[] encode(String subject, IndexedRecord record) throws IOException {
        var shadedSchema = new org.apache.flink.avro.shaded.org.apache.avro.Schema.Parser()
                .parse(record.getSchema().toString());
        var datum = new org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumReader<Object>(shadedSchema)
                .read(null, org.apache.flink.avro.shaded.org.apache.avro.io.DecoderFactory.get()
                        .jsonDecoder(shadedSchema, toJson(record)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ConfluentSchemaRegistryCoder(subject, client).writeSchema(shadedSchema, out);
        var encoder = org.apache.flink.avro.shaded.org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumWriter<Object>(shadedSchema)
                .write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    /**
     * Decodes a framed record the Confluent way: Flink's coder reads magic byte + id and fetches the
     * writer schema with Confluent's client; the shaded Avro decodes the body. The result is the record
     * as Avro JSON of the writer schema.
     */
    public Decoded decode(byte[] framed) throws IOException {
        InputStream in = new ByteArrayInputStream(framed);
        var writerSchema = new ConfluentSchemaRegistryCoder(client).readSchema(in);
        var decoder = org.apache.flink.avro.shaded.org.apache.avro.io.DecoderFactory.get().binaryDecoder(in, null);
        Object datum = new org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumReader<Object>(writerSchema)
                .read(null, decoder);
        if (in.available() > 0 || !decoder.isEnd()) {
            throw new IOException("bytes left over after decoding with writer schema " + writerSchema.getFullName());
        }
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        var encoder = org.apache.flink.avro.shaded.org.apache.avro.io.EncoderFactory.get()
                .jsonEncoder(writerSchema, json);
        new org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumWriter<Object>(writerSchema)
                .write(datum, encoder);
        encoder.flush();
        return new Decoded(new Schema.Parser().parse(writerSchema.toString()), json.toString(StandardCharsets.UTF_8));
    }

    /** A record decoded by the oracle: its writer schema and Avro JSON. */
    public record Decoded(Schema writerSchema, String json) {
        /** The record read back into our Avro with {@code type}'s schema (resolving from the writer schema). */
        public <T extends SpecificRecord> T as(Class<T> type) {
            TrustedAvroClasses.trust(type);
            SpecificData model = SpecificData.getForClass(type);
            return read(model.createDatumReader(writerSchema, model.getSchema(type)));
        }

        @SuppressWarnings("unchecked")
        private <T> T read(DatumReader<?> reader) {
            try {
                return (T) reader.read(null, DecoderFactory.get().jsonDecoder(writerSchema, json));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    /** {@code record} as Avro JSON, written by our Avro. */
    static String toJson(IndexedRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonEncoder encoder = org.apache.avro.io.EncoderFactory.get().jsonEncoder(record.getSchema(), out);
            GenericData model = record instanceof SpecificRecord ? SpecificData.getForClass(record.getClass())
                    : GenericData.get();
            new GenericDatumWriter<Object>(record.getSchema(), model).write(record, encoder);
            encoder.flush();
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
