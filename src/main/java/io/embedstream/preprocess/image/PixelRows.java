package io.embedstream.preprocess.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;

/**
 * Reads a decoded image one row at a time as floats in 0..255, in 1 (gray) or 3 (R, G, B) channels, so that
 * resizing never needs a second full-size copy of a large image.
 *
 * <p>Gray images (8- or 16-bit, with or without alpha) are read straight from the raster: Java2D labels them
 * with a linear gray colour space, and going through {@code getRGB} would apply a gamma curve to values that
 * are really already gamma-encoded. Everything else (RGB, palette, other colour spaces) is read through
 * {@link BufferedImage#getRGB}, which yields sRGB. Alpha is dropped, not composited (as TensorFlow's
 * {@code decode_png(channels=3)} does). RGB to gray uses TensorFlow's {@code rgb_to_grayscale} weights
 * 0.2989 R + 0.5870 G + 0.1140 B; gray to RGB repeats the value.
 */
final class PixelRows {
    private PixelRows() {}

    /** A source of rows; not thread-safe (it reuses a buffer). */
    interface Source {
        int width();

        int height();

        /** Fills {@code dst[0 .. width*channels)} with row {@code y}, channel-interleaved, values 0..255. */
        void read(int y, float[] dst);
    }

    static Source of(BufferedImage image, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        return isGray(image) ? new Gray(image, channels) : new Rgb(image, channels);
    }

    static boolean isGray(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        int type = image.getRaster().getTransferType();
        return cm instanceof ComponentColorModel
                && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && cm.getNumColorComponents() == 1
                && (type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT)
                && cm.getComponentSize(0) <= 16;
    }

    private static final class Gray implements Source {
        private final Raster raster;
        private final int channels;
        private final int bits;
        private final double toByteScale;
        private final int[] samples;

        Gray(BufferedImage image, int channels) {
            this.raster = image.getRaster();
            this.channels = channels;
            this.bits = image.getColorModel().getComponentSize(0);
            this.toByteScale = 255.0 / ((1 << bits) - 1);
            this.samples = new int[raster.getWidth()];
        }

        @Override
        public int width() {
            return raster.getWidth();
        }

        @Override
        public int height() {
            return raster.getHeight();
        }

        @Override
        public void read(int y, float[] dst) {
            int w = raster.getWidth();
            raster.getSamples(0, y, w, 1, 0, samples);
            for (int x = 0; x < w; x++) {
                float v = bits == 8 ? samples[x] : (float) (samples[x] * toByteScale);
                if (channels == 1) {
                    dst[x] = v;
                } else {
                    dst[3 * x] = v;
                    dst[3 * x + 1] = v;
                    dst[3 * x + 2] = v;
                }
            }
        }
    }

    private static final class Rgb implements Source {
        private final BufferedImage image;
        private final int channels;
        private final int[] argb;

        Rgb(BufferedImage image, int channels) {
            this.image = image;
            this.channels = channels;
            this.argb = new int[image.getWidth()];
        }

        @Override
        public int width() {
            return image.getWidth();
        }

        @Override
        public int height() {
            return image.getHeight();
        }

        @Override
        public void read(int y, float[] dst) {
            int w = image.getWidth();
            image.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                int p = argb[x];
                int r = (p >> 16) & 0xff;
                int g = (p >> 8) & 0xff;
                int b = p & 0xff;
                if (channels == 1) {
                    dst[x] = 0.2989f * r + 0.5870f * g + 0.1140f * b;
                } else {
                    dst[3 * x] = r;
                    dst[3 * x + 1] = g;
                    dst[3 * x + 2] = b;
                }
            }
        }
    }
}
