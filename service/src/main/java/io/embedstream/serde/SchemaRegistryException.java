package io.embedstream.serde;

import java.util.OptionalInt;

/**
 * A schema-registry call failed: the registry answered with an error, could not be reached, or
 * answered with something that is not the Confluent REST API.
 *
 * <p>It carries the HTTP status ({@code 0} when no answer came), the registry's {@code error_code}
 * ({@code -1} when it sent none; see {@link RegistryErrorCodes}) and the method and URL of the call,
 * never the credentials. The stream layer treats it as an infrastructure fault and fails loudly;
 * the one exception is an unknown schema id while decoding, which the deserializer turns into a
 * {@link RecordDecodingException}.
 */
public class SchemaRegistryException extends RuntimeException {
    private final int status;
    private final int errorCode;
    private final String registryMessage;
    private final String url;

    /**
     * @param status          HTTP status, or {@code 0} when there was no answer
     * @param errorCode       the registry's {@code error_code}, or {@code -1}
     * @param registryMessage the registry's {@code message}, or {@code null}
     * @param url             {@code METHOD url} of the failed call (without credentials), or {@code null} for an in-process registry
     * @param message         the full message
     * @param cause           the underlying failure, or {@code null}
     */
    public SchemaRegistryException(int status, int errorCode, String registryMessage, String url, String message,
            Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
        this.url = url;
    }

    /** An error as an in-process registry reports it: no URL, a Confluent status and error code. */
    public static SchemaRegistryException of(int status, int errorCode, String registryMessage) {
        return new SchemaRegistryException(status, errorCode, registryMessage, null,
                "Schema registry error " + errorCode + " (HTTP " + status + "): " + registryMessage, null);
    }

    /** HTTP status of the answer, or {@code 0} when the registry could not be reached. */
    public int status() {
        return status;
    }

    /** The registry's {@code error_code} (for example {@code 40403}), if it sent one. */
    public OptionalInt errorCode() {
        return errorCode < 0 ? OptionalInt.empty() : OptionalInt.of(errorCode);
    }

    /** The registry's own {@code message}, or {@code null}. */
    public String registryMessage() {
        return registryMessage;
    }

    /** {@code METHOD url} of the call, without credentials; {@code null} for an in-process registry. */
    public String url() {
        return url;
    }

    /** Whether the registry said that the subject, version or schema does not exist (HTTP 404). */
    public boolean isNotFound() {
        return status == 404;
    }

    /** Whether {@link #errorCode()} is {@code code}. */
    public boolean hasErrorCode(int code) {
        return errorCode == code;
    }
}
