package io.embedstream.serde;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Schema compatibility levels, as named by the Confluent REST API.
 *
 * <p>{@code BACKWARD}: a consumer using the new schema can read data written with the latest earlier one.
 * {@code FORWARD}: a consumer using the latest earlier schema can read data written with the new one.
 * {@code FULL}: both. The {@code _TRANSITIVE} variants check against every earlier version, not only the latest.
 */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    /** Whether a new schema must be readable-with (backward) the earlier ones. */
    public boolean checksBackward() {
        return this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** Whether earlier schemas must be able to read data written with the new one. */
    public boolean checksForward() {
        return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    /** Whether the check covers all earlier versions rather than only the latest. */
    public boolean isTransitive() {
        return name().endsWith("_TRANSITIVE");
    }

    /**
     * Parses a level name, ignoring case.
     *
     * @throws IllegalArgumentException naming the value and the allowed levels
     */
    public static CompatibilityLevel parse(String value) {
        if (value != null) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("compatibility level '" + value + "' is not valid; allowed: "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
