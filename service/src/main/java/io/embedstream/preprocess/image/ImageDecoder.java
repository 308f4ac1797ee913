package io.embedstream.preprocess.image;

import io.embedstream.failure.FailureReason;
import io.embedstream.failure.ImageFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG, PNG, GIF and BMP bytes with the JDK's ImageIO, guarding against decompression bombs.
 *
 * <p>Why ImageIO: it ships with the JDK (no native code, no second TensorFlow session just to decode), it sniffs
 * the format from the bytes, and its {@link ImageReader} reads width and height from the header alone. The
 * decoder asks for those first and refuses the image when {@code width * height > image.max-pixels}, before any
 * pixel buffer is allocated: a 50-megapixel PNG of a few kilobytes costs a header read, not 200 MB.
 *
 * <p>Other formats ImageIO knows (TIFF, WBMP) are refused as NOT_AN_IMAGE. Only the first frame of a GIF is read.
 * CMYK/YCCK JPEGs are not supported by ImageIO and fail as NOT_AN_IMAGE. The in-memory stream avoids ImageIO's
 * temporary-file cache.
 *
 * <p>Thread-safe and stateless: every call creates and disposes its own reader.
 */
public final class ImageDecoder {
    private static final Map<String, String> FORMATS = Map.of("png", "png", "jpeg", "jpeg", "jpg", "jpeg",
            "gif", "gif", "bmp", "bmp");

    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be >= 1, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    /**
     * @param bytes  the image file's contents; not modified
     * @param source how messages name the image (its URI)
     */
    public DecodeResult decode(byte[] bytes, String source) {
        String label = "image " + source;
        if (bytes.length == 0) {
            return failed(FailureReason.NOT_AN_IMAGE, source, label + " is empty (0 bytes); expected a JPEG, PNG, GIF or BMP image");
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Found found = readerFor(in);
            if (found == null) {
                return failed(FailureReason.NOT_AN_IMAGE, source, label + " is not a JPEG, PNG, GIF or BMP image "
                        + "(first bytes: " + hex(bytes) + ")");
            }
            ImageReader reader = found.reader();
            String format = found.format();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);   // header only
                int height = reader.getHeight(0); // header only
                if (width <= 0 || height <= 0) {
                    return failed(FailureReason.NOT_AN_IMAGE, source, label + " declares size " + width + "x" + height
                            + "; expected a positive width and height");
                }
                long pixels = (long) width * height;
                if (pixels > maxPixels) {
                    return failed(FailureReason.TOO_MANY_PIXELS, source, label + " has " + pixels + " pixels ("
                            + width + "x" + height + "); the limit is image.max-pixels=" + maxPixels);
                }
                return new DecodeResult.Decoded(reader.read(0), format);
            } catch (IOException | RuntimeException e) {
                return failed(FailureReason.NOT_AN_IMAGE, source, label + " could not be decoded as "
                        + format.toUpperCase(Locale.ROOT) + " (" + e.getMessage() + ")");
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            return failed(FailureReason.IO_ERROR, source, label + ": " + e);
        }
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** The first ImageIO reader for one of the four supported formats that recognises the bytes. */
    private static Found readerFor(ImageInputStream in) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        Found found = null;
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            String name;
            try {
                name = r.getFormatName().toLowerCase(Locale.ROOT);
            } catch (IOException e) {
                name = "";
            }
            if (found == null && FORMATS.containsKey(name)) {
                found = new Found(r, FORMATS.get(name));
            } else {
                r.dispose();
            }
        }
        return found;
    }

    private record Found(ImageReader reader, String format) {}

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xff));
        }
        return sb.toString();
    }

    private static DecodeResult failed(FailureReason reason, String source, String message) {
        return new DecodeResult.Failed(ImageFailure.of(reason, source, message));
    }
}
