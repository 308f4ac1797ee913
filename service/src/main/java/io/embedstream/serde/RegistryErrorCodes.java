package io.embedstream.serde;

/**
 * The {@code error_code} values of the Confluent schema-registry REST API that this project sends
 * ({@code EmbeddedSchemaRegistry}) or interprets ({@link SchemaRegistryClient}). Apicurio's
 * Confluent-compatible API uses the same codes.
 */
public final class RegistryErrorCodes {
    /** HTTP 404: the subject does not exist. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** HTTP 404: the subject has no such version. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** HTTP 404: no schema with that id, or the schema is not registered under the subject. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** HTTP 404: the subject has no subject-level compatibility configured. */
    public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    /** HTTP 409: the schema is incompatible with earlier versions under the subject's compatibility level. */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** HTTP 422: the schema could not be parsed, or its type is not supported. */
    public static final int INVALID_SCHEMA = 42201;
    /** HTTP 422: the version is neither a positive integer nor {@code latest}. */
    public static final int INVALID_VERSION = 42202;
    /** HTTP 422: the compatibility level is not one of {@link CompatibilityLevel}. */
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    /** HTTP 500: the registry failed internally. */
    public static final int INTERNAL_ERROR = 50001;

    private RegistryErrorCodes() {}
}
