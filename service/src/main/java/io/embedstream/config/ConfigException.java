package io.embedstream.config;

/**
 * Invalid or missing configuration. The message names the key, the offending value and what is
 * allowed, so that it can be shown to the user as it is.
 */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A message of the standard shape: {@code key: 'value' is not valid; allowed: ...}. */
    public static ConfigException invalid(String key, Object value, String allowed) {
        return new ConfigException(key + ": '" + value + "' is not valid; " + allowed);
    }
}
