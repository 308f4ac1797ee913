package io.embedstream.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embedstream.avro.FeatureRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/** Records and schema variants shared by the serde tests. */
public final class SampleRecords {
    private SampleRecords() {}

    /** A FeatureRecord with every field set, including the logical-type event time. */
    public static FeatureRecord featureRecord(String id) {
        return FeatureRecord.newBuilder()
                .setId(id)
                .setFeatures(List.of(0.5f, -1.25f, 3.0f, 1e-6f))
                .setShape(List.of(4))
                .setAttributes(Map.of("source", "unit-test", "tenant", "t1"))
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                .build();
    }

    /** An older FeatureRecord: only {@code id} and {@code features}; the current schema adds fields with defaults. */
    public static Schema olderFeatureSchema() {
        return SchemaBuilder.record("FeatureRecord").namespace("io.embedstream.avro").fields()
                .requiredString("id")
                .name("features").type().array().items().floatType().noDefault()
                .endRecord();
    }

    /** A newer FeatureRecord: the current fields plus {@code source} and {@code weights}, both with defaults. */
    public static Schema newerFeatureSchema() {
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode schema = (ObjectNode) json.readTree(FeatureRecord.getClassSchema().toString());
            ArrayNode fields = (ArrayNode) schema.get("fields");
            fields.addObject().put("name", "source").put("type", "string").put("default", "camera-7");
            ObjectNode weights = fields.addObject().put("name", "weights");
            weights.putObject("type").put("type", "array").put("items", "double");
            weights.putArray("default");
            return new Schema.Parser().parse(schema.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A FeatureRecord without {@code features}, which the current schema requires: not readable as FeatureRecord. */
    public static Schema featureSchemaWithoutFeatures() {
        return SchemaBuilder.record("FeatureRecord").namespace("io.embedstream.avro").fields()
                .requiredString("id")
                .endRecord();
    }

    /** A simple record schema unrelated to FeatureRecord, named {@code name}. */
    public static Schema simpleSchema(String name) {
        return SchemaBuilder.record(name).namespace("io.embedstream.test").fields()
                .requiredString("key")
                .requiredLong("count")
                .endRecord();
    }

    /** {@link #simpleSchema} plus an optional {@code note} field (a BACKWARD-compatible change). */
    public static Schema simpleSchemaWithOptionalNote(String name) {
        return SchemaBuilder.record(name).namespace("io.embedstream.test").fields()
                .requiredString("key")
                .requiredLong("count")
                .name("note").type().stringType().stringDefault("none")
                .endRecord();
    }

    /** {@link #simpleSchema} plus a required {@code extra} field without default (BACKWARD-incompatible). */
    public static Schema simpleSchemaWithRequiredExtra(String name) {
        return SchemaBuilder.record(name).namespace("io.embedstream.test").fields()
                .requiredString("key")
                .requiredLong("count")
                .requiredInt("extra")
                .endRecord();
    }
}
