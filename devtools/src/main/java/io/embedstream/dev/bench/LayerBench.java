package io.embedstream.dev.bench;

import io.embedstream.config.ModelConfig;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Per-batch time of tapped layers against the full serving signature, measured in one run. The
 * configurations are run in interleaved rounds, so that machine noise hits them alike; the report
 * gives the median per-batch time of each and its ratio to the signature.
 */
@Command(name = "layers", mixinStandardHelpOptions = true,
        description = "Per-batch time of tapped layers vs the full serving signature (medians, ratios).")
public final class LayerBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @Option(names = "--layers", required = true, split = ",", paramLabel = "NAME,...",
            description = "Layers to compare with the signature's output, e.g. dense,conv2d.")
    List<String> layers;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rounds", defaultValue = "15", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--runs-per-round", defaultValue = "5", description = "Timed runs per configuration and round.")
    int runsPerRound;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = new ArrayList<>();
        names.add(null); // the signature's own output: the baseline
        names.addAll(layers);
        List<EmbeddingModel> models = new ArrayList<>();
        List<InferenceSession> sessions = new ArrayList<>();
        try {
            for (String name : names) {
                EmbeddingModel m = ModelLoader.load(ModelConfig.of(model, name), 1);
                models.add(m);
                sessions.add(m.openSession());
            }
            long[] shape = models.get(0).description().input().shape().clone();
            shape[0] = batch;
            FloatBatch input = BenchRuns.randomBatch(shape, new Random(1));
            for (InferenceSession s : sessions) {
                for (int i = 0; i < 3; i++) {
                    s.run(input); // warm-up
                }
            }
            double[][] perBatchMs = new double[names.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int c = 0; c < names.size(); c++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < runsPerRound; i++) {
                        sessions.get(c).run(input);
                    }
                    perBatchMs[c][r] = (System.nanoTime() - start) / 1e6 / runsPerRound;
                }
            }
            double baseline = Stats.median(perBatchMs[0]);
            out.printf("model %s, batch %d, %d interleaved rounds x %d runs%n", model, batch, rounds, runsPerRound);
            out.printf("  %-28s %-16s %12s %10s %10s %9s%n", "layer", "output shape", "median ms", "min ms", "max ms", "ratio");
            for (int c = 0; c < names.size(); c++) {
                String label = names.get(c) == null
                        ? "signature (" + models.get(0).description().output().name() + ")" : names.get(c);
                out.printf("  %-28s %-16s %12.3f %10.3f %10.3f %9.2f%n", label,
                        java.util.Arrays.toString(models.get(c).description().output().shape()),
                        Stats.median(perBatchMs[c]), Stats.min(perBatchMs[c]), Stats.max(perBatchMs[c]),
                        Stats.median(perBatchMs[c]) / baseline);
            }
            out.flush();
            return 0;
        } finally {
            sessions.forEach(InferenceSession::close);
            models.forEach(EmbeddingModel::close);
        }
    }
}
