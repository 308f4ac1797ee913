package io.embedstream.serde;

import io.embedstream.serde.ConfluentWireFormat.Frame;
import io.embedstream.serde.RecordDecodingException.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.ResolvingDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Avro records in the Confluent wire format: takes the schema id from the header, fetches the
 * writer schema from the registry (once per id) and resolves it to the reader schema, so schema
 * evolution works: a writer with fewer fields (the reader's extra fields have defaults) or more fields
 * (they are skipped) decodes into the reader's type.
 *
 * <p>Bad bytes throw {@link RecordDecodingException} (wrong magic byte, unknown schema id, writer schema
 * that cannot be resolved, truncated or malformed Avro, bytes left over), for the caller to dead-letter;
 * nothing is logged or swallowed here. A registry that cannot be reached throws
 * {@link SchemaRegistryException}: that is an infrastructure fault, not bad data.
 *
 * <p>Thread-safe: several stream threads may share one instance. It does not own the registry;
 * {@link #close()} does nothing.
 *
 * @param <T> the decoded type: a generated class or {@link GenericRecord}
 */
public final class ConfluentAvroDeserializer<T> implements Deserializer<T> {
    private final SchemaRegistry registry;
    private final GenericData model;
    private final Schema readerSchema;
    private final Schema.Field[] readerFields;
    private final ConcurrentMap<Integer, Resolved<T>> resolved = new ConcurrentHashMap<>();

    /** The outcome of resolving one writer schema to the reader schema: a reader, or why there is none. */
    private record Resolved<T>(Schema writer, DatumReader<T> reader, List<String> problems,
            ThreadLocal<ResolvingDecoder> resolvers, Schema.Field[] plainFields) {
        Resolved(Schema writer, DatumReader<T> reader, List<String> problems, Schema readerSchema,
                Schema.Field[] readerFields) {
            this(writer, reader, problems, plain(writer, readerSchema) || !problems.isEmpty() ? null
                    : ThreadLocal.withInitial(() -> newResolver(writer, readerSchema)),
                    readerSchema == null ? fieldsOf(writer) : plain(writer, readerSchema) ? readerFields : null);
        }

        private static Schema.Field[] fieldsOf(Schema schema) {
            return schema.getType() == Schema.Type.RECORD ? schema.getFields().toArray(Schema.Field[]::new)
                    : new Schema.Field[0];
        }

        /** Whether bodies of this writer schema are read as they are, without a resolving decoder. */
        private static boolean plain(Schema writer, Schema readerSchema) {
            return readerSchema == null || writer == readerSchema || writer.equals(readerSchema);
        }

        /** This thread's resolving decoder from the writer schema to the reader schema (they are not thread-safe). */
        ResolvingDecoder resolvingDecoder() {
            return resolvers.get();
        }

        private static ResolvingDecoder newResolver(Schema writer, Schema reader) {
            try {
                return DecoderFactory.get().resolvingDecoder(writer, reader, null);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private ConfluentAvroDeserializer(SchemaRegistry registry, GenericData model, Schema readerSchema) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.model = model;
        this.readerSchema = readerSchema;
        this.readerFields = readerSchema == null ? null : readerSchema.getFields().toArray(Schema.Field[]::new);
    }

    /**
     * Decodes into the generated class {@code type}, resolving every writer schema to its schema.
     * Registers {@code type} with {@link TrustedAvroClasses} so that Avro 1.12 may instantiate it.
     */
    public static <T extends SpecificRecord> ConfluentAvroDeserializer<T> specific(SchemaRegistry registry,
            Class<T> type) {
        SpecificData model = SpecificData.getForClass(Objects.requireNonNull(type, "type"));
        Schema schema = model.getSchema(type);
        TrustedAvroClasses.trust(type);
        Class<?> resolved = model.getClass(schema);
        if (resolved != type) {
            throw new IllegalStateException("Avro resolves schema " + schema.getFullName() + " to " + resolved
                    + ", not to " + type.getName() + "; is the generated class on the class path twice?");
        }
        return new ConfluentAvroDeserializer<>(registry, model, schema);
    }

    /** Decodes into {@link GenericRecord}s of the writer's own schema. */
    public static ConfluentAvroDeserializer<GenericRecord> generic(SchemaRegistry registry) {
        return new ConfluentAvroDeserializer<>(registry, GenericData.get(), null);
    }

    /** Decodes into {@link GenericRecord}s of {@code readerSchema}, resolving every writer schema to it. */
    public static ConfluentAvroDeserializer<GenericRecord> generic(SchemaRegistry registry, Schema readerSchema) {
        return new ConfluentAvroDeserializer<>(registry, GenericData.get(),
                Objects.requireNonNull(readerSchema, "readerSchema"));
    }

    /** Kafka's entry point: {@code null} stays {@code null} (a tombstone); otherwise {@link #decode}. */
    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : decode(data);
    }

    /**
     * Decodes one framed record.
     *
     * @throws RecordDecodingException when the bytes are not a decodable record
     * @throws SchemaRegistryException when the registry cannot be asked for the writer schema
     */
    public T decode(byte[] data) {
        return decodeWith(data, (resolution, decoder) -> resolution.reader().read(null, decoder));
    }

    /**
     * Reads the Avro body of one record, of the writer schema that its header names, with the caller's own code
     * instead of a {@link DatumReader}: for formats that write values straight where they are needed (a feature
     * vector into a batch's row array) without building a record object. Framing, schema resolution, caching and
     * the mapping of bad bytes to {@link RecordDecodingException} are the same as {@link #decode}'s.
     *
     * <p>{@code body} reads from a {@link Decoder} positioned at the body. When the writer schema is the reader
     * schema it is a plain binary decoder and the fields come in {@code readerFields} order; otherwise it is a
     * {@link ResolvingDecoder} (one per writer schema and thread) that presents the writer's data in the
     * reader's schema, and the field order is what its {@code readFieldOrder()} returned (already called).
     *
     * @throws RecordDecodingException when the bytes are not a decodable record
     * @throws SchemaRegistryException when the registry cannot be asked for the writer schema
     */
    public <R> R read(byte[] data, BodyReader<R> body) {
        return decodeWith(data, (resolution, decoder) -> {
            if (resolution.plainFields() != null) {
                return body.read(decoder, resolution.plainFields());
            }
            ResolvingDecoder resolving = resolution.resolvingDecoder();
            resolving.configure(decoder);
            R value = body.read(resolving, resolving.readFieldOrder());
            resolving.drain();
            return value;
        });
    }

    /** Reads one record body from a decoder; see {@link #read(byte[], BodyReader)}. */
    @FunctionalInterface
    public interface BodyReader<R> {
        R read(Decoder in, Schema.Field[] fieldOrder) throws IOException;
    }

    @FunctionalInterface
    private interface Body<T, R> {
        R read(Resolved<T> resolution, BinaryDecoder decoder) throws IOException;
    }

    private <R> R decodeWith(byte[] data, Body<T, R> body) {
        Frame frame = ConfluentWireFormat.parse(data);
        int id = frame.schemaId();
        Resolved<T> resolution = resolve(id);
        if (!resolution.problems().isEmpty()) {
            throw new RecordDecodingException(Reason.INCOMPATIBLE_SCHEMA, id, "Writer schema id " + id + " ("
                    + resolution.writer().getFullName() + ") cannot be read as " + readerSchema.getFullName() + ": "
                    + String.join("; ", resolution.problems()), null);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, frame.payloadOffset(),
                frame.payloadLength(), null);
        R value;
        try {
            value = body.read(resolution, decoder);
        } catch (EOFException e) {
            throw new RecordDecodingException(Reason.MALFORMED_AVRO, id, "Avro body of " + frame.payloadLength()
                    + " bytes is truncated: it ended before a complete " + resolution.writer().getFullName()
                    + " (writer schema id " + id + ") was read: " + e.getMessage(), e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                | UnsupportedOperationException e) {
            // Only what bad bytes cause (Avro's SystemLimitException throws UnsupportedOperationException
            // for a length beyond the VM limit). Anything else, e.g. a SecurityException from Avro's class
            // validator, is a bug or misconfiguration and must not dead-letter every record.
            throw new RecordDecodingException(Reason.MALFORMED_AVRO, id, "Avro body of " + frame.payloadLength()
                    + " bytes does not decode with writer schema id " + id + " (" + resolution.writer().getFullName()
                    + "): " + e, e);
        }
        if (!isEnd(decoder)) {
            throw new RecordDecodingException(Reason.TRAILING_BYTES, id, "Avro body of " + frame.payloadLength()
                    + " bytes has bytes left over after a complete " + resolution.writer().getFullName()
                    + " (writer schema id " + id + "): it was not written with that schema", null);
        }
        return value;
    }

    /**
     * The writer schema of a framed record, fetched by the id in its header (cached).
     *
     * @throws RecordDecodingException for a bad header or unknown id
     */
    public Schema writerSchema(byte[] data) {
        return resolve(ConfluentWireFormat.parse(data).schemaId()).writer();
    }

    private Resolved<T> resolve(int id) {
        Resolved<T> cached = resolved.get(id);
        if (cached != null) {
            return cached;
        }
        Schema writer = fetchWriter(id);
        Schema reader = readerSchema != null ? readerSchema : writer;
        List<String> problems = readerSchema == null ? List.of() : AvroCompatibility.readProblems(reader, writer);
        Resolved<T> resolution = problems.isEmpty()
                ? new Resolved<>(writer, createReader(writer, reader), List.of(), readerSchema, readerFields)
                : new Resolved<>(writer, null, List.copyOf(problems), readerSchema, readerFields);
        Resolved<T> previous = resolved.putIfAbsent(id, resolution);
        return previous != null ? previous : resolution;
    }

    private Schema fetchWriter(int id) {
        try {
            return registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.hasErrorCode(RegistryErrorCodes.SCHEMA_NOT_FOUND)) {
                throw new RecordDecodingException(Reason.UNKNOWN_SCHEMA_ID, id, "Schema id " + id
                        + " in the Confluent header is not known to the schema registry: " + e.getMessage(), e);
            }
            if (e.hasErrorCode(RegistryErrorCodes.INVALID_SCHEMA)) {
                throw new RecordDecodingException(Reason.INCOMPATIBLE_SCHEMA, id, "Schema id " + id
                        + " in the Confluent header is not a usable Avro schema: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private DatumReader<T> createReader(Schema writer, Schema reader) {
        // Avro 1.12's BinaryDecoder checks string, bytes and collection lengths against the bytes left,
        // so a corrupt length fails with EOFException instead of a huge allocation.
        return (DatumReader<T>) model.createDatumReader(writer, reader);
    }

    private static boolean isEnd(BinaryDecoder decoder) {
        try {
            return decoder.isEnd();
        } catch (IOException e) {
            return false;
        }
    }
}
