package io.embedstream.dev.registry;

import io.embedstream.serde.CompatibilityLevel;
import io.embedstream.serde.RegisteredSchema;
import io.embedstream.serde.RegistryErrorCodes;
import io.embedstream.serde.SchemaRegistryException;
import static io.embedstream.testing.SampleRecords.simpleSchema;
import static io.embedstream.testing.SampleRecords.simpleSchemaWithOptionalNote;
import static io.embedstream.testing.SampleRecords.simpleSchemaWithRequiredExtra;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.throwable;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final Schema v1 = simpleSchema("Counter");
    private final Schema v2 = simpleSchemaWithOptionalNote("Counter");

    @Test
    void shouldGiveTheSameIdToTheSameSchemaUnderEverySubject() {
        int first = registry.register("a-value", v1);
        int again = registry.register("a-value", v1);
        int otherSubject = registry.register("b-value", v1);

        assertThat(first).isEqualTo(1);
        assertThat(again).isEqualTo(first);
        assertThat(otherSubject).isEqualTo(first);
        assertThat(registry.versions("a-value")).containsExactly(1);
        assertThat(registry.subjects()).containsExactly("a-value", "b-value");
    }

    @Test
    void shouldAddVersionsWithNewIdsForEvolvedSchemas() {
        registry.register("a-value", v1);
        int id2 = registry.register("a-value", v2);

        assertThat(id2).isEqualTo(2);
        assertThat(registry.versions("a-value")).containsExactly(1, 2);
        assertThat(registry.latest("a-value")).isEqualTo(new RegisteredSchema("a-value", 2, 2, v2));
        assertThat(registry.version("a-value", 1)).isEqualTo(new RegisteredSchema("a-value", 1, 1, v1));
        assertThat(registry.schemaById(2)).isEqualTo(v2);
    }

    @Test
    void shouldRejectBackwardIncompatibleSchemaUnderDefaultLevel() {
        registry.register("a-value", v1);

        assertThat(registry.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(registry.isCompatible("a-value", simpleSchemaWithRequiredExtra("Counter"))).isFalse();
        assertThat(registry.compatibilityProblems("a-value", simpleSchemaWithRequiredExtra("Counter")))
                .singleElement().asString()
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("extra");
        assertThatThrownBy(() -> registry.register("a-value", simpleSchemaWithRequiredExtra("Counter")))
                .asInstanceOf(throwable(SchemaRegistryException.class))
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).hasValue(409);
                })
                .hasMessageContaining("incompatible").hasMessageContaining("BACKWARD");
        assertThat(registry.versions("a-value")).containsExactly(1);
    }

    @Test
    void shouldAcceptAnySchemaUnderLevelNoneAndForANewSubject() {
        assertThat(registry.isCompatible("new-value", v1)).isTrue();
        registry.register("a-value", v1);
        registry.setCompatibility("a-value", CompatibilityLevel.NONE);

        assertThat(registry.compatibility("a-value")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(registry.compatibility("b-value")).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(registry.subjectCompatibility("b-value")).isEmpty();
        assertThat(registry.register("a-value", simpleSchemaWithRequiredExtra("Counter"))).isEqualTo(2);
    }

    @Test
    void shouldCheckForwardAndTransitiveLevels() {
        registry.setGlobalCompatibility(CompatibilityLevel.FORWARD);
        registry.register("a-value", v2);

        // Removing a field that has a default is FORWARD-compatible: old readers fill in the default.
        assertThat(registry.isCompatible("a-value", v1)).isTrue();
        // FULL_TRANSITIVE: v1 -> v2 -> v3 where v3 makes "note" required would break readers of v1 data.
        registry.setCompatibility("t-value", CompatibilityLevel.FULL_TRANSITIVE);
        registry.register("t-value", v1);
        registry.register("t-value", v2);
        Schema requiredNote = new Schema.Parser().parse(v2.toString().replace(",\"default\":\"none\"", ""));
        assertThat(registry.compatibilityProblems("t-value", requiredNote)).isNotEmpty();
    }

    @Test
    void shouldLookUpRegisteredSchemasOnly() {
        registry.register("a-value", v1);

        assertThat(registry.lookup("a-value", v1)).contains(new RegisteredSchema("a-value", 1, 1, v1));
        assertThat(registry.lookup("a-value", v2)).isEmpty();
        assertThat(registry.lookup("missing-value", v1)).isEmpty();
        assertThatThrownBy(() -> registry.lookupOrThrow("a-value", v2))
                .asInstanceOf(throwable(SchemaRegistryException.class))
                .satisfies(e -> assertThat(e.errorCode()).hasValue(RegistryErrorCodes.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> registry.lookupOrThrow("missing-value", v1))
                .asInstanceOf(throwable(SchemaRegistryException.class))
                .satisfies(e -> assertThat(e.errorCode()).hasValue(RegistryErrorCodes.SUBJECT_NOT_FOUND));
    }

    @Test
    void shouldReportConfluentErrorCodesForMissingThings() {
        registry.register("a-value", v1);

        assertThatThrownBy(() -> registry.schemaById(99))
                .asInstanceOf(throwable(SchemaRegistryException.class))
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errorCode()).hasValue(40403);
                    assertThat(e.url()).isNull();
                })
                .hasMessage("Schema registry error 40403 (HTTP 404): Schema 99 not found");
        assertThatThrownBy(() -> registry.latest("missing-value"))
                .asInstanceOf(throwable(SchemaRegistryException.class))
                .satisfies(e -> assertThat(e.errorCode()).hasValue(40401));
        assertThatThrownBy(() -> registry.version("a-value", 2))
                .asInstanceOf(throwable(SchemaRegistryException.class))
                .satisfies(e -> assertThat(e.errorCode()).hasValue(40402))
                .hasMessageContaining("Version 2 not found for subject 'a-value' (it has versions 1..1)");
    }
}
