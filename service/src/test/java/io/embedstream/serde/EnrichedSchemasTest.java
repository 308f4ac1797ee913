package io.embedstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The derived output schema: the input record as it is, with the new fields last, evolving like the input. */
class EnrichedSchemasTest {

    private static final String V1 = """
            {"type": "record", "name": "Product", "namespace": "com.acme", "doc": "A product.",
             "aliases": ["Item"], "acme.owner": "catalog", "fields": [
              {"name": "id", "type": "string", "doc": "the id", "aliases": ["sku"]},
              {"name": "media", "type": ["null", {"type": "record", "name": "Media", "fields": [
                {"name": "image_url", "type": ["null", "string"], "default": null}]}], "default": null},
              {"name": "created", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}""";
    private static final String V2 = V1.replace("{\"name\": \"created\"",
            "{\"name\": \"brand\", \"type\": [\"null\", \"string\"], \"default\": null}, {\"name\": \"created\"");

    private static Schema parse(String text) {
        return new Schema.Parser().parse(text);
    }

    @Test
    void shouldKeepTheInputRecordAndAppendTheEmbeddingAndMetadataFields() {
        Schema input = parse(V1);

        Schema derived = EnrichedSchemas.derive(input, "embedding", "embedding_meta");

        assertThat(derived.getFullName()).isEqualTo("com.acme.Product");
        assertThat(derived.getDoc()).isEqualTo("A product.");
        assertThat(derived.getAliases()).containsExactly("com.acme.Item");
        assertThat(derived.getProp("acme.owner")).isEqualTo("catalog");
        assertThat(derived.getFields().stream().map(Schema.Field::name).toList())
                .containsExactly("id", "media", "created", "embedding", "embedding_meta");
        for (Schema.Field f : input.getFields()) {
            Schema.Field copy = derived.getField(f.name());
            assertThat(copy).isEqualTo(f);
            assertThat(copy.aliases()).isEqualTo(f.aliases());
        }
        assertThat(derived.getField("embedding").schema()).isEqualTo(Schema.createArray(Schema.create(Schema.Type.FLOAT)));
        assertThat(derived.getField("embedding").hasDefaultValue()).isFalse();
        assertThat(derived.getField("embedding_meta").schema()).isEqualTo(EnrichedSchemas.metadataSchema());
        // The derived schema parses back to itself (its text is what the registry stores).
        assertThat(parse(derived.toString())).isEqualTo(derived);
    }

    @Test
    void shouldEvolveLikeTheInputWhenTheProducerAddsAnOptionalField() {
        Schema v1 = EnrichedSchemas.derive(parse(V1), "embedding", "meta");
        Schema v2 = EnrichedSchemas.derive(parse(V2), "embedding", "meta");

        assertThat(parse(V2).getField("brand")).isNotNull();
        assertThat(v2.getFields().stream().map(Schema.Field::name).toList())
                .containsExactly("id", "media", "brand", "created", "embedding", "meta");
        // BACKWARD: a reader with the new schema reads data written with the old one.
        assertThat(AvroCompatibility.problems(CompatibilityLevel.BACKWARD, v2, List.of(v1))).isEmpty();
    }

    @Test
    void shouldRefuseToOverwriteAFieldByNameOrAliasOrToRedefineTheMetadataType() {
        Schema input = parse(V1);

        assertThat(EnrichedSchemas.clash(input, "embedding", null)).isEmpty();
        assertThat(EnrichedSchemas.clash(input, "created", null)).hasValue("com.acme.Product already has a field"
                + " 'created' of type long (timestamp-millis), and output.field is 'created'; the embedding never"
                + " overwrites a field: set output.field to a name the record does not use");
        assertThat(EnrichedSchemas.clash(input, "embedding", "sku")).hasValue("com.acme.Product already has a field"
                + " 'id' with alias 'sku' of type string, and output.metadata-field is 'sku'; set"
                + " output.metadata-field to a name the record does not use");
        Schema chained = EnrichedSchemas.derive(input, "embedding", "meta");
        assertThat(EnrichedSchemas.clash(chained, "embedding2", "meta2")).hasValue("com.acme.Product already defines"
                + " a type named io.embedstream.avro.EmbeddingMetadata, the name of the metadata record that"
                + " output.metadata-field adds");
        assertThat(EnrichedSchemas.clash(chained, "embedding2", null)).isEmpty();
        assertThat(EnrichedSchemas.clash(Schema.create(Schema.Type.STRING), "embedding", null))
                .hasValue("the input schema is string, not a record, so no field can be added to it");
        assertThatThrownBy(() -> EnrichedSchemas.derive(input, "id", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("com.acme.Product already has a field 'id'");
    }

    @Test
    void shouldDescribeTypesForMessages() {
        Schema input = parse(V1);
        assertThat(AvroTypes.describe(input.getField("media").schema()))
                .isEqualTo("union [null, record com.acme.Media]");
        assertThat(AvroTypes.describe(input.getField("created").schema())).isEqualTo("long (timestamp-millis)");
        assertThat(AvroTypes.describe(Schema.createMap(Schema.createArray(Schema.create(Schema.Type.DOUBLE)))))
                .isEqualTo("map<array<double>>");
    }
}
