package io.embedstream.model;

import java.util.Arrays;

/**
 * A batch of float values in row-major order; axis 0 is the batch. A plain value with no native
 * resources, so it crosses threads and is safe to keep.
 *
 * @param data  {@code shape[0] * ... * shape[n-1]} values
 * @param shape the dimensions, all known (no -1)
 */
public record FloatBatch(float[] data, long[] shape) {
    public FloatBatch {
        if (shape.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one axis");
        }
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("unknown dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size
                    + " values, got " + data.length);
        }
    }

    /**
     * The number of values in one row of shape {@code rowShape} (the product of its dimensions).
     *
     * @throws IllegalArgumentException when a dimension is unknown (negative) or a row would exceed an array's size
     */
    public static int rowLengthOf(long... rowShape) {
        long length = 1;
        for (long d : rowShape) {
            if (d < 0) {
                throw new IllegalArgumentException("rows need a fixed shape, got " + Arrays.toString(rowShape));
            }
            length *= d;
            if (length > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a row of shape " + Arrays.toString(rowShape)
                        + " has more values than an array holds");
            }
        }
        return (int) length;
    }

    /** Stacks equal-length rows into a batch of shape {@code [rows.length, *rowShape]}. */
    public static FloatBatch ofRows(float[][] rows, long... rowShape) {
        int rowLength = rowLengthOf(rowShape);
        float[] data = new float[rows.length * rowLength];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != rowLength) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, expected "
                        + rowLength);
            }
            System.arraycopy(rows[i], 0, data, i * rowLength, rowLength);
        }
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows.length;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return new FloatBatch(data, shape);
    }

    public int rows() {
        return (int) shape[0];
    }

    /** Values per row: the product of all axes but the first. */
    public int rowLength() {
        return rows() == 0 ? 0 : data.length / rows();
    }

    /** A copy of row {@code i}. */
    public float[] row(int i) {
        int n = rowLength();
        return Arrays.copyOfRange(data, i * n, (i + 1) * n);
    }

    /** The shape of one row (all axes but the first). */
    public long[] rowShape() {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    @Override
    public String toString() {
        return "FloatBatch" + Arrays.toString(shape);
    }
}
