package io.embedstream.serde;

import java.util.stream.Collectors;
import org.apache.avro.Schema;

/** Short, readable names of Avro types for error messages ({@code union [null, string]}, {@code long (timestamp-millis)}). */
public final class AvroTypes {

    private AvroTypes() {}

    /** E.g. {@code string}, {@code array<double>}, {@code map<string>}, {@code record com.acme.Media}, {@code bytes (decimal)}. */
    public static String describe(Schema schema) {
        return switch (schema.getType()) {
            case RECORD -> "record " + schema.getFullName();
            case ENUM -> "enum " + schema.getFullName();
            case FIXED -> "fixed " + schema.getFullName() + withLogical(schema);
            case ARRAY -> "array<" + describe(schema.getElementType()) + ">";
            case MAP -> "map<" + describe(schema.getValueType()) + ">";
            case UNION -> schema.getTypes().stream().map(AvroTypes::describe)
                    .collect(Collectors.joining(", ", "union [", "]"));
            default -> schema.getType().getName() + withLogical(schema);
        };
    }

    private static String withLogical(Schema schema) {
        return schema.getLogicalType() == null ? "" : " (" + schema.getLogicalType().getName() + ")";
    }
}
