package io.embedstream.preprocess.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.embedstream.config.ConfigException;
import io.embedstream.config.ImageConfig;
import io.embedstream.config.ResizeMode;
import io.embedstream.config.Scaling;
import io.embedstream.model.FloatBatch;
import java.awt.Color;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ImagePreprocessorTest {
    private static final ImageSpec FLOWERS = new ImageSpec(175, 175, 3);
    private final ImageDecoder decoder = new ImageDecoder(40_000_000L);

    private static BufferedImage gray(int[][] values) {
        BufferedImage image = new BufferedImage(values[0].length, values.length, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = image.getRaster();
        for (int y = 0; y < values.length; y++) {
            for (int x = 0; x < values[0].length; x++) {
                r.setSample(x, y, 0, values[y][x]);
            }
        }
        return image;
    }

    private static ImagePreprocessor preprocessor(ImageSpec spec, ResizeMode resize, Scaling scaling) {
        return ImagePreprocessor.of(ImageConfig.builder().resize(resize).scaling(scaling).build(), spec);
    }

    private BufferedImage decode(byte[] bytes) {
        return ((DecodeResult.Decoded) decoder.decode(bytes, "test")).image();
    }

    @Test
    void shouldUpscaleLikeTensorFlowBilinearWithHalfPixelCentres() {
        // tf.image.resize([[0,100],[200,40]], [4,4], "bilinear") gives these values (antialias has no effect when
        // upscaling): each output pixel samples (i + 0.5) / 2 - 0.5, clamped at the edges.
        float[] row = preprocessor(new ImageSpec(4, 4, 1), ResizeMode.STRETCH, Scaling.RAW)
                .toRow(gray(new int[][] {{0, 100}, {200, 40}}));
        assertThat(row).containsExactly(
                0f, 25f, 75f, 100f,
                50f, 58.75f, 76.25f, 85f,
                150f, 126.25f, 78.75f, 55f,
                200f, 160f, 80f, 40f);
    }

    @Test
    void shouldDownscaleByTwoToTheMeanOfEachTwoByTwoBlock() {
        float[] row = preprocessor(new ImageSpec(2, 2, 1), ResizeMode.STRETCH, Scaling.RAW).toRow(gray(new int[][] {
                {0, 10, 100, 110},
                {20, 30, 120, 130},
                {200, 210, 50, 50},
                {220, 230, 50, 50}}));
        assertThat(row).containsExactly(15f, 115f, 215f, 50f);
    }

    @Test
    void shouldCopyPixelsUnchangedWhenTheSizeAlreadyMatches() {
        Random random = new Random(7);
        int[][] values = new int[28][28];
        for (int[] r : values) {
            for (int x = 0; x < r.length; x++) {
                r[x] = random.nextInt(256);
            }
        }
        float[] row = preprocessor(new ImageSpec(28, 28, 1), ResizeMode.FIT, Scaling.UNIT).toRow(gray(values));
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertThat(row[y * 28 + x]).isEqualTo(values[y][x] / 255f);
            }
        }
    }

    @Test
    void shouldComputeFitWindowLikeKerasSmartResize() {
        assertThat(ImagePreprocessor.fitWindow(400, 300, 175, 175)).isEqualTo(new BilinearResizer.Window(50, 0, 300, 300));
        assertThat(ImagePreprocessor.fitWindow(300, 400, 175, 175)).isEqualTo(new BilinearResizer.Window(0, 50, 300, 300));
        assertThat(ImagePreprocessor.fitWindow(640, 480, 224, 112)).isEqualTo(new BilinearResizer.Window(0, 80, 640, 320));
        assertThat(ImagePreprocessor.fitWindow(50, 50, 175, 175)).isEqualTo(new BilinearResizer.Window(0, 0, 50, 50));
    }

    @ParameterizedTest
    @EnumSource(ResizeMode.class)
    void shouldKeepASolidColourJpegThatColour(ResizeMode mode) {
        Color colour = new Color(30, 140, 220);
        for (int[] size : new int[][] {{320, 240}, {100, 300}, {1000, 600}, {60, 60}}) {
            BufferedImage image = decode(TestImages.encode(TestImages.solid(size[0], size[1], colour), "jpeg"));
            float[] row = preprocessor(FLOWERS, mode, Scaling.UNIT).toRow(image);
            assertThat(row).hasSize(175 * 175 * 3);
            for (int i = 0; i < row.length; i += 3) {
                assertThat(row[i]).isCloseTo(30 / 255f, within(0.02f));
                assertThat(row[i + 1]).isCloseTo(140 / 255f, within(0.02f));
                assertThat(row[i + 2]).isCloseTo(220 / 255f, within(0.02f));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ResizeMode.class)
    void shouldKeepTheSplitOfAHalfRedHalfBlueJpeg(ResizeMode mode) {
        for (int[] size : new int[][] {{400, 300}, {300, 400}, {640, 200}}) {
            BufferedImage image = decode(TestImages.encode(TestImages.split(size[0], size[1], Color.RED, Color.BLUE), "jpeg"));
            float[] row = preprocessor(FLOWERS, mode, Scaling.UNIT).toRow(image);
            for (int y = 0; y < 175; y += 7) {
                for (int x = 0; x < 175; x++) {
                    int i = (y * 175 + x) * 3;
                    if (x < 80) {
                        assertThat(row[i]).as("red at x=%d (%s, %s)", x, mode, size[0]).isGreaterThan(0.85f);
                        assertThat(row[i + 2]).as("blue at x=%d", x).isLessThan(0.15f);
                    } else if (x > 95) {
                        assertThat(row[i]).as("red at x=%d", x).isLessThan(0.15f);
                        assertThat(row[i + 2]).as("blue at x=%d", x).isGreaterThan(0.85f);
                    }
                }
            }
        }
    }

    @Test
    void shouldConvertColourToGrayWithTensorFlowWeights() {
        BufferedImage image = TestImages.solid(3, 3, new Color(100, 150, 200));
        float[] row = preprocessor(new ImageSpec(3, 3, 1), ResizeMode.STRETCH, Scaling.RAW).toRow(image);
        assertThat(row[4]).isCloseTo(0.2989f * 100 + 0.587f * 150 + 0.114f * 200, within(1e-3f));
    }

    @Test
    void shouldRepeatGrayIntoThreeChannelsAndReadGrayRasterAsIs() {
        float[] row = preprocessor(new ImageSpec(1, 2, 3), ResizeMode.STRETCH, Scaling.RAW)
                .toRow(gray(new int[][] {{128, 7}}));
        // Going through getRGB would gamma-convert Java2D's "linear" gray; the raster value must come through as is.
        assertThat(row).containsExactly(128f, 128f, 128f, 7f, 7f, 7f);
    }

    @Test
    void shouldReadRgbComponentsWithoutColourManagementLikeTensorFlow() {
        // An RGB image in a non-sRGB colour space (as ImageIO makes for a JPEG/PNG with an embedded ICC profile):
        // getRGB would convert to sRGB; TF's decoders ignore the profile, so the raw values must come through.
        ColorSpace linear = ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB);
        ComponentColorModel cm = new ComponentColorModel(linear, false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        BufferedImage image = new BufferedImage(cm, cm.createCompatibleWritableRaster(1, 1), false, null);
        image.getRaster().setPixel(0, 0, new int[] {100, 150, 200});
        assertThat(image.getRGB(0, 0) & 0xffffff).as("getRGB would change the values").isNotEqualTo(0x6496c8);
        float[] row = preprocessor(new ImageSpec(1, 1, 3), ResizeMode.STRETCH, Scaling.RAW).toRow(image);
        assertThat(row).containsExactly(100f, 150f, 200f);
    }

    @Test
    void shouldReadPaletteImagesThroughTheirPalette() {
        BufferedImage decoded = decode(TestImages.encode(TestImages.split(8, 4, new Color(10, 20, 30),
                new Color(200, 100, 50)), "gif"));
        assertThat(decoded.getColorModel()).isInstanceOf(IndexColorModel.class);
        float[] row = preprocessor(new ImageSpec(4, 8, 3), ResizeMode.STRETCH, Scaling.RAW).toRow(decoded);
        assertThat(Arrays.copyOfRange(row, 0, 3)).containsExactly(10f, 20f, 30f);
        assertThat(Arrays.copyOfRange(row, 21, 24)).containsExactly(200f, 100f, 50f);
    }

    @Test
    void shouldScaleSixteenBitGrayToTheByteRange() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        image.getRaster().setSample(0, 0, 0, 65535);
        image.getRaster().setSample(1, 0, 0, 257 * 100);
        BufferedImage decoded = decode(TestImages.encode(image, "png"));
        float[] row = preprocessor(new ImageSpec(1, 2, 1), ResizeMode.STRETCH, Scaling.UNIT).toRow(decoded);
        assertThat(row[0]).isEqualTo(1f);
        assertThat(row[1]).isCloseTo(100 / 255f, within(1e-6f));
    }

    @Test
    void shouldDropAlpha() {
        BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x200a141e); // alpha 0x20, rgb (10, 20, 30)
        BufferedImage decoded = decode(TestImages.encode(image, "png"));
        float[] row = preprocessor(new ImageSpec(1, 1, 3), ResizeMode.STRETCH, Scaling.RAW).toRow(decoded);
        assertThat(row).containsExactly(10f, 20f, 30f);
    }

    @Test
    void shouldApplyEachScalingPreset() {
        BufferedImage pixel = TestImages.solid(1, 1, new Color(10, 128, 250));
        ImageSpec rgb = new ImageSpec(1, 1, 3);
        assertThat(preprocessor(rgb, ResizeMode.STRETCH, Scaling.UNIT).toRow(pixel))
                .containsExactly(10 / 255f, 128 / 255f, 250 / 255f);
        assertThat(preprocessor(rgb, ResizeMode.STRETCH, Scaling.RAW).toRow(pixel)).containsExactly(10f, 128f, 250f);
        assertThat(preprocessor(rgb, ResizeMode.STRETCH, Scaling.SYMMETRIC).toRow(pixel))
                .usingComparatorWithPrecision(1e-6f).containsExactly(10 / 127.5f - 1, 128 / 127.5f - 1, 250 / 127.5f - 1);
        assertThat(preprocessor(rgb, ResizeMode.STRETCH, Scaling.IMAGENET).toRow(pixel))
                .usingComparatorWithPrecision(1e-6f).containsExactly(
                        (10 / 255f - 0.485f) / 0.229f, (128 / 255f - 0.456f) / 0.224f, (250 / 255f - 0.406f) / 0.225f);
        assertThat(preprocessor(rgb, ResizeMode.STRETCH, Scaling.CAFFE).toRow(pixel)).as("BGR order")
                .usingComparatorWithPrecision(1e-4f).containsExactly(250 - 103.939f, 128 - 116.779f, 10 - 123.68f);

        ImageConfig custom = ImageConfig.builder().scaling(Scaling.CUSTOM).scale(1 / 255.0).mean(List.of(0.5))
                .std(List.of(0.25, 0.5, 1.0)).build();
        assertThat(ImagePreprocessor.of(custom, rgb).toRow(pixel)).usingComparatorWithPrecision(1e-6f)
                .containsExactly((10 / 255f - 0.5f) / 0.25f, (128 / 255f - 0.5f) / 0.5f, (250 / 255f - 0.5f));
        ImageConfig rawScaled = ImageConfig.builder().scaling(Scaling.RAW).scale(0.00392156862745098).build();
        assertThat(ImagePreprocessor.of(rawScaled, rgb).toRow(pixel))
                .as("raw with --scale 1/255 equals unit").containsExactly(10 / 255f, 128 / 255f, 250 / 255f);
    }

    @Test
    void shouldGiveExactlyPixelOver255ForUnitScaling() {
        int[][] all = new int[16][16];
        for (int v = 0; v < 256; v++) {
            all[v / 16][v % 16] = v;
        }
        float[] row = preprocessor(new ImageSpec(16, 16, 1), ResizeMode.STRETCH, Scaling.UNIT).toRow(gray(all));
        for (int v = 0; v < 256; v++) {
            assertThat(row[v]).isEqualTo(v / 255f);
        }
    }

    @Test
    void shouldRefuseScalingThatDoesNotFitTheChannelCount() {
        ImageSpec grayModel = new ImageSpec(28, 28, 1);
        assertThatThrownBy(() -> ImagePreprocessor.of(ImageConfig.builder().scaling(Scaling.IMAGENET).build(), grayModel))
                .isInstanceOf(ConfigException.class).hasMessageContaining("image.scaling")
                .hasMessageContaining("3 input channels");
        assertThatThrownBy(() -> ImagePreprocessor.of(ImageConfig.builder().scaling(Scaling.CUSTOM)
                .mean(List.of(1.0, 2.0, 3.0)).build(), grayModel))
                .isInstanceOf(ConfigException.class).hasMessageContaining("image.mean")
                .hasMessageContaining("1 channel");
    }

    @Test
    void shouldStackRowsIntoAnNhwcBatch() {
        ImagePreprocessor p = preprocessor(FLOWERS, ResizeMode.FIT, Scaling.UNIT);
        float[] a = p.toRow(TestImages.solid(200, 100, Color.RED));
        float[] b = p.toRow(TestImages.solid(100, 200, Color.BLUE));
        FloatBatch batch = p.toBatch(List.of(a, b));
        assertThat(batch.shape()).containsExactly(2, 175, 175, 3);
        assertThat(batch.row(1)).isEqualTo(b);
    }

    @Test
    void shouldDeriveSpecFromModelInputShape() {
        assertThat(ImageSpec.fromInputShape(new long[] {-1, 175, 175, 3})).isEqualTo(FLOWERS);
        assertThatThrownBy(() -> ImageSpec.fromInputShape(new long[] {-1, 12}))
                .hasMessageContaining("[-1, 12]").hasMessageContaining("[N, height, width, channels]");
        assertThatThrownBy(() -> ImageSpec.fromInputShape(new long[] {-1, -1, -1, 3}))
                .hasMessageContaining("known height and width");
    }
}
