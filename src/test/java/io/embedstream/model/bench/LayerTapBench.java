package io.embedstream.model.bench;

import io.embedstream.config.ModelConfig;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Median time per batch of tapped layers against the full serving signature. Not a test: run it by
 * hand after {@code mvn test-compile}:
 *
 * <pre>
 * mvn -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xms2g -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     io.embedstream.model.bench.LayerTapBench ../shared [batch] [rounds]
 * </pre>
 *
 * Each case gets one per-thread session (one stream thread, so intra-op threads = all cores). Cases
 * of a model run interleaved, round by round (5 batches per case per round), so that drift in machine
 * load and JVM warm-up affects all of them alike; the first fifth of the rounds is warm-up.
 */
public final class LayerTapBench {

    private static final int PER_ROUND = 5;

    private LayerTapBench() {}

    private record Case(String label, String layer, InferenceSession session, EmbeddingModel model, List<Long> nanos) {}

    public static void main(String[] args) {
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        System.out.printf("batch %d, %d rounds x %d batches per case (first %d rounds warm-up), %d cores%n", batch,
                rounds, PER_ROUND, rounds / 5, Runtime.getRuntime().availableProcessors());
        bench(shared.resolve("models/mnist-cnn"), batch, rounds, new long[] {28, 28, 1},
                new String[] {null, "dense", "conv2d_1", "conv2d"});
        bench(shared.resolve("models/flowers-cnn"), batch, Math.max(5, rounds / 4), new long[] {175, 175, 3},
                new String[] {null, "dense_2", "conv2d_7", "conv2d_4"});
    }

    private static void bench(Path dir, int batch, int rounds, long[] row, String[] layers) {
        FloatBatch input = randomBatch(batch, row);
        List<Case> cases = new ArrayList<>();
        try {
            for (String layer : layers) {
                EmbeddingModel model = ModelLoader.load(ModelConfig.of(dir, layer), 1);
                String label = layer == null ? "serving signature (" + model.description().output().name() + ")"
                        : "tapped " + layer;
                cases.add(new Case(label, layer, model.openSession(), model, new ArrayList<>()));
            }
            for (int r = 0; r < rounds; r++) {
                for (Case c : cases) {
                    for (int i = 0; i < PER_ROUND; i++) {
                        long t0 = System.nanoTime();
                        c.session().run(input);
                        long t = System.nanoTime() - t0;
                        if (r >= rounds / 5) {
                            c.nanos().add(t);
                        }
                    }
                }
            }
            for (Case c : cases) {
                long[] sorted = c.nanos().stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf("%-12s %-30s median %8.2f ms  p90 %8.2f ms  output %s%n", dir.getFileName(), c.label(),
                        sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.9)] / 1e6,
                        Arrays.toString(c.model().description().output().shape()));
            }
        } finally {
            for (Case c : cases) {
                c.session().close();
                c.model().close();
            }
        }
    }

    private static FloatBatch randomBatch(int batch, long[] row) {
        long[] shape = new long[row.length + 1];
        shape[0] = batch;
        System.arraycopy(row, 0, shape, 1, row.length);
        float[] data = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
        Random random = new Random(42);
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat();
        }
        return new FloatBatch(data, shape);
    }
}
