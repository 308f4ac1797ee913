package io.embedstream.serde;

import static io.embedstream.testing.SampleRecords.featureRecord;
import static io.embedstream.testing.SampleRecords.simpleSchema;
import static io.embedstream.testing.SampleRecords.simpleSchemaWithOptionalNote;
import static io.embedstream.testing.SampleRecords.simpleSchemaWithRequiredExtra;
import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.RegistryConfig;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.ConfluentOracle;
import io.embedstream.testing.ConfluentOracle.Version;
import io.embedstream.testing.SampleRecords;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our wire format and registry calls against Confluent's own client (7.5.3) and Flink's
 * ConfluentSchemaRegistryCoder, both talking to a real Apicurio Registry: bytes written by either side
 * decode on the other, and both sides agree on ids, versions and compatibility.
 */
class ConfluentInteropIT {
    private static ApicurioRegistry apicurio;
    private final String prefix = "interop-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final SchemaRegistryClient ours = new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl()));
    private final ConfluentOracle confluent = new ConfluentOracle(apicurio.ccompatUrl());

    @BeforeAll
    static void startRegistry() {
        apicurio = ApicurioRegistry.shared();
    }

    @AfterEach
    void close() throws Exception {
        confluent.close();
    }

    @Test
    void shouldLetConfluentDecodeWhatWeSerialize() throws Exception {
        String topic = prefix + "features";
        FeatureRecord record = featureRecord("ours-1");

        byte[] bytes = new ConfluentAvroSerializer<FeatureRecord>(ours, true).serialize(topic, record);
        ConfluentOracle.Decoded decoded = confluent.decode(bytes);

        assertThat(decoded.writerSchema()).isEqualTo(FeatureRecord.getClassSchema());
        assertThat(decoded.as(FeatureRecord.class)).isEqualTo(record);
        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(confluent.id(topic + "-value", record.getSchema()));
    }

    @Test
    void shouldLetConfluentDecodeOurEnrichedOutputRecords() throws Exception {
        EnrichedRecord record = EnrichedRecord.newBuilder()
                .setId("e-1").setAttributes(Map.of("k", "v")).setEmbedding(List.of(0.6f, 0.8f)).setDimension(2)
                .setModelName("mnist").setModelVersion("3").setLayer("dense").setPooling("none")
                .setNormalization("l2").setSourceTopic("in").setSourcePartition(4).setSourceOffset(12_345L)
                .setEventTime(null).setEmbeddedAt(Instant.ofEpochMilli(1_700_000_123_456L))
                .build();

        byte[] bytes = new ConfluentAvroSerializer<EnrichedRecord>(ours, true).serialize(prefix + "out", record);

        assertThat(confluent.decode(bytes).as(EnrichedRecord.class)).isEqualTo(record);
    }

    @Test
    void shouldDecodeWhatConfluentWrites() throws Exception {
        String topic = prefix + "features";
        FeatureRecord record = featureRecord("confluent-1");

        byte[] bytes = confluent.encode(topic + "-value", record);
        FeatureRecord decoded = ConfluentAvroDeserializer.specific(ours, FeatureRecord.class).deserialize(topic, bytes);

        assertThat(decoded).isEqualTo(record);
        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(ours.lookup(topic + "-value",
                FeatureRecord.getClassSchema()).orElseThrow().id());
    }

    @Test
    void shouldResolveAnOlderSchemaThatConfluentWrote() throws Exception {
        String topic = prefix + "legacy";
        GenericRecord old = new GenericRecordBuilder(SampleRecords.olderFeatureSchema())
                .set("id", "legacy-1").set("features", List.of(0.25f, 0.5f)).build();

        byte[] bytes = confluent.encode(topic + "-value", old);
        FeatureRecord decoded = ConfluentAvroDeserializer.specific(ours, FeatureRecord.class).deserialize(topic, bytes);

        assertThat(decoded).isEqualTo(FeatureRecord.newBuilder().setId("legacy-1").setFeatures(List.of(0.25f, 0.5f))
                .setShape(null).setAttributes(Map.of()).setEventTime(null).build());
    }

    @Test
    void shouldProduceTheSameBytesAsConfluentForGenericRecords() throws Exception {
        String topic = prefix + "generic";
        Schema schema = simpleSchema("Counter");
        GenericRecord record = new GenericRecordBuilder(schema).set("key", "k").set("count", 123_456_789L).build();

        byte[] theirs = confluent.encode(topic + "-value", record);
        byte[] mine = new ConfluentAvroSerializer<GenericRecord>(ours, true).serialize(topic, record);

        assertThat(mine).isEqualTo(theirs);
    }

    @Test
    void shouldGetTheSameIdAsConfluentForTheSameSchema() throws Exception {
        Schema schema = simpleSchema("Same" + prefix.replace("-", "_"));

        int theirs = confluent.register(prefix + "a-value", schema);
        int mine = ours.register(prefix + "a-value", schema);
        int mineElsewhere = ours.register(prefix + "b-value", schema);
        int theirsElsewhere = confluent.register(prefix + "b-value", schema);

        assertThat(mine).isEqualTo(theirs);
        assertThat(mineElsewhere).isEqualTo(theirs);
        assertThat(theirsElsewhere).isEqualTo(theirs);
        assertThat(ours.lookup(prefix + "a-value", schema).orElseThrow().id()).isEqualTo(confluent.id(prefix + "a-value", schema));
        assertThat(confluent.schemaById(mine)).isEqualTo(ours.schemaById(theirs));
    }

    @Test
    void shouldAgreeWithConfluentOnLatestVersionsAndCompatibility() throws Exception {
        String subject = prefix + "counters-value";
        confluent.register(subject, simpleSchema("Counter"));
        ours.register(subject, simpleSchemaWithOptionalNote("Counter"));

        Version theirs = confluent.latest(subject);
        RegisteredSchema mine = ours.latest(subject);

        assertThat(mine.id()).isEqualTo(theirs.id());
        assertThat(mine.version()).isEqualTo(theirs.version()).isEqualTo(2);
        assertThat(mine.schema()).isEqualTo(new Schema.Parser().parse(theirs.schema()));
        Schema breaking = simpleSchemaWithRequiredExtra("Counter");
        assertThat(ours.isCompatible(subject, breaking)).isFalse()
                .isEqualTo(confluent.testCompatibility(subject, breaking));
        Schema fine = new Schema.Parser().parse(simpleSchemaWithOptionalNote("Counter").toString()
                .replace("\"none\"", "\"n/a\""));
        assertThat(ours.isCompatible(subject, fine)).isTrue().isEqualTo(confluent.testCompatibility(subject, fine));
    }
}
