package io.embedstream.dev.registry;

import static io.embedstream.testing.SampleRecords.featureRecord;
import static io.embedstream.testing.SampleRecords.simpleSchema;
import static io.embedstream.testing.SampleRecords.simpleSchemaWithOptionalNote;
import static io.embedstream.testing.SampleRecords.simpleSchemaWithRequiredExtra;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.RegistryConfig;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.ConfluentWireFormat;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.testing.ConfluentOracle;
import io.embedstream.testing.ConfluentOracle.Version;
import org.apache.avro.Schema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Confluent's own client (7.5.3, shaded in Flink's jar) against the embedded registry. */
class EmbeddedSchemaRegistryConfluentClientTest {
    private final EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
    private final ConfluentOracle confluent = new ConfluentOracle(registry.url());
    private final SchemaRegistryClient ours = new SchemaRegistryClient(RegistryConfig.of(registry.url()));
    private final Schema v1 = simpleSchema("Counter");

    @AfterEach
    void close() throws Exception {
        confluent.close();
        registry.close();
    }

    @Test
    void shouldRegisterAndFetchByIdWithConfluentsClient() throws Exception {
        int id = confluent.register("counters-value", v1);

        assertThat(confluent.register("counters-value", v1)).isEqualTo(id);
        assertThat(confluent.schemaById(id)).isEqualTo(v1);
        assertThat(confluent.id("counters-value", v1)).isEqualTo(id);
        assertThat(ours.register("counters-value", v1)).isEqualTo(id);
        assertThat(registry.store().schemaById(id)).isEqualTo(v1);
    }

    @Test
    void shouldReportTheLatestVersionToConfluentsClient() throws Exception {
        ours.register("counters-value", v1);
        int id2 = ours.register("counters-value", simpleSchemaWithOptionalNote("Counter"));

        Version latest = confluent.latest("counters-value");

        assertThat(latest.id()).isEqualTo(id2);
        assertThat(latest.version()).isEqualTo(2);
        assertThat(new Schema.Parser().parse(latest.schema())).isEqualTo(simpleSchemaWithOptionalNote("Counter"));
    }

    @Test
    void shouldAnswerConfluentsCompatibilityChecks() throws Exception {
        confluent.register("counters-value", v1);

        assertThat(confluent.testCompatibility("counters-value", simpleSchemaWithOptionalNote("Counter"))).isTrue();
        assertThat(confluent.testCompatibility("counters-value", simpleSchemaWithRequiredExtra("Counter"))).isFalse();
        assertThat(confluent.client().testCompatibilityVerbose("counters-value",
                new org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema(
                        simpleSchemaWithRequiredExtra("Counter").toString())))
                .singleElement().asString().contains("extra");
        assertThatThrownBy(() -> confluent.register("counters-value", simpleSchemaWithRequiredExtra("Counter")))
                .isInstanceOf(RestClientException.class)
                .satisfies(e -> {
                    assertThat(((RestClientException) e).getStatus()).isEqualTo(409);
                    assertThat(((RestClientException) e).getErrorCode()).isEqualTo(409);
                });
    }

    @Test
    void shouldGiveConfluentsClientItsErrorCodes() {
        assertThatThrownBy(() -> confluent.schemaById(4242))
                .isInstanceOf(RestClientException.class)
                .satisfies(e -> assertThat(((RestClientException) e).getErrorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> confluent.latest("missing-value"))
                .isInstanceOf(RestClientException.class)
                .satisfies(e -> assertThat(((RestClientException) e).getErrorCode()).isEqualTo(40401));
    }

    @Test
    void shouldLetConfluentDecodeWhatWeEncode() throws Exception {
        FeatureRecord record = featureRecord("ours-to-confluent");
        byte[] bytes = new ConfluentAvroSerializer<FeatureRecord>(ours, true).serialize("features", record);

        ConfluentOracle.Decoded decoded = confluent.decode(bytes);

        assertThat(decoded.writerSchema()).isEqualTo(FeatureRecord.getClassSchema());
        assertThat(decoded.as(FeatureRecord.class)).isEqualTo(record);
    }

    @Test
    void shouldDecodeWhatConfluentEncodes() throws Exception {
        FeatureRecord record = featureRecord("confluent-to-ours");
        byte[] bytes = confluent.encode("features-value", record);

        FeatureRecord decoded = ConfluentAvroDeserializer.specific(ours, FeatureRecord.class).deserialize("features", bytes);

        assertThat(decoded).isEqualTo(record);
        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(confluent.id("features-value", FeatureRecord.getClassSchema()));
    }
}
