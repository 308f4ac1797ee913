package io.embedstream.embed;

import io.embedstream.failure.RecordFailure;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The embeddings of one batch, row-major in one array: row {@code i} is {@code data[i*dimension, (i+1)*dimension)},
 * or, when {@code failures[i]} is set, that row has no embedding (its values are undefined). The arrays are not
 * copied: whoever receives an instance owns it. Not thread-safe; hand it from thread to thread whole.
 *
 * @param data      {@code rows * dimension} values
 * @param dimension values per embedding (0 when every row failed)
 * @param failures  one slot per row: {@code null} for an embedded row, otherwise why it failed
 */
public record Embeddings(float[] data, int dimension, RecordFailure[] failures) {

    public int rows() {
        return failures.length;
    }

    public boolean ok(int row) {
        return failures[row] == null;
    }

    public RecordFailure failure(int row) {
        return failures[row];
    }

    /** Where row {@code row} starts in {@link #data()}. */
    public int offset(int row) {
        return row * dimension;
    }

    /**
     * One embedding as a read-only {@code List<Float>} over {@link #data()}, without copying: for Avro's
     * {@code array<float>} writers, which iterate a list. The view boxes each value as it is read.
     */
    public List<Float> asList(int row) {
        return new FloatListView(data, offset(row), dimension);
    }

    private static final class FloatListView extends AbstractList<Float> implements RandomAccess {
        private final float[] data;
        private final int offset;
        private final int size;

        FloatListView(float[] data, int offset, int size) {
            this.data = data;
            this.offset = offset;
            this.size = size;
        }

        @Override
        public Float get(int index) {
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException("index " + index + ", size " + size);
            }
            return data[offset + index];
        }

        @Override
        public int size() {
            return size;
        }
    }
}
