package io.embedstream.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records in the Confluent wire format. Works for generated {@link SpecificRecord}
 * classes (with their logical-type conversions, e.g. {@code Instant} for {@code timestamp-millis}) and
 * for {@link org.apache.avro.generic.GenericRecord}s of any schema.
 *
 * <p>The first record of a schema for a subject (by default {@code <topic>-value}) registers the schema
 * (when {@code autoRegister}) or looks it up (otherwise, and it must then be registered already); the
 * id is cached, so the registry is called once per (subject, schema). A GenericRecord pipeline that
 * derives one output schema per input schema therefore registers each derived schema once.
 *
 * <p>Thread-safe: several stream threads may share one instance. It does not own the registry;
 * {@link #close()} does nothing.
 *
 * @param <T> the record type
 */
public final class ConfluentAvroSerializer<T extends IndexedRecord> implements Serializer<T> {
    private final SchemaRegistry registry;
    private final SubjectNameStrategy subjects;
    private final boolean autoRegister;
    private final ConcurrentMap<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
    private final ConcurrentMap<WriterKey, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {}

    private record WriterKey(Class<?> type, Schema schema) {}

    /** A value serializer with subjects {@code <topic>-value}. */
    public ConfluentAvroSerializer(SchemaRegistry registry, boolean autoRegister) {
        this(registry, SubjectNameStrategy.topicValue(), autoRegister);
    }

    /**
     * @param registry     where schemas are registered or looked up; owned by the caller
     * @param subjects     how a topic and schema map to a subject
     * @param autoRegister register unknown schemas; if false, a schema must already be registered under its subject
     */
    public ConfluentAvroSerializer(SchemaRegistry registry, SubjectNameStrategy subjects, boolean autoRegister) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.subjects = Objects.requireNonNull(subjects, "subjects");
        this.autoRegister = autoRegister;
    }

    /**
     * The id under which records of {@code schema} written to {@code topic} are framed: registers or
     * looks up the schema the first time, then answers from the cache. Call it at start-up to fail
     * early when the registry is down or the schema is not registered.
     *
     * @throws SchemaRegistryException when the registry fails, rejects the schema (e.g. 409 incompatible),
     *         or, without auto-registration, does not have it ({@link RegistryErrorCodes#SCHEMA_NOT_FOUND})
     */
    public int schemaId(String topic, Schema schema) {
        String subject = subjects.subject(topic, schema);
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer id = ids.get(key);
        if (id == null) {
            id = autoRegister ? registry.register(subject, schema) : lookUp(subject, schema);
            ids.putIfAbsent(key, id);
        }
        return id;
    }

    /**
     * Frames and encodes {@code record}; {@code null} stays {@code null} (a Kafka tombstone).
     *
     * @throws SchemaRegistryException   as {@link #schemaId}
     * @throws RecordEncodingException   when the record does not match its own schema
     */
    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Schema schema = record.getSchema();
        int id = schemaId(topic, schema);
        DatumWriter<Object> writer = writers.computeIfAbsent(new WriterKey(record.getClass(), schema),
                key -> createWriter(record, schema));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            ConfluentWireFormat.writeHeader(out, id);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new RecordEncodingException("Cannot encode a " + schema.getFullName() + " record for topic '"
                    + topic + "' (schema id " + id + "): " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private int lookUp(String subject, Schema schema) {
        Optional<RegisteredSchema> found = registry.lookup(subject, schema);
        return found.map(RegisteredSchema::id).orElseThrow(() -> new SchemaRegistryException(404,
                RegistryErrorCodes.SCHEMA_NOT_FOUND, null, null, "Schema " + schema.getFullName()
                        + " is not registered under subject '" + subject + "' and auto-registration is off"
                        + " (registry.auto-register=false); register it first or enable auto-registration", null));
    }

    @SuppressWarnings("unchecked")
    private static DatumWriter<Object> createWriter(IndexedRecord record, Schema schema) {
        GenericData model = record instanceof SpecificRecord
                ? SpecificData.getForClass(record.getClass())
                : GenericData.get();
        return (DatumWriter<Object>) model.createDatumWriter(schema);
    }
}
