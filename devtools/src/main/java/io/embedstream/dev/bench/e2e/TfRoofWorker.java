package io.embedstream.dev.bench.e2e;

import io.embedstream.config.AppConfig;
import io.embedstream.dev.bench.BenchRuns;
import io.embedstream.embed.Embedder;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelLoader;
import io.embedstream.postprocess.Postprocessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.tensorflow.TensorFlow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The TF roof: the Kafka-free {@link Embedder} (one {@code session.run}, then pooling and normalisation) on random
 * rows, with the model, session and embedding settings of the service's configuration and one stream thread's
 * intra-op threads. For each batch size it warms up until two successive half-second windows agree within ±10%,
 * then times whole batches for the given seconds. Writes one {@code roof} message and exits.
 */
@Command(name = "tf-roof", description = "Records/s of the Embedder alone per batch size; one message, then exit.")
final class TfRoofWorker implements Callable<Integer> {

    private static final double WINDOW_SECONDS = 0.5;

    @Mixin
    WorkerOptions options;

    @Option(names = "--batch-sizes", required = true, split = ",")
    List<Integer> batchSizes;

    @Option(names = "--seconds", required = true, description = "Timed seconds per batch size.")
    double seconds;

    @Option(names = "--max-warmup-seconds", required = true, description = "Warm-up limit per batch size.")
    double maxWarmupSeconds;

    @Override
    public Integer call() {
        AppConfig config = options.config();
        WorkerChannel channel = options.channel();
        try (EmbeddingModel model = ModelLoader.load(config.model(), 1); InferenceSession session = model.openSession()) {
            long[] shape = model.description().input().shape();
            long[] rowShape = Arrays.copyOfRange(shape, 1, shape.length);
            Embedder embedder = new Embedder(new Postprocessor(config.embedding().pooling(),
                    config.embedding().normalize()), rowShape);
            int dimension = 0;
            List<Map<String, Object>> roofs = new ArrayList<>();
            for (int batch : batchSizes) {
                long[] batchShape = shape.clone();
                batchShape[0] = batch;
                float[] rows = BenchRuns.randomBatch(batchShape, new Random(batch)).data();
                dimension = embedder.embed(session, rows, batch).dimension();
                double warmup = warmUp(embedder, session, rows, batch);
                long start = System.nanoTime();
                long runs = 0;
                while (System.nanoTime() - start < seconds * 1e9 || runs == 0) {
                    embedder.embed(session, rows, batch);
                    runs++;
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                roofs.add(Map.of("batch", batch, "recordsPerSecond", runs * batch / elapsed,
                        "msPerBatch", elapsed * 1000 / runs, "warmupSeconds", warmup));
            }
            channel.send("roof", Map.of("roofs", roofs, "dimension", dimension, "rowShape", rowShape,
                    "tensorflow", TensorFlow.version()));
        }
        return 0;
    }

    /** Runs batches until two successive windows agree within ±10% (or the limit); returns the seconds it took. */
    private double warmUp(Embedder embedder, InferenceSession session, float[] rows, int batch) {
        long start = System.nanoTime();
        double previous = -1;
        while ((System.nanoTime() - start) / 1e9 < maxWarmupSeconds) {
            long windowStart = System.nanoTime();
            long runs = 0;
            while (System.nanoTime() - windowStart < WINDOW_SECONDS * 1e9 || runs == 0) {
                embedder.embed(session, rows, batch);
                runs++;
            }
            double rate = runs / ((System.nanoTime() - windowStart) / 1e9);
            if (previous > 0 && Math.abs(rate - previous) <= 0.1 * (rate + previous) / 2) {
                break;
            }
            previous = rate;
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
