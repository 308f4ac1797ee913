package io.embedstream.failure;

/**
 * Why a record could not be enriched: every reason the service writes into the {@code embedstream.error.reason}
 * header of a dead letter (as {@link #name()}) and into the {@code reason} tag of the
 * {@code embedstream.records.dead_lettered} metric. Consumers filter on these names, so constants are only ever
 * added, never renamed or removed. README.md ("Bad input and dead letters") lists them in one table; a test keeps
 * that table and this enum in step.
 *
 * <p>A dead letter is final: the service never processes that record again. "Retried" below means the attempts
 * made before the reason was decided, never a second try of the dead letter.
 */
public enum FailureReason {
    /**
     * The value is not a record of the input format: no value (a tombstone), a wrong magic byte, a schema id the
     * registry does not know, a writer schema that cannot be resolved to the reader schema, or malformed Avro.
     * Found when the record arrives. Not retried.
     */
    UNDECODABLE,
    /**
     * A feature record whose feature count, or declared {@code shape}, differs from the model input row; or an Avro
     * or JSON feature array ({@code input.field}) of another length. Found when the record arrives. Not retried.
     */
    WRONG_DIMENSION,
    /**
     * A feature record with a NaN or infinite value; or an Avro or JSON feature array with one, or with a double
     * beyond the float range. Found when the record arrives. Not retried.
     */
    NON_FINITE,
    /**
     * TensorFlow rejected the record's values (an {@code InvalidArgument} from the graph). The batch is split in
     * halves until the record is isolated, so that its neighbours are enriched. Not retried.
     */
    MODEL_REJECTED,
    /**
     * Image: no such file, the host name does not resolve, or HTTP 404/410 (the status is kept). Not retried.
     */
    NOT_FOUND,
    /**
     * Image: any other non-2xx HTTP answer (the status is kept), a redirect without {@code Location}, or more
     * redirects than {@code image.max-redirects}. A 408, 429 or 5xx answer (but 501 and 505) is retried with
     * back-off first, within {@code image.max-retries} and {@code image.retry.max-elapsed-ms}; another 4xx answer or
     * a redirect problem is not retried.
     */
    HTTP_STATUS,
    /**
     * Image: connecting took longer than {@code image.connect-timeout-ms}, or the answer was not complete within
     * {@code image.read-timeout-ms}, on every attempt. Retried with back-off, within {@code image.max-retries} and
     * {@code image.retry.max-elapsed-ms}.
     */
    TIMEOUT,
    /**
     * Image: the download (by {@code Content-Length} or while it streams), the file, or the inline bytes are larger
     * than {@code image.max-bytes}. Not retried.
     */
    TOO_LARGE,
    /**
     * Image: the bytes are empty, not a JPEG, PNG, GIF or BMP image, or corrupt or truncated. Found when decoding.
     * Not retried.
     */
    NOT_AN_IMAGE,
    /**
     * Image: the header declares more than {@code image.max-pixels} pixels; no pixel buffer was allocated. Found
     * when decoding. Not retried.
     */
    TOO_MANY_PIXELS,
    /**
     * Image: the host is in {@code image.deny-hosts}, resolves to a non-public address (loopback, private,
     * link-local, metadata, reserved), or a redirect led to a scheme other than http or https. Nothing was sent to
     * it. Not retried.
     */
    BLOCKED_BY_POLICY,
    /**
     * Image: a {@code file://} URI outside {@code image.roots} (also after resolving {@code ..} and symlinks), or no
     * roots are configured. Not retried.
     */
    OUTSIDE_ALLOWED_ROOTS,
    /** Image: a scheme other than {@code file}, {@code http} and {@code https}. Not retried. */
    UNSUPPORTED_SCHEME,
    /**
     * Image: the record has neither a URI nor inline bytes (found when it arrives), or the URI or a redirect's
     * {@code Location} cannot be parsed, is relative, lacks a host or path, carries credentials, has a bad port,
     * or is a {@code file://} URI with a host. Not retried.
     */
    INVALID_URI,
    /**
     * Image: any other I/O problem: connection refused or reset, a connection the server closed before or while
     * answering, TLS failure, a malformed or oversized HTTP answer, an unsupported or corrupt content coding, an
     * unreadable file. Refused, reset and closed connections are retried with back-off, within
     * {@code image.max-retries} and {@code image.retry.max-elapsed-ms}; the rest is not.
     */
    IO_ERROR,
    /**
     * The record's value is larger than {@code input.max-record-bytes}; it was not decoded. Its dead letter carries
     * the value when the dead-letter topic takes it, otherwise the headers only. Not retried.
     */
    RECORD_TOO_LARGE,
    /**
     * The enriched output record would be larger than the output topic ({@code max.message.bytes}) or the
     * producer ({@code max.request.size}) takes: found before it is sent, or, rarely, reported by the producer
     * (then as for {@link #OUTPUT_REJECTED}). Not retried.
     */
    OUTPUT_TOO_LARGE,
    /** The output record could not be encoded with its schema (e.g. a value the schema does not allow). Not retried. */
    OUTPUT_NOT_ENCODABLE,
    /**
     * The record was in the durable buffer when its instance stopped, and when the next owner of its partition
     * read it again from the input topic it was gone (deleted by retention or compaction). The dead letter
     * carries the provenance headers, no key or value. Not retried.
     */
    SOURCE_RECORD_UNAVAILABLE,
    /**
     * Avro or JSON input: the field that {@code input.field} (or {@code output.key-field}) names is not in the
     * record, or it or a record on the way to it is {@code null}. The message names the path, how far it got and
     * what the record has there. Found when the record arrives. Not retried.
     */
    MISSING_FIELD,
    /**
     * Avro or JSON input: the field that {@code input.field} names is of a type that cannot feed the model (not a
     * string URI, bytes or an array of numbers; an image where the model input is not an image; an array element
     * that is not a number), a step of the path is not a record, or the {@code output.key-field} is not a string.
     * The message names the path and the type found. Found when the record arrives. Not retried.
     */
    WRONG_FIELD_TYPE,
    /**
     * JSON input: the value is not a JSON document whose top level is an object (not JSON at all, malformed or
     * truncated, a duplicate field name, text after the document, or an array, string or number at the top level),
     * or not UTF-8. Found when the record arrives. Not retried.
     */
    NOT_JSON,
    /**
     * Avro or JSON input: the record already has a field named like {@code output.field} or
     * {@code output.metadata-field}; it is never overwritten. (When the input subject's latest schema shows the clash
     * at start-up, the service refuses to start instead.) Found when the record arrives. Not retried.
     */
    FIELD_NAME_CLASH,
    /**
     * The record has no key and the output topic is compacted ({@code cleanup.policy=compact}), which refuses records
     * without a key. Found from the topic's configuration before the output is sent. Not retried.
     */
    OUTPUT_KEY_REQUIRED,
    /**
     * The record's timestamp (which the output keeps) is outside the window the output topic accepts
     * ({@code message.timestamp.before.max.ms} / {@code after.max.ms} with {@code message.timestamp.type=CreateTime}),
     * within a safety margin of a minute at most. Found from the topic's configuration before the output is sent,
     * or, rarely, reported by the broker (then as for {@link #OUTPUT_REJECTED}). Not retried.
     */
    OUTPUT_TIMESTAMP_REJECTED,
    /**
     * The broker or producer refused the output record for a reason the service could not foresee (an
     * {@code InvalidRecordException}; or a size or timestamp refusal that slipped through the checks). The stream
     * thread that sent it is replaced, processes again from the last commit, and dead-letters the record this time.
     * Not retried.
     */
    OUTPUT_REJECTED
}
