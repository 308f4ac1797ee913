package io.embedstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.config.RegistryConfig;
import io.embedstream.config.SubjectNaming;
import io.embedstream.testing.SampleRecords;
import io.embedstream.testing.StubHttpServer;
import io.embedstream.testing.StubHttpServer.Response;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.junit.jupiter.api.Test;

/**
 * {@code registry.subject-name-strategy} gives the subjects Confluent's serializers give. Confluent's strategy
 * classes are not in the shaded test dependency, but the record name they use is Confluent's own
 * {@code AvroSchema.name()}, which is; the topic parts follow the strategies' documented shapes
 * ({@code <topic>-value}, {@code <record name>}, {@code <topic>-<record name>}).
 */
class SubjectNameStrategyTest {
    private static final String TOPIC = "grenade-embeddings";
    private static final List<Schema> SCHEMAS = List.of(
            EnrichedRecord.getClassSchema(),
            SampleRecords.simpleSchema("Counter"),
            new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Reading\",\"namespace\":\"com.example.sensors.v2\","
                    + "\"fields\":[{\"name\":\"inner\",\"type\":{\"type\":\"record\",\"name\":\"Inner\",\"fields\":[]}}]}"),
            new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"NoNamespace\",\"fields\":[]}"));

    private static String confluentRecordName(Schema schema) {
        return new AvroSchema(schema.toString()).name();
    }

    @Test
    void shouldNameSubjectsAsConfluentsSerializersDo() {
        for (Schema schema : SCHEMAS) {
            String recordName = confluentRecordName(schema);
            assertThat(SubjectNameStrategy.forValues(SubjectNaming.TOPIC).subject(TOPIC, schema))
                    .isEqualTo(TOPIC + "-value");
            assertThat(SubjectNameStrategy.forValues(SubjectNaming.RECORD).subject(TOPIC, schema))
                    .isEqualTo(recordName);
            assertThat(SubjectNameStrategy.forValues(SubjectNaming.TOPIC_RECORD).subject(TOPIC, schema))
                    .isEqualTo(TOPIC + "-" + recordName);
        }
        assertThat(SubjectNameStrategy.forValues(SubjectNaming.TOPIC_RECORD).subject(TOPIC,
                EnrichedRecord.getClassSchema())).isEqualTo("grenade-embeddings-io.embedstream.avro.EnrichedRecord");
    }

    @Test
    void shouldRefuseARecordStrategyForASchemaThatIsNotARecord() {
        Schema string = Schema.create(Schema.Type.STRING);
        assertThat(confluentRecordName(string)).as("Confluent's strategies refuse it too").isNull();

        assertThat(SubjectNameStrategy.forValues(SubjectNaming.TOPIC).subject(TOPIC, string)).isEqualTo(TOPIC + "-value");
        assertThatThrownBy(() -> SubjectNameStrategy.forValues(SubjectNaming.RECORD).subject(TOPIC, string))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("registry.subject-name-strategy record needs a record schema, but the schema is a string;"
                        + " use the topic strategy");
        assertThatThrownBy(() -> SubjectNameStrategy.forValues(SubjectNaming.TOPIC_RECORD).subject(TOPIC, string))
                .hasMessageStartingWith("registry.subject-name-strategy topic-record needs a record schema");
    }

    @Test
    void shouldRegisterTheOutputSchemaUnderTheConfiguredSubject() {
        try (StubHttpServer server = StubHttpServer.start(Response.of(200, "{\"id\":7}"))) {
            SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(server.url()));
            for (SubjectNaming naming : SubjectNaming.values()) {
                assertThat(new ConfluentAvroSerializer<EnrichedRecord>(registry, SubjectNameStrategy.forValues(naming),
                        true).schemaId(TOPIC, EnrichedRecord.getClassSchema())).isEqualTo(7);
            }

            assertThat(server.requests()).extracting(StubHttpServer.Request::path).containsExactly(
                    "/subjects/grenade-embeddings-value/versions",
                    "/subjects/io.embedstream.avro.EnrichedRecord/versions",
                    "/subjects/grenade-embeddings-io.embedstream.avro.EnrichedRecord/versions");
        }
    }
}
