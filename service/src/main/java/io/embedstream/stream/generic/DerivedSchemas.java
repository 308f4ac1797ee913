package io.embedstream.stream.generic;

import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.EnrichedSchemas;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The enriched output schema of each input writer schema, derived once per writer schema id
 * ({@link EnrichedSchemas#derive}) and registered under the output subject the first time a record of it is written
 * (the serializer registers once per subject and schema; the id is cached here too). The registry therefore sees one
 * new output version exactly when a new input version appears.
 *
 * <p>Thread-safe: the stream threads derive (when records arrive) and the inference workers register and read ids.
 * Does not own the serializer.
 */
public final class DerivedSchemas {

    /**
     * The output side of one writer schema.
     *
     * @param schema the derived schema, or {@code null} when {@code clash} is set
     * @param clash  why the writer schema cannot be enriched (a field name clash), or {@code null}
     */
    record Derived(Schema schema, String clash) {}

    private final ConfluentAvroSerializer<GenericRecord> serializer;
    private final String topic;
    private final String field;
    private final String metadataField;
    private final ConcurrentMap<Integer, Derived> byWriterId = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Integer> outputIds = new ConcurrentHashMap<>();

    /**
     * @param serializer registers (or, without auto-registration, looks up) the derived schemas
     * @param topic      the output topic (its subject name strategy gives the subject)
     * @param metadataField {@code null} for none
     */
    public DerivedSchemas(ConfluentAvroSerializer<GenericRecord> serializer, String topic, String field,
            String metadataField) {
        this.serializer = serializer;
        this.topic = topic;
        this.field = field;
        this.metadataField = metadataField;
    }

    /** The derived schema (or the clash) for the writer schema with this id; derived on first use. */
    Derived forWriter(int writerId, Schema writer) {
        Derived d = byWriterId.get(writerId);
        if (d == null) {
            d = derive(writer);
            Derived previous = byWriterId.putIfAbsent(writerId, d);
            d = previous != null ? previous : d;
        }
        return d;
    }

    /** The derived schema for {@code writer}, or why there is none. */
    Derived derive(Schema writer) {
        Optional<String> clash = EnrichedSchemas.clash(writer, field, metadataField);
        return clash.isPresent() ? new Derived(null, clash.get())
                : new Derived(EnrichedSchemas.derive(writer, field, metadataField), null);
    }

    /**
     * The registry id of the output schema for records of writer schema {@code writerId}, which
     * {@link #forWriter} has derived before (records are always decoded before they are written).
     *
     * @throws io.embedstream.serde.SchemaRegistryException when the registry fails or refuses the schema (fatal)
     */
    int outputId(int writerId) {
        Integer id = outputIds.get(writerId);
        if (id == null) {
            Derived d = byWriterId.get(writerId);
            if (d == null || d.schema() == null) {
                throw new IllegalStateException("no output schema was derived for writer schema id " + writerId);
            }
            id = serializer.schemaId(topic, d.schema());
            outputIds.putIfAbsent(writerId, id);
        }
        return id;
    }

    /** Registers the output schema of {@code writer} now (start-up), and returns its id. */
    int register(Schema writer) {
        Derived d = derive(writer);
        if (d.schema() == null) {
            throw new IllegalArgumentException(d.clash());
        }
        return serializer.schemaId(topic, d.schema());
    }
}
