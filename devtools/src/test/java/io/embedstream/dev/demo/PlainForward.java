package io.embedstream.dev.demo;

import java.util.Map;

/** The demo model's layers up to the embedding, in plain Java and double precision: the test oracle. */
final class PlainForward {
    private PlainForward() {}

    /** One 28x28x1 image → the 128 ReLU units of {@code embedding_layer}. */
    static double[] embedding(float[] image, Map<String, float[]> w) {
        double[] x = new double[image.length];
        for (int i = 0; i < image.length; i++) {
            x[i] = image[i];
        }
        x = convRelu(x, 28, 28, 1, w.get("conv2d/kernel"), w.get("conv2d/bias"), 32);
        x = maxPool(x, 26, 26, 32);
        x = convRelu(x, 13, 13, 32, w.get("conv2d_1/kernel"), w.get("conv2d_1/bias"), 64);
        x = maxPool(x, 11, 11, 64);
        return denseRelu(x, w.get("embedding_layer/kernel"), w.get("embedding_layer/bias"), 128);
    }

    /** 3x3 VALID convolution, NHWC input, HWIO kernel, then bias and ReLU. */
    private static double[] convRelu(double[] in, int h, int wd, int cin, float[] k, float[] b, int cout) {
        int oh = h - 2;
        int ow = wd - 2;
        double[] out = new double[oh * ow * cout];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                for (int co = 0; co < cout; co++) {
                    double s = b[co];
                    for (int ky = 0; ky < 3; ky++) {
                        for (int kx = 0; kx < 3; kx++) {
                            for (int ci = 0; ci < cin; ci++) {
                                s += in[((y + ky) * wd + (x + kx)) * cin + ci] * k[((ky * 3 + kx) * cin + ci) * cout + co];
                            }
                        }
                    }
                    out[(y * ow + x) * cout + co] = Math.max(0, s);
                }
            }
        }
        return out;
    }

    /** 2x2 max pooling, stride 2, VALID. */
    private static double[] maxPool(double[] in, int h, int wd, int c) {
        int oh = h / 2;
        int ow = wd / 2;
        double[] out = new double[oh * ow * c];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                for (int ch = 0; ch < c; ch++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            m = Math.max(m, in[((2 * y + dy) * wd + (2 * x + dx)) * c + ch]);
                        }
                    }
                    out[(y * ow + x) * c + ch] = m;
                }
            }
        }
        return out;
    }

    private static double[] denseRelu(double[] in, float[] k, float[] b, int units) {
        double[] out = new double[units];
        for (int u = 0; u < units; u++) {
            double s = b[u];
            for (int i = 0; i < in.length; i++) {
                s += in[i] * k[i * units + u];
            }
            out[u] = Math.max(0, s);
        }
        return out;
    }
}
