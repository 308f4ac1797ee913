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

    /** Pools and normalises every row of {@code layerOutput}; returns {@code N} embeddings (copies). */
    public float[][] apply(FloatBatch layerOutput) {
        FloatBatch pooled = applyInPlace(layerOutput);
        float[][] out = new float[pooled.rows()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = pooled.row(i);
        }
        return out;
    }

    /**
     * Pools and normalises every row of {@code layerOutput} with as little copying as possible: for
     * {@code none} and {@code flatten} the result shares {@code layerOutput}'s array, normalised in place (the
     * caller must own that batch); {@code mean} and {@code max} write a new {@code [N, C]} array.
     *
     * @return the embeddings, shape {@code [N, D]}
     */
    public FloatBatch applyInPlace(FloatBatch layerOutput) {
        FloatBatch pooled = pool(layerOutput);
        if (normalization == Normalization.L2) {
            int d = pooled.rowLength();
            for (int i = 0; i < pooled.rows(); i++) {
                l2Normalize(pooled.data(), i * d, d);
            }
        }
        return pooled;
    }

    private FloatBatch pool(FloatBatch batch) {
        long[] shape = batch.shape();
        int n = batch.rows();
        int rowLength = batch.rowLength();
        float[] data = batch.data();
        if (pooling == Pooling.NONE || pooling == Pooling.FLATTEN) {
            if (pooling == Pooling.NONE && shape.length != 2) {
                throw new IllegalArgumentException("pooling none needs a rank-2 batch, got " + Arrays.toString(shape));
            }
            return shape.length == 2 ? batch : new FloatBatch(data, new long[] {n, rowLength});
        }
        if (shape.length < 3) {
            throw new IllegalArgumentException("pooling " + pooling + " needs rank >= 3, got " + Arrays.toString(shape));
        }
        int channels = (int) shape[shape.length - 1];
        int positions = channels == 0 ? 0 : rowLength / channels;
        float[] out = new float[n * channels];
        for (int i = 0; i < n; i++) {
            if (pooling == Pooling.MEAN) {
                mean(data, i * rowLength, positions, channels, out, i * channels);
            } else {
                max(data, i * rowLength, positions, channels, out, i * channels);
            }
        }
        return new FloatBatch(out, new long[] {n, channels});
    }

    private static void mean(float[] data, int offset, int positions, int channels, float[] out, int outOffset) {
        double[] sums = new double[channels];
        for (int p = 0; p < positions; p++) {
            int base = offset + p * channels;
            for (int c = 0; c < channels; c++) {
                sums[c] += data[base + c];
            }
        }
        for (int c = 0; c < channels; c++) {
            out[outOffset + c] = (float) (sums[c] / positions);
        }
    }

    private static void max(float[] data, int offset, int positions, int channels, float[] out, int outOffset) {
        Arrays.fill(out, outOffset, outOffset + channels, Float.NEGATIVE_INFINITY);
        for (int p = 0; p < positions; p++) {
            int base = offset + p * channels;
            for (int c = 0; c < channels; c++) {
                out[outOffset + c] = Math.max(out[outOffset + c], data[base + c]);
            }
        }
    }

    /** Divides {@code v[offset, offset+length)} by its Euclidean norm in place; a zero vector stays zero. */
    static void l2Normalize(float[] v, int offset, int length) {
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            sum += (double) v[i] * v[i];
        }
        if (sum == 0) {
            return;
        }
        double inverse = 1.0 / Math.sqrt(sum);
        for (int i = offset; i < offset + length; i++) {
            v[i] = (float) (v[i] * inverse);
        }
    }
}
