package io.embedstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ModelConfig;
import io.embedstream.testing.TestData;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tapped {@code dense} layer of mnist-cnn as an embedding: on the 1,000 MNIST sample digits,
 * leave-one-out 1-nearest-neighbour by cosine similarity must label at least 95% correctly.
 */
class MnistNearestNeighbourTest {

    private static final Logger log = LoggerFactory.getLogger(MnistNearestNeighbourTest.class);
    private static final int BATCH = 100;

    record Digit(float[] pixels, int label) {}

    @Test
    void shouldClassifyHeldOutDigitsByTheirNearestEmbedding() throws IOException {
        List<Digit> digits = readSample(TestData.mnistSample());
        assertThat(digits).hasSize(1000);
        float[][] embeddings = new float[digits.size()][];
        try (EmbeddingModel model = ModelLoader.load(ModelConfig.of(TestData.model("mnist-cnn"), "dense"), 1);
             InferenceSession session = model.openSession()) {
            for (int start = 0; start < digits.size(); start += BATCH) {
                int end = Math.min(digits.size(), start + BATCH);
                float[][] rows = new float[end - start][];
                for (int i = start; i < end; i++) {
                    rows[i - start] = digits.get(i).pixels();
                }
                FloatBatch out = session.run(FloatBatch.ofRows(rows, 28, 28, 1));
                for (int i = start; i < end; i++) {
                    embeddings[i] = l2Normalised(out.row(i - start));
                }
            }
        }
        int correct = 0;
        for (int i = 0; i < embeddings.length; i++) {
            int best = -1;
            double bestSimilarity = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < embeddings.length; j++) {
                if (j == i) {
                    continue;
                }
                double s = dot(embeddings[i], embeddings[j]);
                if (s > bestSimilarity) {
                    bestSimilarity = s;
                    best = j;
                }
            }
            correct += digits.get(best).label() == digits.get(i).label() ? 1 : 0;
        }
        double accuracy = correct / (double) embeddings.length;
        log.info("mnist-cnn 'dense' embeddings: leave-one-out 1-NN accuracy {} ({} / {})",
                String.format("%.3f", accuracy), correct, embeddings.length);
        assertThat(accuracy).isGreaterThanOrEqualTo(0.95);
    }

    /** Grayscale pixels scaled by 1/255, as the model was trained. */
    static List<Digit> readSample(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("labels.csv"));
        List<Digit> digits = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.split(",");
            BufferedImage image = ImageIO.read(dir.resolve(cols[0]).toFile());
            Raster raster = image.getRaster();
            float[] pixels = new float[28 * 28];
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    pixels[y * 28 + x] = raster.getSample(x, y, 0) / 255f;
                }
            }
            digits.add(new Digit(pixels, Integer.parseInt(cols[1].trim())));
        }
        return digits;
    }

    private static float[] l2Normalised(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        float[] result = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            result[i] = norm == 0 ? 0 : (float) (v[i] / norm);
        }
        return result;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
