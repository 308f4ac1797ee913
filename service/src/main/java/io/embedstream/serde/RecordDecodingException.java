package io.embedstream.serde;

import java.util.OptionalInt;

/**
 * A record's bytes could not be decoded: the input is bad, not the infrastructure. The stream layer
 * sends such records to the dead-letter topic; {@link #reason()} and {@link #schemaId()} are meant for
 * its headers. The message says what was found and what was expected.
 *
 * <p>A registry that cannot be reached is not a decoding failure: that surfaces as
 * {@link SchemaRegistryException}.
 */
public class RecordDecodingException extends RuntimeException {

    /** What was wrong with the bytes. */
    public enum Reason {
        /** No bytes at all. */
        EMPTY,
        /** Fewer bytes than the 5-byte header (magic byte + schema id). */
        TOO_SHORT,
        /** The first byte is not the Confluent magic byte 0. */
        BAD_MAGIC_BYTE,
        /** The schema id in the header is not known to the registry (or is negative). */
        UNKNOWN_SCHEMA_ID,
        /** The writer schema cannot be resolved to the reader schema. */
        INCOMPATIBLE_SCHEMA,
        /** The Avro body is truncated or does not match the writer schema. */
        MALFORMED_AVRO,
        /** The Avro body decoded, but bytes were left over: it was not written with that schema. */
        TRAILING_BYTES
    }

    private final Reason reason;
    private final int schemaId;

    public RecordDecodingException(Reason reason, int schemaId, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.schemaId = schemaId;
    }

    /** A failure found before the schema id was read. */
    public RecordDecodingException(Reason reason, String message) {
        this(reason, -1, message, null);
    }

    public Reason reason() {
        return reason;
    }

    /** The schema id from the header, when the header could be read. */
    public OptionalInt schemaId() {
        return schemaId < 0 ? OptionalInt.empty() : OptionalInt.of(schemaId);
    }
}
