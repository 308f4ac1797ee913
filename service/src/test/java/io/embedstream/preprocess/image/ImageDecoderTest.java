package io.embedstream.preprocess.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.failure.FailureReason;
import io.embedstream.failure.ImageFailure;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {
    private static final String URI = "http://images.example.com/a.png";

    private final ImageDecoder decoder = new ImageDecoder(40_000_000L);

    private static ImageFailure failure(DecodeResult result) {
        assertThat(result).as("%s", result).isInstanceOf(DecodeResult.Failed.class);
        return ((DecodeResult.Failed) result).failure();
    }

    private static BufferedImage image(DecodeResult result) {
        assertThat(result).as("%s", result).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) result).image();
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "gif", "bmp"})
    void shouldDecodeEachSupportedFormat(String format) {
        byte[] bytes = TestImages.encode(TestImages.solid(30, 20, new Color(200, 100, 50)), format);
        DecodeResult result = decoder.decode(bytes, URI);
        BufferedImage image = image(result);
        assertThat(((DecodeResult.Decoded) result).format()).isEqualTo(format);
        assertThat(image.getWidth()).isEqualTo(30);
        assertThat(image.getHeight()).isEqualTo(20);
    }

    @Test
    void shouldRefuseBytesThatAreNotAnImage() {
        ImageFailure f = failure(decoder.decode("<html>nope</html>".getBytes(StandardCharsets.US_ASCII), URI));
        assertThat(f.reason()).isEqualTo(FailureReason.NOT_AN_IMAGE);
        assertThat(f.message()).isEqualTo("image " + URI + " is not a JPEG, PNG, GIF or BMP image (first bytes: "
                + "3c 68 74 6d 6c 3e 6e 6f)");
        assertThat(failure(decoder.decode(new byte[0], URI)).message()).contains("is empty");
    }

    @Test
    void shouldRefuseFormatsOtherThanTheFourSupported() {
        byte[] tiff = TestImages.encode(TestImages.solid(8, 8, Color.RED), "tiff");
        ImageFailure f = failure(decoder.decode(tiff, URI));
        assertThat(f.reason()).isEqualTo(FailureReason.NOT_AN_IMAGE);
        assertThat(f.message()).contains("not a JPEG, PNG, GIF or BMP");
    }

    @Test
    void shouldRefuseTruncatedImage() {
        byte[] png = TestImages.encode(TestImages.split(64, 64, Color.RED, Color.BLUE), "png");
        ImageFailure f = failure(decoder.decode(Arrays.copyOf(png, png.length / 2), URI));
        assertThat(f.reason()).isEqualTo(FailureReason.NOT_AN_IMAGE);
        assertThat(f.message()).startsWith("image " + URI + " could not be decoded as PNG");
    }

    @Test
    void shouldRejectFiftyMegapixelPngFromItsHeaderWithoutDecodingIt() {
        byte[] png = TestImages.blackGrayPng(10_000, 5_000);
        assertThat(png.length).as("a real PNG, small on disk").isLessThan(100_000);
        decoder.decode(TestImages.encode(TestImages.solid(4, 4, Color.RED), "png"), URI); // warm up ImageIO

        long start = System.nanoTime();
        ImageFailure f = failure(decoder.decode(png, URI));
        long headerMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(f.reason()).isEqualTo(FailureReason.TOO_MANY_PIXELS);
        assertThat(f.message()).isEqualTo("image " + URI
                + " has 50000000 pixels (10000x5000); the limit is image.max-pixels=40000000");
        assertThat(headerMs).isLessThan(100);

        // For contrast: the same file really decoded (limit raised) takes a 50 MB raster and far longer.
        start = System.nanoTime();
        BufferedImage full = image(new ImageDecoder(50_000_000L).decode(png, URI));
        long decodeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(full.getWidth() * (long) full.getHeight()).isEqualTo(50_000_000L);
        assertThat(decodeMs).as("full decode %d ms vs header check %d ms", decodeMs, headerMs)
                .isGreaterThan(5 * Math.max(1, headerMs));
    }

    @Test
    void shouldCheckPixelsBeforeTouchingPixelData() {
        // Signature + IHDR only, no pixel data at all: a decode attempt would fail as NOT_AN_IMAGE, so getting
        // TOO_MANY_PIXELS shows that the decision came from the header alone.
        byte[] headerOnly = TestImages.headerOnlyPng(10_000, 5_000);
        assertThat(failure(decoder.decode(headerOnly, URI)).reason()).isEqualTo(FailureReason.TOO_MANY_PIXELS);
        assertThat(failure(new ImageDecoder(50_000_000L).decode(headerOnly, URI)).reason())
                .isEqualTo(FailureReason.NOT_AN_IMAGE);
    }

    @Test
    void shouldAcceptImageExactlyAtTheLimit() {
        byte[] png = TestImages.encode(TestImages.solid(20, 10, Color.GREEN), "png");
        assertThat(image(new ImageDecoder(200).decode(png, URI)).getWidth()).isEqualTo(20);
        assertThat(failure(new ImageDecoder(199).decode(png, URI)).message())
                .contains("200 pixels (20x10)").contains("image.max-pixels=199");
    }
}
