package io.embedstream.stream.generic;

import io.embedstream.config.FieldPath;
import io.embedstream.failure.FailureReason;
import io.embedstream.serde.AvroTypes;
import io.embedstream.stream.InvalidRecordException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/**
 * Walks a {@link FieldPath} through Avro: through the values of a decoded record (per record, on the stream thread)
 * and through a schema (at start-up, to check a configuration against the input subject's latest schema). A step
 * goes into a record field; an optional union ({@code ["null", X]}, or any union) on the way is passed through to
 * the branch the value was written with. Stateless and thread-safe.
 */
final class AvroFieldPaths {

    private static final int MAX_NAMES_SHOWN = 20;

    /** The value at the end of a path and the (non-union) type it was written with. */
    record Leaf(Object value, Schema schema) {}

    private AvroFieldPaths() {}

    /**
     * The value at the end of {@code path} in {@code root}.
     *
     * @param key the configuration key that holds the path, for messages ({@code input.field})
     * @throws InvalidRecordException {@code MISSING_FIELD} when a field is absent or a value on the way is null;
     *         {@code WRONG_FIELD_TYPE} when a step that must be a record is not
     */
    static Leaf resolve(String key, FieldPath path, IndexedRecord root) {
        IndexedRecord current = root;
        List<String> names = path.segments();
        for (int i = 0; ; i++) {
            String name = names.get(i);
            Schema recordSchema = current.getSchema();
            Schema.Field field = recordSchema.getField(name);
            if (field == null) {
                throw new InvalidRecordException(FailureReason.MISSING_FIELD, key + " '" + path + "': "
                        + where(path, i, recordSchema) + " has no field '" + name + "'; its fields: "
                        + fieldNames(recordSchema));
            }
            Object value = current.get(field.pos());
            Schema schema = field.schema();
            if (value == null) {
                throw new InvalidRecordException(FailureReason.MISSING_FIELD, key + " '" + path + "': '"
                        + path.prefix(i + 1) + "' is null (type " + AvroTypes.describe(schema) + ")");
            }
            if (schema.getType() == Schema.Type.UNION) {
                schema = schema.getTypes().get(GenericData.get().resolveUnion(schema, value));
            }
            if (i == names.size() - 1) {
                return new Leaf(value, schema);
            }
            if (!(value instanceof IndexedRecord next)) {
                throw new InvalidRecordException(FailureReason.WRONG_FIELD_TYPE, key + " '" + path + "': '"
                        + path.prefix(i + 1) + "' is " + AvroTypes.describe(schema) + ", not a record, so '"
                        + names.get(i + 1) + "' cannot be read from it");
            }
            current = next;
        }
    }

    /**
     * The type at the end of {@code path} in {@code root} (a union when the field is one).
     *
     * @throws IllegalArgumentException with a message that says where the path leaves the schema
     */
    static Schema resolve(FieldPath path, Schema root) {
        Schema current = root;
        List<String> names = path.segments();
        for (int i = 0; ; i++) {
            String name = names.get(i);
            Schema.Field field = null;
            Schema record = null;
            for (Schema candidate : branches(current)) {
                if (candidate.getType() == Schema.Type.RECORD) {
                    record = record == null ? candidate : record;
                    if (candidate.getField(name) != null) {
                        record = candidate;
                        field = candidate.getField(name);
                        break;
                    }
                }
            }
            if (record == null) {
                throw new IllegalArgumentException((i == 0 ? "the input schema" : "'" + path.prefix(i) + "'")
                        + " is " + AvroTypes.describe(current)
                        + ", not a record, so '" + name + "' cannot be read from it");
            }
            if (field == null) {
                throw new IllegalArgumentException(where(path, i, record) + " has no field '" + name
                        + "'; its fields: " + fieldNames(record));
            }
            if (i == names.size() - 1) {
                return field.schema();
            }
            current = field.schema();
        }
    }

    /** The non-null branches of a union, or the type itself. */
    static List<Schema> branches(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return List.of(schema);
        }
        List<Schema> out = new ArrayList<>();
        for (Schema t : schema.getTypes()) {
            if (t.getType() != Schema.Type.NULL) {
                out.add(t);
            }
        }
        return out;
    }

    private static String where(FieldPath path, int step, Schema record) {
        return step == 0 ? record.getFullName() : record.getFullName() + " (at '" + path.prefix(step) + "')";
    }

    private static String fieldNames(Schema record) {
        List<Schema.Field> fields = record.getFields();
        String shown = fields.stream().limit(MAX_NAMES_SHOWN).map(Schema.Field::name)
                .collect(Collectors.joining(", "));
        return fields.isEmpty() ? "(none)" : fields.size() > MAX_NAMES_SHOWN
                ? shown + ", ... (" + fields.size() + " in all)" : shown;
    }
}
