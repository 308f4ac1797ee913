package io.embedstream.serde;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The operations of a Confluent-compatible schema registry that embedstream uses, for Avro schemas.
 *
 * <p>Implementations: {@link SchemaRegistryClient} (REST, for Confluent Schema Registry, Apicurio's
 * {@code /apis/ccompat/v7} and {@code EmbeddedSchemaRegistry}) and {@link InMemorySchemaRegistry}
 * (in-process, for tests and the demo). Implementations are thread-safe.
 *
 * <p>Every method throws {@link SchemaRegistryException} when the registry rejects the call or cannot
 * be reached; its {@link SchemaRegistryException#errorCode() error code} tells which (see
 * {@link RegistryErrorCodes}).
 */
public interface SchemaRegistry {

    /**
     * Registers {@code schema} under {@code subject}, or finds it if it is already registered there.
     * Registering the same schema again returns the same id.
     *
     * @return the schema id
     * @throws SchemaRegistryException with {@link RegistryErrorCodes#INCOMPATIBLE_SCHEMA} when the
     *         subject's compatibility level rejects it
     */
    int register(String subject, Schema schema);

    /**
     * The schema with this id.
     *
     * @throws SchemaRegistryException with {@link RegistryErrorCodes#SCHEMA_NOT_FOUND} (HTTP 404) when there is none
     */
    Schema schemaById(int id);

    /**
     * The latest version of a subject.
     *
     * @throws SchemaRegistryException with {@link RegistryErrorCodes#SUBJECT_NOT_FOUND} when the subject does not exist
     */
    RegisteredSchema latest(String subject);

    /**
     * One version of a subject.
     *
     * @throws SchemaRegistryException with {@link RegistryErrorCodes#SUBJECT_NOT_FOUND} or
     *         {@link RegistryErrorCodes#VERSION_NOT_FOUND}
     */
    RegisteredSchema version(String subject, int version);

    /**
     * Whether {@code schema} is registered under {@code subject}, and as which version and id.
     *
     * @return empty when the subject does not exist or does not contain the schema
     */
    Optional<RegisteredSchema> lookup(String subject, Schema schema);

    /**
     * Whether {@code schema} could be registered under {@code subject} now, under the subject's
     * compatibility level. A subject without versions accepts any schema.
     */
    boolean isCompatible(String subject, Schema schema);

    /** All subjects. */
    List<String> subjects();

    /**
     * The versions of a subject, oldest first.
     *
     * @throws SchemaRegistryException with {@link RegistryErrorCodes#SUBJECT_NOT_FOUND}
     */
    List<Integer> versions(String subject);

    /** The compatibility level that applies to {@code subject}: its own level if set, else the global one. */
    CompatibilityLevel compatibility(String subject);

    /** The global (default) compatibility level. */
    CompatibilityLevel globalCompatibility();

    /** Sets the compatibility level of one subject. */
    void setCompatibility(String subject, CompatibilityLevel level);

    /** Sets the global (default) compatibility level. */
    void setGlobalCompatibility(CompatibilityLevel level);
}
