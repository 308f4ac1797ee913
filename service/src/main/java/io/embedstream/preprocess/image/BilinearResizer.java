package io.embedstream.preprocess.image;

/**
 * Bilinear resampling in float, with the same arithmetic as TensorFlow 2's
 * {@code tf.image.resize(method="bilinear", antialias=False)} (half-pixel centres, edge clamping): output
 * pixel {@code i} samples source coordinate {@code (i + 0.5) * in/out - 0.5}, and the four neighbours are mixed
 * as TF mixes them (top row, bottom row, then between the two).
 *
 * <p>Like TF without antialias, downscaling by more than 2× looks only at the 2×2 neighbours of each sample
 * point (it does not average everything underneath). When the window is as large as the output the values are
 * copied unchanged.
 *
 * <p>Stateless; the reading happens through a {@link PixelRows.Source}, two source rows at a time.
 */
final class BilinearResizer {
    private BilinearResizer() {}

    /** A rectangle of the source image, in whole pixels. */
    record Window(int x, int y, int width, int height) {}

    /**
     * @return {@code outHeight * outWidth * channels} floats, row-major, channel-interleaved
     */
    static float[] resize(PixelRows.Source src, int channels, Window window, int outWidth, int outHeight) {
        float[] out = new float[outHeight * outWidth * channels];
        int srcRowLength = src.width() * channels;
        if (window.width() == outWidth && window.height() == outHeight) {
            float[] row = new float[srcRowLength];
            for (int y = 0; y < outHeight; y++) {
                src.read(window.y() + y, row);
                System.arraycopy(row, window.x() * channels, out, y * outWidth * channels, outWidth * channels);
            }
            return out;
        }
        int[] xLow = new int[outWidth];
        int[] xHigh = new int[outWidth];
        float[] xLerp = new float[outWidth];
        weights(window.width(), outWidth, xLow, xHigh, xLerp);
        int[] yLow = new int[outHeight];
        int[] yHigh = new int[outHeight];
        float[] yLerp = new float[outHeight];
        weights(window.height(), outHeight, yLow, yHigh, yLerp);

        RowCache rows = new RowCache(src, srcRowLength);
        for (int oy = 0; oy < outHeight; oy++) {
            int top = window.y() + yLow[oy];
            int bottom = window.y() + yHigh[oy];
            float[] topRow = rows.get(top, bottom);
            float[] bottomRow = rows.get(bottom, top);
            float dy = yLerp[oy];
            int o = oy * outWidth * channels;
            for (int ox = 0; ox < outWidth; ox++) {
                int left = (window.x() + xLow[ox]) * channels;
                int right = (window.x() + xHigh[ox]) * channels;
                float dx = xLerp[ox];
                for (int c = 0; c < channels; c++) {
                    float topLeft = topRow[left + c];
                    float topRight = topRow[right + c];
                    float bottomLeft = bottomRow[left + c];
                    float bottomRight = bottomRow[right + c];
                    float t = topLeft + (topRight - topLeft) * dx;
                    float b = bottomLeft + (bottomRight - bottomLeft) * dx;
                    out[o++] = t + (b - t) * dy;
                }
            }
        }
        return out;
    }

    /** Two source rows; enough because the rows needed never go back up as the output row advances. */
    private static final class RowCache {
        private final PixelRows.Source src;
        private final float[][] buffers;
        private final int[] held = {-1, -1};

        RowCache(PixelRows.Source src, int rowLength) {
            this.src = src;
            this.buffers = new float[2][rowLength];
        }

        /** Row {@code y}, reading it into the slot that does not hold row {@code keep} if needed. */
        float[] get(int y, int keep) {
            for (int i = 0; i < 2; i++) {
                if (held[i] == y) {
                    return buffers[i];
                }
            }
            int slot = held[0] == keep ? 1 : 0;
            src.read(y, buffers[slot]);
            held[slot] = y;
            return buffers[slot];
        }
    }

    /** TF's {@code compute_interpolation_weights} with {@code HalfPixelScaler}, in float as TF computes it. */
    private static void weights(int in, int out, int[] low, int[] high, float[] lerp) {
        float scale = (float) in / (float) out;
        for (int i = 0; i < out; i++) {
            float position = ((float) i + 0.5f) * scale - 0.5f;
            float floor = (float) Math.floor(position);
            low[i] = Math.max((int) floor, 0);
            high[i] = Math.min((int) Math.ceil(position), in - 1);
            lerp[i] = position - floor;
        }
    }
}
