package io.embedstream.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.embedstream.config.ConfigException;
import io.embedstream.config.Normalization;
import io.embedstream.config.Pooling;
import io.embedstream.model.FloatBatch;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Checks pooling and normalisation against a straightforward float64 reference. */
class PostprocessorTest {

    private static final double TOLERANCE = 1e-6;
    private static final int N = 3;
    private static final int H = 5;
    private static final int W = 4;
    private static final int C = 7;

    private final FloatBatch featureMap = randomBatch(new Random(42), N, H, W, C);

    @Test
    void shouldMeanPoolOverSpatialAxesLikeFloat64Reference() {
        float[][] out = new Postprocessor(Pooling.MEAN, Normalization.NONE).apply(featureMap);
        double[][] reference = referencePool(featureMap, true);
        assertClose(out, reference);
    }

    @Test
    void shouldMaxPoolOverSpatialAxesLikeFloat64Reference() {
        float[][] out = new Postprocessor(Pooling.MAX, Normalization.NONE).apply(featureMap);
        assertClose(out, referencePool(featureMap, false));
    }

    @Test
    void shouldFlattenInRowMajorOrderThenL2Normalise() {
        float[][] out = new Postprocessor(Pooling.FLATTEN, Normalization.L2).apply(featureMap);
        assertThat(out).hasDimensions(N, H * W * C);
        for (int n = 0; n < N; n++) {
            double norm = 0;
            for (int i = 0; i < H * W * C; i++) {
                norm += (double) featureMap.data()[n * H * W * C + i] * featureMap.data()[n * H * W * C + i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < H * W * C; i++) {
                assertThat((double) out[n][i]).isCloseTo(featureMap.data()[n * H * W * C + i] / norm, within(TOLERANCE));
            }
        }
    }

    @Test
    void shouldGiveUnitNormsAfterMeanPoolingAndL2() {
        float[][] out = new Postprocessor(Pooling.MEAN, Normalization.L2).apply(featureMap);
        double[][] reference = referencePool(featureMap, true);
        for (int n = 0; n < N; n++) {
            double norm = 0;
            for (double x : reference[n]) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            double outNorm = 0;
            for (int c = 0; c < C; c++) {
                assertThat((double) out[n][c]).isCloseTo(reference[n][c] / norm, within(TOLERANCE));
                outNorm += (double) out[n][c] * out[n][c];
            }
            assertThat(Math.sqrt(outNorm)).isCloseTo(1.0, within(1e-6));
        }
    }

    @Test
    void shouldKeepZeroVectorZeroUnderL2() {
        FloatBatch zeros = new FloatBatch(new float[8], new long[] {2, 4});
        float[][] out = new Postprocessor(Pooling.NONE, Normalization.L2).apply(zeros);
        assertThat(out[0]).containsOnly(0f);
        assertThat(out[1]).containsOnly(0f);
    }

    @Test
    void shouldPassRank2ThroughWithNone() {
        FloatBatch batch = new FloatBatch(new float[] {3, 4, 0, -2}, new long[] {2, 2});
        float[][] out = new Postprocessor(Pooling.NONE, Normalization.L2).apply(batch);
        assertThat(out[0]).containsExactly(new float[] {0.6f, 0.8f}, within(1e-7f));
        assertThat(out[1]).containsExactly(new float[] {0f, -1f}, within(1e-7f));
    }

    @Test
    void shouldReportDimensionAndRejectPoolingThatDoesNotFitTheLayer() {
        assertThat(new Postprocessor(Pooling.MEAN, Normalization.L2).dimension("conv", new long[] {-1, 5, 5, 64}))
                .isEqualTo(64);
        assertThat(new Postprocessor(Pooling.FLATTEN, Normalization.L2).dimension("conv", new long[] {-1, 5, 5, 64}))
                .isEqualTo(1600);
        assertThat(new Postprocessor(Pooling.NONE, Normalization.L2).dimension("dense", new long[] {-1, 128}))
                .isEqualTo(128);
        assertThatThrownBy(() -> new Postprocessor(Pooling.NONE, Normalization.L2)
                .dimension("conv2d_7", new long[] {-1, 9, 9, 64}))
                .isInstanceOf(ConfigException.class)
                .hasMessage("embedding.pooling: 'none' needs a layer of rank 2 [N, D], but layer 'conv2d_7' has shape "
                        + "[-1, 9, 9, 64]; use flatten, mean or max");
        assertThatThrownBy(() -> new Postprocessor(Pooling.MAX, Normalization.L2)
                .dimension("dense", new long[] {-1, 128}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("layer 'dense' has shape [-1, 128]; use none");
    }

    private static FloatBatch randomBatch(Random random, int... dims) {
        long[] shape = new long[dims.length];
        int size = 1;
        for (int i = 0; i < dims.length; i++) {
            shape[i] = dims[i];
            size *= dims[i];
        }
        float[] data = new float[size];
        for (int i = 0; i < size; i++) {
            data[i] = (float) (random.nextGaussian() * 3);
        }
        return new FloatBatch(data, shape);
    }

    /** Indexes [n][h][w][c] explicitly, in double precision. */
    private static double[][] referencePool(FloatBatch batch, boolean mean) {
        double[][] out = new double[N][C];
        for (int n = 0; n < N; n++) {
            for (int c = 0; c < C; c++) {
                double acc = mean ? 0 : Double.NEGATIVE_INFINITY;
                for (int h = 0; h < H; h++) {
                    for (int w = 0; w < W; w++) {
                        double x = batch.data()[((n * H + h) * W + w) * C + c];
                        acc = mean ? acc + x : Math.max(acc, x);
                    }
                }
                out[n][c] = mean ? acc / (H * W) : acc;
            }
        }
        return out;
    }

    private static void assertClose(float[][] actual, double[][] expected) {
        assertThat(actual).hasNumberOfRows(expected.length);
        for (int n = 0; n < expected.length; n++) {
            assertThat(actual[n]).hasSize(expected[n].length);
            for (int c = 0; c < expected[n].length; c++) {
                assertThat((double) actual[n][c]).as("[%d][%d]", n, c).isCloseTo(expected[n][c], within(TOLERANCE));
            }
        }
    }
}
