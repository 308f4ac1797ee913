package io.embedstream.preprocess.image;

import java.util.Arrays;

/**
 * The image shape a model takes: one NHWC row is {@code height × width × channels} floats.
 *
 * @param channels 1 (grayscale) or 3 (RGB, or BGR with caffe scaling)
 */
public record ImageSpec(int height, int width, int channels) {
    public ImageSpec {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image channels must be 1 (grayscale) or 3 (RGB), got " + channels);
        }
    }

    /**
     * The spec for a model input of shape {@code [N, H, W, C]} (N may be -1).
     *
     * @throws IllegalArgumentException if the shape is not rank 4 with known H, W and C in {1, 3}
     */
    public static ImageSpec fromInputShape(long[] shape) {
        if (shape.length != 4 || shape[1] < 1 || shape[2] < 1 || (shape[3] != 1 && shape[3] != 3)
                || shape[1] > Integer.MAX_VALUE || shape[2] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the model input has shape " + Arrays.toString(shape)
                    + "; image-reference input needs [N, height, width, channels] with known height and width and "
                    + "1 or 3 channels");
        }
        return new ImageSpec((int) shape[1], (int) shape[2], (int) shape[3]);
    }

    /** Floats per image. */
    public int rowLength() {
        return height * width * channels;
    }

    /** {@code [H, W, C]}, the shape of one row of the batch. */
    public long[] rowShape() {
        return new long[] {height, width, channels};
    }

    @Override
    public String toString() {
        return height + "x" + width + "x" + channels;
    }
}
