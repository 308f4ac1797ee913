package io.embedstream.config;

/** Small argument checks that produce {@link ConfigException}s naming the key. */
final class Checks {
    private Checks() {}

    static String requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key + " is required but was not set");
        }
        return value.trim();
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    static int atLeast(String key, int value, int min) {
        if (value < min) {
            throw ConfigException.invalid(key, value, "must be >= " + min);
        }
        return value;
    }

    static long atLeast(String key, long value, long min) {
        if (value < min) {
            throw ConfigException.invalid(key, value, "must be >= " + min);
        }
        return value;
    }

    static <T> T required(String key, T value) {
        if (value == null) {
            throw new ConfigException(key + " is required but was not set");
        }
        return value;
    }
}
