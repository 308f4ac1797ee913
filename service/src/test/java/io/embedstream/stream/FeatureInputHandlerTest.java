package io.embedstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.avro.FeatureRecord;
import io.embedstream.failure.FailureReason;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.testing.MapSchemaRegistry;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Feature records decoded straight into a batch's row array, for the reader's own schema and for evolved writers. */
class FeatureInputHandlerTest {

    private final MapSchemaRegistry registry = new MapSchemaRegistry();
    private final FeatureInputHandler handler = new FeatureInputHandler(
            ConfluentAvroDeserializer.specific(registry, FeatureRecord.class), new long[] {3});

    @Test
    void shouldWriteTheFeaturesIntoTheRowSlotAndLeaveTheRestOfTheArrayAlone() {
        byte[] value = new ConfluentAvroSerializer<FeatureRecord>(registry, true).serialize("in",
                FeatureRecord.newBuilder().setId("a").setFeatures(List.of(1f, 2f, 3f)).setShape(List.of(3))
                        .setAttributes(Map.of("k", "v")).setEventTime(Instant.ofEpochMilli(42)).build());
        float[] rows = new float[9];
        Arrays.fill(rows, -7f);

        DecodedInput<Void> decoded = handler.decode("in", value, rows, 3);

        assertThat(rows).containsExactly(-7f, -7f, -7f, 1f, 2f, 3f, -7f, -7f, -7f);
        assertThat(decoded.id()).isEqualTo("a");
        assertThat(decoded.attributes()).containsExactly(Map.entry("k", "v"));
        assertThat(decoded.eventTime()).isEqualTo(42L);
    }

    @Test
    void shouldReadAnEvolvedWriterSchemaThroughTheResolvingDecoder() {
        // An older producer: no shape, attributes or eventTime, but an extra field the reader does not know.
        Schema writer = new Schema.Parser().parse("""
                {"type": "record", "name": "FeatureRecord", "namespace": "io.embedstream.avro", "fields": [
                  {"name": "source", "type": "string"},
                  {"name": "features", "type": {"type": "array", "items": "float"}},
                  {"name": "id", "type": "string"}]}""");
        GenericRecord record = new GenericData.Record(writer);
        record.put("source", "sensor-9");
        record.put("features", List.of(0.5f, -0.25f, 8f));
        record.put("id", "old");
        byte[] value = new ConfluentAvroSerializer<GenericRecord>(registry, true).serialize("in", record);
        float[] rows = new float[3];

        DecodedInput<Void> decoded = handler.decode("in", value, rows, 0);

        assertThat(rows).containsExactly(0.5f, -0.25f, 8f);
        assertThat(decoded.id()).isEqualTo("old");
        assertThat(decoded.attributes()).isEmpty();
        assertThat(decoded.eventTime()).isNull();
    }

    @Test
    void shouldRejectWrongCountsShapesAndNonFiniteValuesWithoutWritingPastTheRow() {
        ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(registry, true);
        float[] rows = new float[4];
        Arrays.fill(rows, -7f);
        assertThatThrownBy(() -> handler.decode("in", serializer.serialize("in", FeatureRecord.newBuilder().setId("long")
                .setFeatures(List.of(1f, 2f, 3f, 4f)).build()), rows, 0))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.WRONG_DIMENSION))
                .hasMessage("record long has 4 features, expected 3 (model input shape [3] without the batch axis)");
        assertThat(rows[3]).as("the next row's slot is untouched").isEqualTo(-7f);
        assertThatThrownBy(() -> handler.decode("in", serializer.serialize("in", FeatureRecord.newBuilder().setId("s")
                .setFeatures(List.of(1f, 2f, 3f)).setShape(List.of(1, 3)).build()), rows, 0))
                .hasMessage("record s has shape [1, 3], expected [3] (the model input without the batch axis)");
        assertThatThrownBy(() -> handler.decode("in", serializer.serialize("in", FeatureRecord.newBuilder().setId("n")
                .setFeatures(List.of(1f, Float.NaN, 3f)).build()), rows, 0))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.NON_FINITE))
                .hasMessage("record n has feature[1] = NaN; expected finite values only");
        assertThatThrownBy(() -> handler.decode("in", new byte[] {0, 0, 0, 0, 1, 2}, rows, 0))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.UNDECODABLE));
    }
}
