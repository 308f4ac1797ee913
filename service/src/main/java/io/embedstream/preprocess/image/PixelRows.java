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
 * <p>Gray and RGB images with one value per component (what ImageIO makes of JPEG, and of gray, RGB and
 * gray/RGB+alpha PNG) are read straight from the raster, 16-bit values scaled to 0..255. That is what TensorFlow's
 * decoders hand over: no colour management. Going through {@link BufferedImage#getRGB} instead would apply an
 * embedded ICC profile, and for gray images would even apply a gamma curve, because Java2D labels them with a
 * linear gray colour space although the values are gamma-encoded.
 *
 * <p>Everything else (palette images such as GIF and 8-bit BMP, packed RGB) is read through {@code getRGB}, which
 * for these is an exact lookup. Alpha is dropped, not composited (as TensorFlow's {@code decode_png(channels=3)}).
 * RGB to gray uses TensorFlow's {@code rgb_to_grayscale} weights 0.2989 R + 0.5870 G + 0.1140 B; gray to RGB
 * repeats the value.
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
        return isPlainComponents(image) ? new Components(image, channels) : new Rgb(image, channels);
    }

    /** One raster band per gray or R, G, B component (plus maybe alpha), 1 to 16 bits each. */
    static boolean isPlainComponents(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        int type = image.getRaster().getTransferType();
        if (!(cm instanceof ComponentColorModel) || (type != DataBuffer.TYPE_BYTE && type != DataBuffer.TYPE_USHORT)) {
            return false;
        }
        int colourType = cm.getColorSpace().getType();
        int colours = cm.getNumColorComponents();
        if (!((colourType == ColorSpace.TYPE_GRAY && colours == 1) || (colourType == ColorSpace.TYPE_RGB && colours == 3))) {
            return false;
        }
        int bits = cm.getComponentSize(0);
        for (int c = 1; c < colours; c++) {
            if (cm.getComponentSize(c) != bits) {
                return false;
            }
        }
        return bits >= 1 && bits <= 16 && image.getRaster().getNumBands() == cm.getNumComponents();
    }

    private static final class Components implements Source {
        private final Raster raster;
        private final int channels;
        private final int colours;
        private final int bands;
        private final boolean eightBit;
        private final double toByteScale;
        private final int[] pixels;

        Components(BufferedImage image, int channels) {
            ColorModel cm = image.getColorModel();
            this.raster = image.getRaster();
            this.channels = channels;
            this.colours = cm.getNumColorComponents();
            this.bands = raster.getNumBands();
            int bits = cm.getComponentSize(0);
            this.eightBit = bits == 8;
            this.toByteScale = 255.0 / ((1 << bits) - 1);
            this.pixels = new int[raster.getWidth() * bands];
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
            raster.getPixels(0, y, w, 1, pixels);
            for (int x = 0, p = 0; x < w; x++, p += bands) {
                if (colours == 1) {
                    float v = value(pixels[p]);
                    if (channels == 1) {
                        dst[x] = v;
                    } else {
                        dst[3 * x] = v;
                        dst[3 * x + 1] = v;
                        dst[3 * x + 2] = v;
                    }
                } else {
                    float r = value(pixels[p]);
                    float g = value(pixels[p + 1]);
                    float b = value(pixels[p + 2]);
                    if (channels == 1) {
                        dst[x] = gray(r, g, b);
                    } else {
                        dst[3 * x] = r;
                        dst[3 * x + 1] = g;
                        dst[3 * x + 2] = b;
                    }
                }
            }
        }

        private float value(int sample) {
            return eightBit ? sample : (float) (sample * toByteScale);
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
                    dst[x] = gray(r, g, b);
                } else {
                    dst[3 * x] = r;
                    dst[3 * x + 1] = g;
                    dst[3 * x + 2] = b;
                }
            }
        }
    }

    private static float gray(float r, float g, float b) {
        return 0.2989f * r + 0.5870f * g + 0.1140f * b;
    }
}
