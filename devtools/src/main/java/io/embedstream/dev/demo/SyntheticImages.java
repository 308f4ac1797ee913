package io.embedstream.dev.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Sample data for the demo: 28x28 grayscale images in a few classes. Each class has a prototype
 * made of random strokes; each sample is its class prototype, shifted by up to one pixel, with
 * noise. Samples of a class therefore look alike, and a useful embedding puts them close together.
 * Deterministic for a seed.
 */
public final class SyntheticImages {

    public static final int SIZE = 28;

    /** One sample: its class and its pixels in [0, 1], row-major [28, 28, 1]. */
    public record Sample(String id, int label, float[] pixels) {}

    private SyntheticImages() {}

    public static List<Sample> generate(int classes, int perClass, long seed) {
        Random random = new Random(seed);
        float[][] prototypes = new float[classes][];
        for (int c = 0; c < classes; c++) {
            prototypes[c] = prototype(random);
        }
        List<Sample> samples = new ArrayList<>(classes * perClass);
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < classes; c++) {
                int dx = random.nextInt(3) - 1;
                int dy = random.nextInt(3) - 1;
                float[] pixels = new float[SIZE * SIZE];
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        int sx = x - dx;
                        int sy = y - dy;
                        float v = sx >= 0 && sx < SIZE && sy >= 0 && sy < SIZE ? prototypes[c][sy * SIZE + sx] : 0f;
                        v += (float) (random.nextGaussian() * 0.08);
                        pixels[y * SIZE + x] = Math.max(0f, Math.min(1f, v));
                    }
                }
                samples.add(new Sample(String.format("sample-%04d", samples.size()), c, pixels));
            }
        }
        return samples;
    }

    /** A few thick random line strokes, like a hand-drawn glyph. */
    private static float[] prototype(Random random) {
        float[] img = new float[SIZE * SIZE];
        int strokes = 2 + random.nextInt(3);
        for (int s = 0; s < strokes; s++) {
            double x0 = 5 + random.nextInt(18);
            double y0 = 5 + random.nextInt(18);
            double x1 = 5 + random.nextInt(18);
            double y1 = 5 + random.nextInt(18);
            for (int t = 0; t <= 40; t++) {
                double x = x0 + (x1 - x0) * t / 40.0;
                double y = y0 + (y1 - y0) * t / 40.0;
                for (int oy = -1; oy <= 1; oy++) {
                    for (int ox = -1; ox <= 1; ox++) {
                        int px = (int) Math.round(x) + ox;
                        int py = (int) Math.round(y) + oy;
                        if (px >= 0 && px < SIZE && py >= 0 && py < SIZE) {
                            img[py * SIZE + px] = 1f;
                        }
                    }
                }
            }
        }
        return img;
    }
}
