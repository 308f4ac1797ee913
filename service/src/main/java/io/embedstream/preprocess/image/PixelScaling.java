package io.embedstream.preprocess.image;

import io.embedstream.config.ConfigException;
import io.embedstream.config.ImageConfig;
import io.embedstream.config.Scaling;
import java.util.Arrays;
import java.util.List;

/**
 * Maps 0..255 pixel values to model input values: {@code out[c] = (v * scale - mean[c]) / std[c]}, computed in
 * double and rounded once to float (so {@code unit} gives exactly {@code v / 255f}), optionally writing the
 * channels in BGR order. Immutable and thread-safe.
 *
 * @param scale factor applied first
 * @param mean  one value per channel
 * @param std   one value per channel, all > 0
 * @param bgr   write channel 0 last and channel 2 first (caffe)
 */
public record PixelScaling(double scale, double[] mean, double[] std, boolean bgr) {

    private static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    private static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};
    private static final double[] CAFFE_MEAN_BGR = {103.939, 116.779, 123.68};

    public PixelScaling {
        if (mean.length != std.length || mean.length < 1) {
            throw new IllegalArgumentException("mean and std need one value per channel, got " + Arrays.toString(mean)
                    + " and " + Arrays.toString(std));
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * The scaling that {@code config} describes, for a model with {@code channels} channels.
     *
     * @throws ConfigException if the preset or the mean/std lengths do not fit the channel count
     */
    public static PixelScaling of(ImageConfig config, int channels) {
        Scaling preset = config.scaling();
        switch (preset) {
            case UNIT:
                return uniform(1.0 / 255.0, 0, 1, channels);
            case SYMMETRIC:
                return uniform(1.0 / 127.5, 1, 1, channels);
            case RAW:
                return uniform(config.scale(), 0, 1, channels);
            case IMAGENET:
                requireRgb(preset, channels);
                return new PixelScaling(1.0 / 255.0, IMAGENET_MEAN, IMAGENET_STD, false);
            case CAFFE:
                requireRgb(preset, channels);
                // Keras "caffe" mode: RGB -> BGR, then subtract the BGR means; the mean array is indexed by the RGB
                // channel here, so it is reversed.
                return new PixelScaling(1.0, new double[] {CAFFE_MEAN_BGR[2], CAFFE_MEAN_BGR[1], CAFFE_MEAN_BGR[0]},
                        new double[] {1, 1, 1}, true);
            case CUSTOM:
                return new PixelScaling(config.scale(), perChannel("image.mean", config.mean(), 0.0, channels),
                        perChannel("image.std", config.std(), 1.0, channels), false);
            default:
                throw new IllegalStateException("unknown scaling " + preset);
        }
    }

    /** Scales {@code hwc} (channel-interleaved, RGB or gray, values 0..255) into a new array. */
    float[] apply(float[] hwc, int channels) {
        float[] out = new float[hwc.length];
        for (int i = 0; i < hwc.length; i += channels) {
            for (int c = 0; c < channels; c++) {
                int to = bgr ? channels - 1 - c : c;
                out[i + to] = (float) ((hwc[i + c] * scale - mean[c]) / std[c]);
            }
        }
        return out;
    }

    private static PixelScaling uniform(double scale, double mean, double std, int channels) {
        double[] m = new double[channels];
        double[] s = new double[channels];
        Arrays.fill(m, mean);
        Arrays.fill(s, std);
        return new PixelScaling(scale, m, s, false);
    }

    private static void requireRgb(Scaling preset, int channels) {
        if (channels != 3) {
            throw ConfigException.invalid("image.scaling", preset, "it needs a model with 3 input channels, but the "
                    + "model takes " + channels + "; use unit, symmetric, raw or custom");
        }
    }

    private static double[] perChannel(String key, List<Double> values, double fallback, int channels) {
        double[] out = new double[channels];
        if (values.isEmpty()) {
            Arrays.fill(out, fallback);
        } else if (values.size() == 1) {
            Arrays.fill(out, values.get(0));
        } else if (values.size() == channels) {
            for (int c = 0; c < channels; c++) {
                out[c] = values.get(c);
            }
        } else {
            throw ConfigException.invalid(key, values, "the model takes " + channels + " channel(s); give 1 value or "
                    + channels);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelScaling p && p.scale == scale && Arrays.equals(p.mean, mean)
                && Arrays.equals(p.std, std) && p.bgr == bgr;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std) + Double.hashCode(scale) + (bgr ? 1 : 0);
    }

    @Override
    public String toString() {
        return "PixelScaling[scale=" + scale + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std)
                + (bgr ? ", BGR" : "") + "]";
    }
}
