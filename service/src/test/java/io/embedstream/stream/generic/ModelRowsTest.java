package io.embedstream.stream.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.config.ConfigException;
import io.embedstream.config.FieldPath;
import io.embedstream.failure.FailureReason;
import io.embedstream.stream.InvalidRecordException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.PrimitivesArrays;
import org.junit.jupiter.api.Test;

/** Row shapes from the model and input.shape, and feature arrays of every numeric type into the batch row. */
class ModelRowsTest {

    private static final FieldPath FEATURES = FieldPath.of("features");

    private static ModelRows rows(long[] modelShape, long... inputShape) {
        return ModelRows.of(FEATURES, modelShape, inputShape, spec -> null);
    }

    @Test
    void shouldTakeTheRowShapeFromTheModelOrFromInputShape() {
        assertThat(rows(new long[] {-1, 12}).rowShape()).containsExactly(12);
        assertThat(rows(new long[] {-1, 28, 28, 1}, 28, 28, 1).rowShape()).containsExactly(28, 28, 1);
        assertThat(rows(new long[] {-1, -1, -1, 3}, 64, 48, 3).rowShape()).containsExactly(64, 48, 3);
    }

    @Test
    void shouldRefuseAnInputShapeThatDoesNotFitTheModelAndAnUnknownRowShape() {
        assertThatThrownBy(() -> rows(new long[] {-1, 28, 28, 1}, 784)).isInstanceOf(ConfigException.class)
                .hasMessage("input.shape: '[784]' is not valid; it must have as many dimensions as the model input"
                        + " [-1, 28, 28, 1] without the batch axis (3)");
        assertThatThrownBy(() -> rows(new long[] {-1, 28, 28, 1}, 28, 28, 3)).isInstanceOf(ConfigException.class)
                .hasMessage("input.shape: '[28, 28, 3]' is not valid; dimension 2 must be 1 to fit the model input"
                        + " [-1, 28, 28, 1]");
        assertThatThrownBy(() -> rows(new long[] {-1, -1, -1, 3})).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("input.shape is required: the model input [-1, -1, -1, 3] has unknown"
                        + " dimensions");
    }

    @Test
    void shouldAskForAnImagePipelineOnlyForAnImageRow() {
        List<Object> asked = new java.util.ArrayList<>();
        ModelRows.of(FEATURES, new long[] {-1, 12}, new long[0], spec -> {
            asked.add(spec);
            return null;
        });
        ModelRows.of(FEATURES, new long[] {-1, -1, -1, 3}, new long[] {32, 24, 3}, spec -> {
            asked.add(spec);
            return null;
        });
        assertThat(asked).hasSize(1).first().hasToString("32x24x3");
    }

    @Test
    void shouldWriteArraysOfEveryNumericTypeIntoTheRow() {
        ModelRows rows = rows(new long[] {-1, 3});
        float[] batch = new float[9];
        Schema floats = Schema.createArray(Schema.create(Schema.Type.FLOAT));
        Schema ints = Schema.createArray(Schema.create(Schema.Type.INT));
        Schema longs = Schema.createArray(Schema.create(Schema.Type.LONG));
        Schema doubles = Schema.createArray(Schema.create(Schema.Type.DOUBLE));

        rows.writeAvro(new PrimitivesArrays.FloatArray(floats, List.of(1f, 2f, 3f)), batch, 0);
        rows.writeAvro(new PrimitivesArrays.IntArray(ints, List.of(4, 5, 6)), batch, 3);
        rows.writeAvro(new GenericData.Array<>(doubles, List.of(7.0, 8.0, 9.5)), batch, 6);
        assertThat(batch).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9.5f);

        rows.writeAvro(new PrimitivesArrays.LongArray(longs, List.of(-1L, 0L, 1L)), batch, 0);
        rows.writeAvro(new PrimitivesArrays.DoubleArray(doubles, List.of(0.25, 0.5, 0.75)), batch, 3);
        assertThat(batch).containsExactly(-1, 0, 1, 0.25f, 0.5f, 0.75f, 7, 8, 9.5f);
    }

    @Test
    void shouldRejectNonFiniteFloatsInPrimitiveArrays() {
        ModelRows rows = rows(new long[] {-1, 2});
        Schema floats = Schema.createArray(Schema.create(Schema.Type.FLOAT));

        assertThatThrownBy(() -> rows.writeAvro(new PrimitivesArrays.FloatArray(floats,
                List.of(1f, Float.POSITIVE_INFINITY)), new float[2], 0))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.NON_FINITE))
                .hasMessage("input.field 'features'[1] = Infinity; expected finite values only");
    }

    @Test
    void shouldWriteJsonNumbersAndRejectOtherElements() throws Exception {
        ModelRows rows = rows(new long[] {-1, 3});
        ObjectMapper json = new ObjectMapper();
        float[] batch = new float[3];

        rows.writeJson(json.readTree("[1, 2.5, -3e-2]"), batch, 0);

        assertThat(batch).containsExactly(1f, 2.5f, -0.03f);
        assertThatThrownBy(() -> rows.writeJson(json.readTree("[1, \"2\", 3]"), batch, 0))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.WRONG_FIELD_TYPE))
                .hasMessage("input.field 'features'[1] is a string; expected a number (the field is a feature vector)");
        assertThatThrownBy(() -> rows.writeJson(json.readTree("[1, 1e39, 3]"), batch, 0))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.NON_FINITE))
                .hasMessage("input.field 'features'[1] = 1.0E39 (beyond the float range); expected finite values only");
        assertThatThrownBy(() -> rows.writeJson(json.readTree("[1, 2]"), batch, 0))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(FailureReason.WRONG_DIMENSION))
                .hasMessage("input.field 'features' has 2 values, expected 3 (input row shape [3])");
    }
}
