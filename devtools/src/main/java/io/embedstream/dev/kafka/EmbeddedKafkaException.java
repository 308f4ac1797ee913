package io.embedstream.dev.kafka;

/**
 * The embedded broker could not be formatted, started, stopped or asked to do something (for
 * example create a topic). The message says what was attempted and on which address or
 * directory; the cause carries Kafka's own error.
 */
public class EmbeddedKafkaException extends RuntimeException {
    public EmbeddedKafkaException(String message) {
        super(message);
    }

    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
