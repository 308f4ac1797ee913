package io.embedstream.postprocess;

import io.embedstream.config.ConfigException;
import io.embedstream.config.Normalization;
import io.embedstream.config.Pooling;
import io.embedstream.model.FloatBatch;
import java.util.Arrays;

/**
 * Turns a layer output into one embedding per record: pooling, then normalisation. Pure Java,
 * stateless and thread-safe.
 *
 * <p>Pooling works on outputs of shape {@code [N, d1, ..., dk, C]}: {@code mean} and {@code max} reduce the
 * inner axes {@code d1..dk} (the spatial axes H and W of a conv feature map {@code [N,H,W,C]}) and give
 * {@code [N, C]}; {@code flatten} gives {@code [N, d1*...*dk*C]}; {@code none} requires {@code [N, D]}.
 * Sums are accumulated in double precision.
 */
public final class Postprocessor {

    private final Pooling pooling;
    private final Normalization normalization;

    public Postprocessor(Pooling pooling, Normalization normalization) {
        this.pooling = pooling;
        this.normalization = normalization;
    }

    /**
     * Checks at start-up that the pooling fits the layer's static shape, and returns the embedding
     * dimension, or -1 when a needed axis is unknown until the first batch.
     *
     * @param layer      the layer name, for the error message
     * @param layerShape the layer's shape including the batch axis (-1 = unknown)
     * @throws ConfigException when the pooling cannot apply to this shape
     */
    public long dimension(String layer, long[] layerShape) {
        int rank = layerShape.length;
        String shape = Arrays.toString(layerShape);
        switch (pooling) {
            case NONE -> {
                if (rank != 2) {
                    throw new ConfigException("embedding.pooling: 'none' needs a layer of rank 2 [N, D], but layer '"
                            + layer + "' has shape " + shape + "; use flatten, mean or max");
                }
                return layerShape[1];
            }
            case MEAN, MAX -> {
                if (rank < 3) {
                    throw new ConfigException("embedding.pooling: '" + pooling + "' reduces the spatial axes of a "
                            + "layer of rank >= 3 such as [N, H, W, C], but layer '" + layer + "' has shape " + shape
                            + "; use none");
                }
                return layerShape[rank - 1];
            }
            case FLATTEN -> {
                long product = 1;
                for (int i = 1; i < rank; i++) {
                    if (layerShape[i] < 0) {
                        return -1;
                    }
                    product *= layerShape[i];
                }
                return product;
            }
            default -> throw new IllegalStateException("unknown pooling " + pooling);
        }
    }

    /** Pools and normalises every row of {@code layerOutput}; returns {@code N} embeddings. */
    public float[][] apply(FloatBatch layerOutput) {
        float[][] pooled = pool(layerOutput);
        if (normalization == Normalization.L2) {
            for (float[] row : pooled) {
                l2Normalize(row);
            }
        }
        return pooled;
    }

    private float[][] pool(FloatBatch batch) {
        long[] shape = batch.shape();
        int n = batch.rows();
        int rowLength = batch.rowLength();
        float[] data = batch.data();
        float[][] out = new float[n][];
        if (pooling == Pooling.NONE || pooling == Pooling.FLATTEN) {
            if (pooling == Pooling.NONE && shape.length != 2) {
                throw new IllegalArgumentException("pooling none needs a rank-2 batch, got " + Arrays.toString(shape));
            }
            for (int i = 0; i < n; i++) {
                out[i] = Arrays.copyOfRange(data, i * rowLength, (i + 1) * rowLength);
            }
            return out;
        }
        if (shape.length < 3) {
            throw new IllegalArgumentException("pooling " + pooling + " needs rank >= 3, got " + Arrays.toString(shape));
        }
        int channels = (int) shape[shape.length - 1];
        int positions = rowLength / channels;
        for (int i = 0; i < n; i++) {
            out[i] = pooling == Pooling.MEAN
                    ? mean(data, i * rowLength, positions, channels)
                    : max(data, i * rowLength, positions, channels);
        }
        return out;
    }

    private static float[] mean(float[] data, int offset, int positions, int channels) {
        double[] sums = new double[channels];
        for (int p = 0; p < positions; p++) {
            int base = offset + p * channels;
            for (int c = 0; c < channels; c++) {
                sums[c] += data[base + c];
            }
        }
        float[] out = new float[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = (float) (sums[c] / positions);
        }
        return out;
    }

    private static float[] max(float[] data, int offset, int positions, int channels) {
        float[] out = new float[channels];
        Arrays.fill(out, Float.NEGATIVE_INFINITY);
        for (int p = 0; p < positions; p++) {
            int base = offset + p * channels;
            for (int c = 0; c < channels; c++) {
                out[c] = Math.max(out[c], data[base + c]);
            }
        }
        return out;
    }

    /** Divides by the Euclidean norm in place; a zero vector stays zero. */
    static void l2Normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        if (sum == 0) {
            return;
        }
        double inverse = 1.0 / Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] * inverse);
        }
    }
}
