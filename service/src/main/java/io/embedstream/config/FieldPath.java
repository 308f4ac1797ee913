package io.embedstream.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A dotted path to a field of an input record ({@code input.field}, {@code output.key-field}): field names
 * separated by dots, each a step into a nested record (Avro) or object (JSON), e.g. {@code media.image_url}. In
 * Avro a step passes through an optional union ({@code ["null", Media]}) to its record branch; a {@code null} on
 * the way means the field is missing. Field names that contain a dot cannot be addressed. Immutable.
 *
 * @param segments the field names, outermost first; at least one
 */
public record FieldPath(List<String> segments) {

    private static final Pattern AVRO_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public FieldPath {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a field path has at least one field name");
        }
    }

    /**
     * Parses {@code text}; {@code null} or blank gives {@code null}.
     *
     * @throws ConfigException naming {@code key} for an empty segment ({@code a..b}, {@code .a}) or white space
     */
    public static FieldPath parse(String key, String text) {
        try {
            return of(text);
        } catch (ConfigException e) {
            throw new ConfigException(key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses {@code text} (the configuration loader's entry point; it puts the key in front of the message);
     * {@code null} or blank gives {@code null}.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static FieldPath of(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String[] parts = text.trim().split("\\.", -1);
        for (String part : parts) {
            if (part.isEmpty() || part.chars().anyMatch(Character::isWhitespace)) {
                throw new ConfigException("'" + text + "' is not valid; expected field names separated by dots, e.g. "
                        + "media.image_url (no empty names, no white space)");
            }
        }
        return new FieldPath(List.of(parts));
    }

    /** Whether every segment is a valid Avro field name ({@code [A-Za-z_][A-Za-z0-9_]*}). */
    public boolean isAvroPath() {
        return segments.stream().allMatch(FieldPath::isAvroName);
    }

    /** Whether {@code name} is a valid Avro name. */
    public static boolean isAvroName(String name) {
        return name != null && AVRO_NAME.matcher(name).matches();
    }

    /** The first {@code n} segments, dotted (for messages: how far a path got). */
    public String prefix(int n) {
        return String.join(".", segments.subList(0, n));
    }

    public int length() {
        return segments.size();
    }

    @Override
    public String toString() {
        return String.join(".", segments);
    }
}
