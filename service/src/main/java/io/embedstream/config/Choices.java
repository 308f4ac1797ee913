package io.embedstream.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Parses configuration words into enum constants. Accepts kebab or snake case in any letter case;
 * the canonical spelling is the constant's {@code toString()}.
 */
final class Choices {
    private Choices() {}

    /**
     * @throws ConfigException without a key; {@link ConfigLoader} adds the key it was reading
     */
    static <E extends Enum<E>> E parse(Class<E> type, String value) {
        String wanted = normalise(value);
        for (E e : type.getEnumConstants()) {
            if (normalise(e.name()).equals(wanted)) {
                return e;
            }
        }
        throw new ConfigException("'" + value + "' is not valid; allowed: " + allowed(type));
    }

    static <E extends Enum<E>> String allowed(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Object::toString).collect(Collectors.joining(" | "));
    }

    private static String normalise(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
