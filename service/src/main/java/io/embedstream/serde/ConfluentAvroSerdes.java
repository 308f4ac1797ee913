package io.embedstream.serde;

import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Kafka {@link Serde}s that pair {@link ConfluentAvroSerializer} and {@link ConfluentAvroDeserializer}
 * for record values (subjects {@code <topic>-value}). The registry is owned by the caller.
 */
public final class ConfluentAvroSerdes {
    private ConfluentAvroSerdes() {}

    /** A value serde for a generated Avro class. */
    public static <T extends SpecificRecord> Serde<T> specific(SchemaRegistry registry, Class<T> type,
            boolean autoRegister) {
        return Serdes.serdeFrom(new ConfluentAvroSerializer<>(registry, autoRegister),
                ConfluentAvroDeserializer.specific(registry, type));
    }

    /** A value serde for {@link GenericRecord}s, decoded with the writer's own schema. */
    public static Serde<GenericRecord> generic(SchemaRegistry registry, boolean autoRegister) {
        return Serdes.serdeFrom(new ConfluentAvroSerializer<>(registry, autoRegister),
                ConfluentAvroDeserializer.generic(registry));
    }
}
