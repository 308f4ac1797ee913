package io.embedstream.stream.generic;

import com.fasterxml.jackson.databind.JsonNode;
import io.embedstream.config.FieldPath;
import io.embedstream.failure.FailureReason;
import io.embedstream.stream.InvalidRecordException;
import java.util.List;
import java.util.Locale;

/** Walks a {@link FieldPath} through a JSON document: each step is a field of an object. Stateless and thread-safe. */
final class JsonFieldPaths {

    private JsonFieldPaths() {}

    /**
     * The value at the end of {@code path} in {@code root}; never a JSON {@code null}.
     *
     * @param key the configuration key that holds the path, for messages ({@code input.field})
     * @throws InvalidRecordException {@code MISSING_FIELD} when a field is absent or {@code null};
     *         {@code WRONG_FIELD_TYPE} when a step that must be an object is not
     */
    static JsonNode resolve(String key, FieldPath path, JsonNode root) {
        JsonNode current = root;
        List<String> names = path.segments();
        for (int i = 0; i < names.size(); i++) {
            if (!current.isObject()) {
                throw new InvalidRecordException(FailureReason.WRONG_FIELD_TYPE, key + " '" + path + "': '"
                        + path.prefix(i) + "' is " + typeOf(current) + ", not an object, so '" + names.get(i)
                        + "' cannot be read from it");
            }
            JsonNode next = current.get(names.get(i));
            if (next == null) {
                throw new InvalidRecordException(FailureReason.MISSING_FIELD, key + " '" + path + "': "
                        + (i == 0 ? "the document" : "'" + path.prefix(i) + "'") + " has no field '" + names.get(i)
                        + "'");
            }
            if (next.isNull()) {
                throw new InvalidRecordException(FailureReason.MISSING_FIELD, key + " '" + path + "': '"
                        + path.prefix(i + 1) + "' is null");
            }
            current = next;
        }
        return current;
    }

    /** {@code a string}, {@code a number}, {@code an object}, ... */
    static String typeOf(JsonNode node) {
        String type = switch (node.getNodeType()) {
            case ARRAY -> "array";
            case BOOLEAN -> "boolean";
            case NUMBER -> "number";
            case OBJECT, POJO -> "object";
            case STRING -> "string";
            case BINARY -> "binary";
            case NULL -> "null";
            case MISSING -> "missing";
        };
        return (type.startsWith("a") || type.startsWith("o") ? "an " : "a ") + type.toLowerCase(Locale.ROOT);
    }
}
