package io.embedstream.model;

import java.util.Random;

/** Test inputs. */
public final class Batches {
    private Batches() {}

    /** Uniform [0,1) values of shape {@code [rows, *rowShape]} from a seeded generator. */
    public static FloatBatch random(long seed, int rows, long... rowShape) {
        float[] data = new float[Math.multiplyExact(rows, FloatBatch.rowLengthOf(rowShape))];
        Random r = new Random(seed);
        for (int i = 0; i < data.length; i++) {
            data[i] = r.nextFloat();
        }
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return new FloatBatch(data, shape);
    }

    /** Row {@code i} as a batch of one. */
    public static FloatBatch single(FloatBatch batch, int i) {
        long[] shape = batch.shape().clone();
        shape[0] = 1;
        return new FloatBatch(batch.row(i), shape);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }
}
