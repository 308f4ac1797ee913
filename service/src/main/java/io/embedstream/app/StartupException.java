package io.embedstream.app;

/**
 * The service cannot start because something it depends on is not there (the Kafka cluster cannot be reached,
 * for instance): not a configuration mistake, not one record's fault. The message is complete for the user (what
 * failed, where, how long it waited, what to check); the command line prints it without a stack trace and exits
 * with status 1.
 */
public class StartupException extends RuntimeException {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
