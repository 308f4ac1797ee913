package io.embedstream.preprocess.image;

import io.embedstream.config.ConfigException;
import io.embedstream.config.ImageConfig;
import io.embedstream.config.ResizeMode;
import io.embedstream.model.FloatBatch;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * Turns a decoded image into one NHWC model-input row: channels (gray or RGB, from the model's input), resize
 * to the model's height and width, then pixel scaling. Pure Java (Java2D only to read pixels); no TensorFlow.
 *
 * <ul>
 *   <li>Channels: see {@link PixelRows} (gray read from the raster as is; colour via sRGB; alpha dropped).</li>
 *   <li>Resize: {@link BilinearResizer}, TF-compatible bilinear in float. {@code stretch} resizes the whole image;
 *       {@code fit} first takes the largest centred crop with the target's aspect ratio (Keras
 *       {@code smart_resize}'s integer crop box), then resizes it. When the size already matches, pixels are copied,
 *       so a 28×28 grayscale PNG with unit scaling gives exactly {@code pixel / 255}.</li>
 *   <li>Scaling: {@link PixelScaling}.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class ImagePreprocessor {
    private final ImageSpec target;
    private final ResizeMode resize;
    private final PixelScaling scaling;

    public ImagePreprocessor(ImageSpec target, ResizeMode resize, PixelScaling scaling) {
        this.target = Objects.requireNonNull(target, "target");
        this.resize = Objects.requireNonNull(resize, "resize");
        this.scaling = Objects.requireNonNull(scaling, "scaling");
        if (scaling.mean().length != target.channels()) {
            throw new IllegalArgumentException("scaling has " + scaling.mean().length + " channels, the target "
                    + target);
        }
    }

    /**
     * @throws ConfigException if the scaling configuration does not fit the model's channel count
     */
    public static ImagePreprocessor of(ImageConfig config, ImageSpec target) {
        return new ImagePreprocessor(target, config.resize(), PixelScaling.of(config, target.channels()));
    }

    /** One row of {@code target.rowLength()} floats, NHWC order without N. */
    public float[] toRow(BufferedImage image) {
        PixelRows.Source source = PixelRows.of(image, target.channels());
        BilinearResizer.Window window = resize == ResizeMode.FIT
                ? fitWindow(image.getWidth(), image.getHeight(), target.width(), target.height())
                : new BilinearResizer.Window(0, 0, image.getWidth(), image.getHeight());
        float[] pixels = BilinearResizer.resize(source, target.channels(), window, target.width(), target.height());
        return scaling.apply(pixels, target.channels());
    }

    /** Stacks rows from {@link #toRow} into a {@code [N, H, W, C]} batch. */
    public FloatBatch toBatch(List<float[]> rows) {
        return FloatBatch.ofRows(rows.toArray(float[][]::new), target.rowShape());
    }

    public ImageSpec target() {
        return target;
    }

    /**
     * The largest centred window of the source with the target's aspect ratio, computed as Keras
     * {@code smart_resize} computes its crop box.
     */
    static BilinearResizer.Window fitWindow(int width, int height, int targetWidth, int targetHeight) {
        int cropHeight = (int) Math.min(height, (long) ((float) ((long) width * targetHeight) / targetWidth));
        int cropWidth = (int) Math.min(width, (long) ((float) ((long) height * targetWidth) / targetHeight));
        cropHeight = Math.max(1, cropHeight);
        cropWidth = Math.max(1, cropWidth);
        int top = (int) ((float) (height - cropHeight) / 2);
        int left = (int) ((float) (width - cropWidth) / 2);
        return new BilinearResizer.Window(left, top, cropWidth, cropHeight);
    }
}
