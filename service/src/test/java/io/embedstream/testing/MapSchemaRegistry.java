package io.embedstream.testing;

import io.embedstream.serde.CompatibilityLevel;
import io.embedstream.serde.RegisteredSchema;
import io.embedstream.serde.RegistryErrorCodes;
import io.embedstream.serde.SchemaRegistry;
import io.embedstream.serde.SchemaRegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * A registry in a map, for fast unit tests of one class that needs schema ids (no compatibility checks; ids are
 * global and a schema keeps its id across subjects, as in Confluent's registry). The real registries are covered by
 * the integration tests (Apicurio). Thread-safe.
 */
public final class MapSchemaRegistry implements SchemaRegistry {

    private final List<Schema> byId = new ArrayList<>();
    private final Map<String, List<Integer>> subjects = new TreeMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        int id = byId.indexOf(schema);
        if (id < 0) {
            byId.add(schema);
            id = byId.size() - 1;
        }
        List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id + 1)) {
            versions.add(id + 1);
        }
        return id + 1;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > byId.size()) {
            throw SchemaRegistryException.of(404, RegistryErrorCodes.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return byId.get(id - 1);
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = versionsOrThrow(subject);
        return version(subject, versions.size());
    }

    @Override
    public synchronized RegisteredSchema version(String subject, int version) {
        List<Integer> versions = versionsOrThrow(subject);
        if (version < 1 || version > versions.size()) {
            throw SchemaRegistryException.of(404, RegistryErrorCodes.VERSION_NOT_FOUND, "Version not found");
        }
        int id = versions.get(version - 1);
        return new RegisteredSchema(subject, version, id, byId.get(id - 1));
    }

    @Override
    public synchronized Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        List<Integer> versions = subjects.getOrDefault(subject, List.of());
        for (int v = 0; v < versions.size(); v++) {
            if (byId.get(versions.get(v) - 1).equals(schema)) {
                return Optional.of(new RegisteredSchema(subject, v + 1, versions.get(v), schema));
            }
        }
        return Optional.empty();
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
        List<Integer> out = new ArrayList<>();
        for (int v = 1; v <= versionsOrThrow(subject).size(); v++) {
            out.add(v);
        }
        return out;
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
        throw new UnsupportedOperationException("not needed by the tests that use this registry");
    }

    @Override
    public void setGlobalCompatibility(CompatibilityLevel level) {
        throw new UnsupportedOperationException("not needed by the tests that use this registry");
    }

    private List<Integer> versionsOrThrow(String subject) {
        List<Integer> versions = subjects.get(subject);
        if (versions == null) {
            throw SchemaRegistryException.of(404, RegistryErrorCodes.SUBJECT_NOT_FOUND, "Subject not found");
        }
        return versions;
    }
}
