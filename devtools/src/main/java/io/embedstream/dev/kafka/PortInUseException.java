package io.embedstream.dev.kafka;

import java.net.BindException;

/** The broker could not bind its client or controller port, typically because it is taken. */
public class PortInUseException extends EmbeddedKafkaException {
    public PortInUseException(String message, Throwable cause) {
        super(message + ": " + bindFailureMessage(cause), cause);
    }

    /** Whether {@code failure} or one of its causes is a failure to bind a socket. */
    static boolean isBindFailure(Throwable failure) {
        return bindFailure(failure) != null;
    }

    /**
     * The most telling message in the chain: that of the exception wrapping the
     * {@link BindException} (Kafka's "Socket server failed to bind to host:port: ..."), which
     * names the port, else the bind exception's own.
     */
    private static String bindFailureMessage(Throwable failure) {
        Throwable wrapper = failure;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getCause() instanceof BindException) {
                wrapper = t;
                break;
            }
            if (t instanceof BindException) {
                wrapper = t;
                break;
            }
        }
        return wrapper.getMessage();
    }

    private static BindException bindFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException bind) {
                return bind;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
