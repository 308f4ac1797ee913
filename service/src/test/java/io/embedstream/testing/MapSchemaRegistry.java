package io.embedstream.testing;

import io.embedstream.serde.CompatibilityLevel;
import io.embedstream.serde.RegisteredSchema;
import io.embedstream.serde.RegistryErrorCodes;
import io.embedstream.serde.SchemaRegistry;
import io.embedstream.serde.SchemaRegistryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The smallest schema registry that lets the real Confluent wire-format serde run in a fast unit test of one
 * class: ids per distinct schema, one version per (subject, schema), no compatibility checks. Integration tests
 * use a real registry (Apicurio). Thread-safe.
 */
public final class MapSchemaRegistry implements SchemaRegistry {
    private final Map<Schema, Integer> ids = new LinkedHashMap<>();
    private final Map<String, List<Schema>> subjects = new LinkedHashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        int id = ids.computeIfAbsent(schema, s -> ids.size() + 1);
        List<Schema> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(schema)) {
            versions.add(schema);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        return ids.entrySet().stream().filter(e -> e.getValue() == id).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new SchemaRegistryException(404, RegistryErrorCodes.SCHEMA_NOT_FOUND, null, null,
                        "no schema with id " + id, null));
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> v = versions(subject);
        return version(subject, v.get(v.size() - 1));
    }

    @Override
    public synchronized RegisteredSchema version(String subject, int version) {
        Schema schema = subjects.get(subject).get(version - 1);
        return new RegisteredSchema(subject, version, ids.get(schema), schema);
    }

    @Override
    public synchronized Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        List<Schema> versions = subjects.getOrDefault(subject, List.of());
        int i = versions.indexOf(schema);
        return i < 0 ? Optional.empty() : Optional.of(new RegisteredSchema(subject, i + 1, ids.get(schema), schema));
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return true;
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        List<Schema> versions = subjects.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException(404, RegistryErrorCodes.SUBJECT_NOT_FOUND, null, null,
                    "no subject " + subject, null);
        }
        List<Integer> numbers = new ArrayList<>();
        for (int i = 1; i <= versions.size(); i++) {
            numbers.add(i);
        }
        return numbers;
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        return CompatibilityLevel.NONE;
    }

    @Override
    public CompatibilityLevel globalCompatibility() {
        return CompatibilityLevel.NONE;
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        throw new UnsupportedOperationException("compatibility levels are not modelled here");
    }

    @Override
    public void setGlobalCompatibility(CompatibilityLevel level) {
        throw new UnsupportedOperationException("compatibility levels are not modelled here");
    }
}
