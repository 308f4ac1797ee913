package io.embedstream.serde;

import io.embedstream.avro.EmbeddingMetadata;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;

/**
 * Derives the schema of an enriched record from the writer schema of its input record: the same record (same name,
 * namespace, doc, aliases and properties; every field as it was, in its place) with the embedding field
 * ({@code array<float>}) and, optionally, the metadata field ({@code schemas/EmbeddingMetadata.avsc}) appended as
 * its last fields.
 *
 * <p>Keeping the input's name is what makes the output schema evolve like the input's: when a producer's v2 adds an
 * optional field, the derived v2 differs from the derived v1 by exactly that field, so a registry subject under
 * {@code BACKWARD} accepts it whenever it accepts the input's v2. Appending at the end is what lets an enriched
 * record be written as the input's Avro body followed by the new fields (Avro binary encodes a record as its fields
 * in order), without decoding and re-encoding the input's fields.
 *
 * <p>The new fields have no defaults: every enriched record carries them. A clash with an existing field (by name
 * or alias) or with a named type of the input is refused, never resolved by overwriting. Stateless and thread-safe.
 */
public final class EnrichedSchemas {

    private EnrichedSchemas() {}

    /** The schema of the metadata record that {@code output.metadata-field} adds. */
    public static Schema metadataSchema() {
        return EmbeddingMetadata.getClassSchema();
    }

    /**
     * Why {@code writer} cannot be enriched with these fields, or empty when it can: it is not a record, a field or
     * alias of it is called {@code field} or {@code metadataField}, or (with a metadata field) it defines a type
     * named like the metadata record.
     *
     * @param metadataField {@code null} for none
     */
    public static Optional<String> clash(Schema writer, String field, String metadataField) {
        if (writer.getType() != Schema.Type.RECORD) {
            return Optional.of("the input schema is " + writer.getType().getName() + ", not a record, so no field can"
                    + " be added to it");
        }
        for (Schema.Field f : writer.getFields()) {
            for (String name : names(f)) {
                if (name.equals(field)) {
                    return Optional.of(writer.getFullName() + " already has a field '" + f.name() + "'"
                            + (f.name().equals(name) ? "" : " with alias '" + name + "'") + " of type "
                            + AvroTypes.describe(f.schema()) + ", and output.field is '" + field + "'; the embedding"
                            + " never overwrites a field: set output.field to a name the record does not use");
                }
                if (name.equals(metadataField)) {
                    return Optional.of(writer.getFullName() + " already has a field '" + f.name() + "'"
                            + (f.name().equals(name) ? "" : " with alias '" + name + "'") + " of type "
                            + AvroTypes.describe(f.schema()) + ", and output.metadata-field is '" + metadataField
                            + "'; set output.metadata-field to a name the record does not use");
                }
            }
        }
        if (metadataField != null) {
            String metadataName = metadataSchema().getFullName();
            if (namedTypes(writer).contains(metadataName)) {
                return Optional.of(writer.getFullName() + " already defines a type named " + metadataName + ", the"
                        + " name of the metadata record that output.metadata-field adds");
            }
        }
        return Optional.empty();
    }

    /**
     * The enriched schema for {@code writer}.
     *
     * @param metadataField {@code null} for none
     * @throws IllegalArgumentException when {@link #clash} finds a clash (with its message)
     */
    public static Schema derive(Schema writer, String field, String metadataField) {
        clash(writer, field, metadataField).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        List<Schema.Field> fields = new ArrayList<>(writer.getFields().size() + 2);
        for (Schema.Field f : writer.getFields()) {
            fields.add(new Schema.Field(f, f.schema())); // a copy: a Field belongs to one record
        }
        fields.add(new Schema.Field(field, Schema.createArray(Schema.create(Schema.Type.FLOAT)),
                "The embedding added by embedstream: the pooled and normalised output of the configured layer.",
                (Object) null));
        if (metadataField != null) {
            fields.add(new Schema.Field(metadataField, metadataSchema(),
                    "How the embedding was made (added by embedstream).", (Object) null));
        }
        Schema derived = Schema.createRecord(writer.getName(), writer.getDoc(), writer.getNamespace(),
                writer.isError(), fields);
        for (String alias : writer.getAliases()) {
            derived.addAlias(alias);
        }
        writer.getObjectProps().forEach(derived::addProp);
        return derived;
    }

    private static Set<String> names(Schema.Field f) {
        Set<String> names = new TreeSet<>(f.aliases());
        names.add(f.name());
        return names;
    }

    /** The full names of the named types (records, enums, fixed) that {@code schema} defines or uses. */
    static Set<String> namedTypes(Schema schema) {
        Set<String> names = new TreeSet<>();
        collect(schema, names, new IdentityHashMap<>());
        return names;
    }

    private static void collect(Schema schema, Set<String> names, Map<Schema, Boolean> seen) {
        if (seen.put(schema, Boolean.TRUE) != null) {
            return;
        }
        switch (schema.getType()) {
            case RECORD -> {
                names.add(schema.getFullName());
                schema.getFields().forEach(f -> collect(f.schema(), names, seen));
            }
            case ENUM, FIXED -> names.add(schema.getFullName());
            case ARRAY -> collect(schema.getElementType(), names, seen);
            case MAP -> collect(schema.getValueType(), names, seen);
            case UNION -> schema.getTypes().forEach(t -> collect(t, names, seen));
            default -> { }
        }
    }
}
