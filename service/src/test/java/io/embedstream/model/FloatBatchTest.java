package io.embedstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FloatBatchTest {

    @Test
    void rowLengthIsTheProductOfTheRowShape() {
        assertThat(FloatBatch.rowLengthOf(28, 28, 1)).isEqualTo(784);
        assertThat(FloatBatch.rowLengthOf(175, 175, 3)).isEqualTo(91_875);
        assertThat(FloatBatch.rowLengthOf()).as("a scalar row").isEqualTo(1);
    }

    @Test
    void rowLengthRefusesUnknownAndOversizedShapes() {
        assertThatThrownBy(() -> FloatBatch.rowLengthOf(-1, 28)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rows need a fixed shape, got [-1, 28]");
        assertThatThrownBy(() -> FloatBatch.rowLengthOf(65_536, 65_536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a row of shape [65536, 65536] has more values than an array holds");
    }

    @Test
    void ofRowsStacksRowsAndChecksTheirLength() {
        FloatBatch batch = FloatBatch.ofRows(new float[][] {{1, 2, 3, 4}, {5, 6, 7, 8}}, 2, 2);

        assertThat(batch.shape()).containsExactly(2, 2, 2);
        assertThat(batch.data()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThatThrownBy(() -> FloatBatch.ofRows(new float[][] {{1, 2, 3}}, 2, 2))
                .hasMessage("row 0 has 3 values, expected 4");
    }
}
