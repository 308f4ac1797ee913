package io.embedstream.serde;

import static io.embedstream.testing.SampleRecords.featureRecord;
import static io.embedstream.testing.SampleRecords.simpleSchema;
import static io.embedstream.testing.SampleRecords.simpleSchemaWithOptionalNote;
import static io.embedstream.testing.SampleRecords.simpleSchemaWithRequiredExtra;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.throwable;

import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.RegistryConfig;
import io.embedstream.serde.RecordDecodingException.Reason;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.SampleRecords;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our REST client and serde against a real Apicurio Registry 2.6 through its Confluent API (ccompat v7). */
class ApicurioSchemaRegistryClientIT {
    private static ApicurioRegistry apicurio;
    private static SchemaRegistryClient client;
    private final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final Schema v1 = simpleSchema("Counter");
    private final Schema v2 = simpleSchemaWithOptionalNote("Counter");

    @BeforeAll
    static void startRegistry() {
        apicurio = ApicurioRegistry.shared();
        client = new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl()));
    }

    @Test
    void shouldRegisterFetchAndListVersions() {
        String subject = prefix + "counters-value";

        int id1 = client.register(subject, v1);
        int id2 = client.register(subject, v2);

        assertThat(client.register(subject, v1)).isEqualTo(id1);
        assertThat(id2).isNotEqualTo(id1);
        assertThat(new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl())).schemaById(id2)).isEqualTo(v2);
        assertThat(client.versions(subject)).containsExactly(1, 2);
        assertThat(client.latest(subject)).isEqualTo(new RegisteredSchema(subject, 2, id2, v2));
        assertThat(client.version(subject, 1)).isEqualTo(new RegisteredSchema(subject, 1, id1, v1));
        assertThat(client.subjects()).contains(subject);
    }

    @Test
    void shouldShareIdsOfIdenticalSchemasAcrossSubjects() {
        Schema schema = simpleSchema("Shared" + prefix.replace("-", "_"));

        int first = client.register(prefix + "a-value", schema);
        int second = client.register(prefix + "b-value", schema);

        assertThat(second).isEqualTo(first);
    }

    @Test
    void shouldLookUpSchemasUnderSubjects() {
        String subject = prefix + "lookup-value";
        int id = client.register(subject, v1);

        assertThat(client.lookup(subject, v1)).contains(new RegisteredSchema(subject, 1, id, v1));
        assertThat(client.lookup(subject, v2)).isEmpty();
        assertThat(client.lookup(prefix + "missing-value", v1)).isEmpty();
    }

    @Test
    void shouldApplyBackwardCompatibility() {
        String subject = prefix + "compat-value";
        client.register(subject, v1);
        Schema breaking = simpleSchemaWithRequiredExtra("Counter");

        assertThat(client.isCompatible(subject, v2)).isTrue();
        assertThat(client.isCompatible(subject, breaking)).isFalse();
        assertThat(client.compatibilityProblems(subject, breaking)).singleElement().asString().contains("extra");
        assertThat(client.isCompatible(prefix + "no-such-value", breaking)).isTrue();
        assertThatThrownBy(() -> client.register(subject, breaking))
                .asInstanceOf(throwable(SchemaRegistryException.class))
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).hasValue(RegistryErrorCodes.INCOMPATIBLE_SCHEMA);
                    assertThat(e.url()).isEqualTo("POST " + apicurio.ccompatUrl() + "/subjects/" + subject + "/versions");
                });
    }

    @Test
    void shouldReadAndSetCompatibilityLevels() {
        String subject = prefix + "levels-value";
        client.register(subject, v1);

        assertThat(client.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        // Apicurio quirk: a subject without its own rule reports NONE, although the global BACKWARD applies.
        assertThat(client.compatibility(subject)).isEqualTo(CompatibilityLevel.NONE);
        // An unknown subject is a 404 (40401), which falls back to the global level.
        assertThat(client.compatibility(prefix + "unknown-value")).isEqualTo(CompatibilityLevel.BACKWARD);

        client.setCompatibility(subject, CompatibilityLevel.FULL);

        assertThat(client.compatibility(subject)).isEqualTo(CompatibilityLevel.FULL);
    }

    @Test
    void shouldReportMissingThingsWithConfluentErrorCodes() {
        assertThatThrownBy(() -> client.latest(prefix + "missing-value"))
                .asInstanceOf(throwable(SchemaRegistryException.class))
                .satisfies(e -> assertThat(e.errorCode()).hasValue(RegistryErrorCodes.SUBJECT_NOT_FOUND));
        String subject = prefix + "one-value";
        client.register(subject, v1);
        assertThatThrownBy(() -> client.version(subject, 5))
                .asInstanceOf(throwable(SchemaRegistryException.class))
                .satisfies(e -> assertThat(e.errorCode()).hasValue(RegistryErrorCodes.VERSION_NOT_FOUND));
        assertThatThrownBy(() -> client.schemaById(987_654))
                .asInstanceOf(throwable(SchemaRegistryException.class))
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errorCode()).hasValue(RegistryErrorCodes.SCHEMA_NOT_FOUND);
                });
    }

    @Test
    void shouldEscapeSubjectsWithSpacesSlashesAndUnicode() {
        String subject = prefix + "sensor readings/ä-value";

        int id = client.register(subject, v1);

        assertThat(client.subjects()).contains(subject);
        assertThat(client.latest(subject).id()).isEqualTo(id);
    }

    @Test
    void shouldRoundTripAndEvolveRecordsThroughApicurio() {
        String topic = prefix + "features";
        ConfluentAvroSerializer<GenericRecord> generic = new ConfluentAvroSerializer<>(client, true);
        ConfluentAvroSerializer<FeatureRecord> specific = new ConfluentAvroSerializer<>(client, true);
        ConfluentAvroDeserializer<FeatureRecord> reader = ConfluentAvroDeserializer.specific(
                new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl())), FeatureRecord.class);

        byte[] old = generic.serialize(topic, new GenericRecordBuilder(SampleRecords.olderFeatureSchema())
                .set("id", "v1").set("features", List.of(9f)).build());
        byte[] current = specific.serialize(topic, featureRecord("v2"));

        assertThat(client.versions(topic + "-value")).containsExactly(1, 2);
        FeatureRecord fromOld = reader.deserialize(topic, old);
        assertThat(fromOld.getId()).isEqualTo("v1");
        assertThat(fromOld.getFeatures()).containsExactly(9f);
        assertThat(fromOld.getAttributes()).isEmpty();
        assertThat(reader.deserialize(topic, current)).isEqualTo(featureRecord("v2"));
    }

    @Test
    void shouldTurnAnIdApicurioDoesNotKnowIntoADecodingFailure() {
        byte[] bytes = ConfluentWireFormat.frame(876_543, new byte[] {2, 'x', 0, 0, 0});

        assertThatThrownBy(() -> ConfluentAvroDeserializer.specific(client, FeatureRecord.class).deserialize("t", bytes))
                .asInstanceOf(throwable(RecordDecodingException.class))
                .satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
                    assertThat(e.schemaId()).hasValue(876_543);
                });
    }

    @Test
    void shouldFailLoudlyWhenTheUrlIsNotTheConfluentApi() {
        SchemaRegistryClient wrongUrl = new SchemaRegistryClient(RegistryConfig.of(apicurio.baseUrl()));
        byte[] bytes = ConfluentWireFormat.frame(1, new byte[] {2, 'x', 0, 0, 0});

        // Without /apis/ccompat/v7 Apicurio answers 404 with error_code 0: not "unknown schema", so the
        // deserializer must not dead-letter the record but report the misconfiguration.
        assertThatThrownBy(() -> ConfluentAvroDeserializer.specific(wrongUrl, FeatureRecord.class).deserialize("t", bytes))
                .isExactlyInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("GET " + apicurio.baseUrl() + "/schemas/ids/1")
                .hasMessageContaining("HTTP 404");
    }
}
