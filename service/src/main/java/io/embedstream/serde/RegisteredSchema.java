package io.embedstream.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject, as the registry reports it.
 *
 * @param subject the subject, e.g. {@code embeddings-value}
 * @param version the version within the subject, starting at 1
 * @param id      the registry-wide schema id that goes into the wire format
 * @param schema  the Avro schema
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
