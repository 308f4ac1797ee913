package io.embedstream.dev.bench.e2e;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One model of the benchmark and how much input each of its runs gets.
 *
 * @param name    the folder name under the models directory
 * @param dir     the SavedModel
 * @param layer   {@code model.layer}
 * @param warmup  records each Kafka run processes before its timed part (its JVM's warm-up)
 * @param records records each Kafka run times
 * @param input   the input as the issue describes it, for the report
 */
record BenchModel(String name, Path dir, String layer, long warmup, long records, String input) {

    /** A known model with its default layer and run sizes. */
    record Known(String name, String layer, long warmup, long records, String input) {}

    /**
     * The models of {@code testdata/models}. Run sizes are chosen so that each timed part takes several seconds
     * even for the fastest configuration, and the whole default run about 40 minutes on 2 cores (see
     * BENCHMARKS.md for the warm-up check that each run passes or fails).
     */
    static final List<Known> KNOWN = List.of(
            new Known("mnist-cnn", "dense", 8_000, 12_000, "28×28×1 features (784 floats)"),
            new Known("flowers-cnn", "dense_2", 384, 1_024, "175×175×3 features (91,875 floats)"),
            new Known("grenade-mlp", "dense_761", 10_000, 20_000, "12 features"));

    static Optional<Known> known(String name) {
        return KNOWN.stream().filter(k -> k.name().equals(name)).findFirst();
    }
}
