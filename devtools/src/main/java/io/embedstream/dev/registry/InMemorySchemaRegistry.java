package io.embedstream.dev.registry;

import io.embedstream.serde.AvroCompatibility;
import io.embedstream.serde.CompatibilityLevel;
import io.embedstream.serde.RegisteredSchema;
import io.embedstream.serde.RegistryErrorCodes;
import io.embedstream.serde.SchemaRegistry;
import io.embedstream.serde.SchemaRegistryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A schema registry held in memory, with the semantics of Confluent Schema Registry: ids are
 * registry-wide and the same schema gets the same id under every subject; registering a schema a
 * subject already has returns its id without a new version; a new version must pass the subject's
 * {@link CompatibilityLevel} (global default {@code BACKWARD}); errors carry Confluent's HTTP status and
 * {@link RegistryErrorCodes error code}.
 *
 * <p>It backs {@code EmbeddedSchemaRegistry} (the HTTP front used by the demo) and serves as the fake
 * in unit tests. Thread-safe: every operation is atomic ({@code synchronized}). Nothing is persisted.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    /** Subject → ids of its versions; version {@code n} is at index {@code n - 1}. */
    private final Map<String, List<Integer>> versionsBySubject = new LinkedHashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int nextId = 1;

    @Override
    public synchronized int register(String subject, Schema schema) {
        requireSubject(subject);
        Objects.requireNonNull(schema, "schema");
        List<Integer> ids = versionsBySubject.getOrDefault(subject, List.of());
        Integer existingId = idsBySchemaText.get(schema.toString());
        if (existingId != null && ids.contains(existingId)) {
            return existingId;
        }
        List<String> problems = AvroCompatibility.problems(compatibility(subject), schema, schemas(ids));
        if (!problems.isEmpty()) {
            throw SchemaRegistryException.of(409, RegistryErrorCodes.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject '" + subject
                            + "' under compatibility level " + compatibility(subject) + "; " + problems);
        }
        int id = existingId != null ? existingId : newId(schema);
        versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw SchemaRegistryException.of(404, RegistryErrorCodes.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> ids = idsOf(subject);
        return version(subject, ids.size());
    }

    @Override
    public synchronized RegisteredSchema version(String subject, int version) {
        List<Integer> ids = idsOf(subject);
        if (version < 1 || version > ids.size()) {
            throw SchemaRegistryException.of(404, RegistryErrorCodes.VERSION_NOT_FOUND,
                    "Version " + version + " not found for subject '" + subject + "' (it has versions 1.."
                            + ids.size() + ")");
        }
        int id = ids.get(version - 1);
        return new RegisteredSchema(subject, version, id, schemasById.get(id));
    }

    @Override
    public synchronized Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        return find(subject, schema);
    }

    /**
     * Like {@link #lookup} but tells apart a missing subject ({@link RegistryErrorCodes#SUBJECT_NOT_FOUND})
     * from a schema the subject does not have ({@link RegistryErrorCodes#SCHEMA_NOT_FOUND}), as the
     * REST API does.
     */
    public synchronized RegisteredSchema lookupOrThrow(String subject, Schema schema) {
        idsOf(subject);
        return find(subject, schema).orElseThrow(() -> SchemaRegistryException.of(404,
                RegistryErrorCodes.SCHEMA_NOT_FOUND, "Schema not found under subject '" + subject + "'"));
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        return compatibilityProblems(subject, schema).isEmpty();
    }

    /**
     * Why {@code schema} may not be registered under {@code subject} now (empty when it may), checked
     * under the subject's level against the latest version, or all versions for a transitive level.
     */
    public synchronized List<String> compatibilityProblems(String subject, Schema schema) {
        requireSubject(subject);
        List<Integer> ids = versionsBySubject.getOrDefault(subject, List.of());
        return AvroCompatibility.problems(compatibility(subject), schema, schemas(ids));
    }

    /**
     * Why {@code schema} may not follow one given version of {@code subject} under the subject's level.
     *
     * @throws SchemaRegistryException when the subject or version does not exist
     */
    public synchronized List<String> compatibilityProblems(String subject, int version, Schema schema) {
        Schema earlier = version(subject, version).schema();
        CompatibilityLevel level = compatibility(subject);
        return AvroCompatibility.problems(level, schema, List.of(earlier));
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        int count = idsOf(subject).size();
        List<Integer> versions = new ArrayList<>(count);
        for (int v = 1; v <= count; v++) {
            versions.add(v);
        }
        return versions;
    }

    @Override
    public synchronized CompatibilityLevel compatibility(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    /** The level set for this subject itself, if any (the global level is not consulted). */
    public synchronized Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    @Override
    public synchronized CompatibilityLevel globalCompatibility() {
        return globalLevel;
    }

    @Override
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        requireSubject(subject);
        subjectLevels.put(subject, Objects.requireNonNull(level, "level"));
    }

    @Override
    public synchronized void setGlobalCompatibility(CompatibilityLevel level) {
        globalLevel = Objects.requireNonNull(level, "level");
    }

    private Optional<RegisteredSchema> find(String subject, Schema schema) {
        List<Integer> ids = versionsBySubject.get(subject);
        Integer id = idsBySchemaText.get(schema.toString());
        if (ids == null || id == null) {
            return Optional.empty();
        }
        int index = ids.indexOf(id);
        return index < 0 ? Optional.empty() : Optional.of(new RegisteredSchema(subject, index + 1, id, schema));
    }

    private int newId(Schema schema) {
        int id = nextId++;
        idsBySchemaText.put(schema.toString(), id);
        schemasById.put(id, schema);
        return id;
    }

    private List<Integer> idsOf(String subject) {
        List<Integer> ids = versionsBySubject.get(subject);
        if (ids == null) {
            throw SchemaRegistryException.of(404, RegistryErrorCodes.SUBJECT_NOT_FOUND,
                    "Subject '" + subject + "' not found");
        }
        return ids;
    }

    private List<Schema> schemas(List<Integer> ids) {
        List<Schema> schemas = new ArrayList<>(ids.size());
        for (int id : ids) {
            schemas.add(schemasById.get(id));
        }
        return schemas;
    }

    private static void requireSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank, was '" + subject + "'");
        }
    }
}
