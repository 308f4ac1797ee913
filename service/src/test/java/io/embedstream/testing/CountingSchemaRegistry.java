package io.embedstream.testing;

import io.embedstream.serde.CompatibilityLevel;
import io.embedstream.serde.RegisteredSchema;
import io.embedstream.serde.SchemaRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/** Wraps a registry and counts the calls that the serde is expected to cache. Thread-safe. */
public final class CountingSchemaRegistry implements SchemaRegistry {
    private final SchemaRegistry delegate;
    public final AtomicInteger registerCalls = new AtomicInteger();
    public final AtomicInteger lookupCalls = new AtomicInteger();
    public final AtomicInteger schemaByIdCalls = new AtomicInteger();

    public CountingSchemaRegistry(SchemaRegistry delegate) {
        this.delegate = delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
        registerCalls.incrementAndGet();
        return delegate.register(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
        schemaByIdCalls.incrementAndGet();
        return delegate.schemaById(id);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return delegate.latest(subject);
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return delegate.version(subject, version);
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        lookupCalls.incrementAndGet();
        return delegate.lookup(subject, schema);
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return delegate.isCompatible(subject, schema);
    }

    @Override
    public List<String> subjects() {
        return delegate.subjects();
    }

    @Override
    public List<Integer> versions(String subject) {
        return delegate.versions(subject);
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        return delegate.compatibility(subject);
    }

    @Override
    public CompatibilityLevel globalCompatibility() {
        return delegate.globalCompatibility();
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        delegate.setCompatibility(subject, level);
    }

    @Override
    public void setGlobalCompatibility(CompatibilityLevel level) {
        delegate.setGlobalCompatibility(level);
    }
}
