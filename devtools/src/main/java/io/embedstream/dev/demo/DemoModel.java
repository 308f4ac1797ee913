package io.embedstream.dev.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The demo model: the seed's "Example 1" MNIST architecture built with TF Java ops and weights drawn
 * from a seeded {@link Random}, exported as a TF1-style SavedModel. It is not trained; it exists so
 * that the service, its tests and its demo run without downloading anything.
 *
 * <pre>
 * image [-1,28,28,1] → conv2d (32 3x3, relu) → max_pooling2d (2x2) → conv2d_1 (64 3x3, relu)
 *   → max_pooling2d_1 (2x2) → flatten → embedding_layer (dense 128, relu) → dense (10, softmax)
 * </pre>
 *
 * Signature {@value #SIGNATURE}: input {@value #INPUT}; outputs {@value #EMBEDDING} (the 128-d
 * {@code embedding_layer/Relu}) and {@value #PROBABILITIES}. Every op is in the top-level graph, so any
 * of them can be tapped by op name, e.g. {@value #EMBEDDING_OP}. Weights are He-scaled normals (Glorot
 * for the head), biases 0.01, so ReLU activations are not all zero. Same seed, same weights.
 */
public final class DemoModel {

    public static final long SEED = 1_337L;
    public static final String SIGNATURE = "serving_default";
    public static final String INPUT = "image";
    public static final String EMBEDDING = "embedding";
    public static final String PROBABILITIES = "probabilities";
    public static final String EMBEDDING_OP = "embedding_layer/Relu";
    public static final int EMBEDDING_SIZE = 128;

    /** Written last into an export, so that its presence means the export is complete. */
    static final String MARKER = "embedstream-demo-model.properties";
    private static final String FORMAT = "1";

    private static final Logger log = LoggerFactory.getLogger(DemoModel.class);

    private DemoModel() {}

    /** {@link #ensure(Path, long)} with {@link #SEED}. */
    public static Path ensure(Path dir) {
        return ensure(dir, SEED);
    }

    /**
     * Returns {@code dir} holding the demo model for {@code seed}, exporting it first unless a complete
     * export for that seed is already there. Safe against concurrent callers: each exports to a
     * temporary sibling directory and moves it into place.
     *
     * @param dir a cache folder chosen by the caller, e.g. {@code ~/.cache/embedstream/demo-model} or under {@code target/}
     */
    public static Path ensure(Path dir, long seed) {
        Path target = dir.toAbsolutePath().normalize();
        if (isComplete(target, seed)) {
            log.debug("Reusing demo model in {}", target);
            return target;
        }
        try {
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                log.info("Replacing incomplete or different demo model in {}", target);
                deleteRecursively(target);
            }
            Path tmp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".tmp-");
            try {
                export(tmp, seed);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target);
                }
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                if (!isComplete(target, seed)) {
                    throw e;
                }
            } finally {
                deleteRecursively(tmp);
            }
            log.info("Exported demo model (seed {}) to {}", seed, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the demo model to " + target, e);
        }
    }

    static boolean isComplete(Path dir, long seed) {
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker) || !Files.isRegularFile(dir.resolve("saved_model.pb"))
                || !Files.isRegularFile(dir.resolve("variables").resolve("variables.index"))) {
            return false;
        }
        try {
            return Files.readString(marker, StandardCharsets.UTF_8).equals(markerText(seed));
        } catch (IOException e) {
            return false;
        }
    }

    private static String markerText(long seed) {
        return "format=" + FORMAT + "\nseed=" + seed + "\n";
    }

    /** Builds the graph with weights from {@code seed} and exports it into the empty directory {@code dir}. */
    static void export(Path dir, long seed) throws IOException {
        Random random = new Random(seed);
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> image = tf.withName(INPUT).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, 28, 28, 1)));
            Operand<TFloat32> x = conv(tf.withSubScope("conv2d"), image, 1, 32, random);
            x = maxPool(tf.withSubScope("max_pooling2d"), x);
            x = conv(tf.withSubScope("conv2d_1"), x, 32, 64, random);
            x = maxPool(tf.withSubScope("max_pooling2d_1"), x);
            Ops flatten = tf.withSubScope("flatten");
            x = flatten.reshape(x, flatten.constant(new int[] {-1, 5 * 5 * 64}));
            Ops embeddingScope = tf.withSubScope("embedding_layer");
            Operand<TFloat32> embedding = embeddingScope.nn.relu(
                    dense(embeddingScope, x, 5 * 5 * 64, EMBEDDING_SIZE, Math.sqrt(2.0 / (5 * 5 * 64)), random));
            Ops headScope = tf.withSubScope("dense");
            Operand<TFloat32> probabilities = headScope.nn.softmax(
                    dense(headScope, embedding, EMBEDDING_SIZE, 10, Math.sqrt(2.0 / (EMBEDDING_SIZE + 10)), random));

            Signature signature = Signature.builder(SIGNATURE)
                    .input(INPUT, image)
                    .output(EMBEDDING, embedding)
                    .output(PROBABILITIES, probabilities)
                    .build();
            session.initialize();
            SavedModelBundle.exporter(dir.toString())
                    .withSession(session)
                    .withFunction(SessionFunction.create(signature, session))
                    .export();
        }
        Files.writeString(dir.resolve(MARKER), markerText(seed), StandardCharsets.UTF_8);
    }

    private static Operand<TFloat32> conv(Ops tf, Operand<TFloat32> in, int inChannels, int outChannels, Random random) {
        Operand<TFloat32> kernel = variable(tf, "kernel", Shape.of(3, 3, inChannels, outChannels),
                Math.sqrt(2.0 / (9 * inChannels)), random);
        Operand<TFloat32> bias = variable(tf, "bias", Shape.of(outChannels), 0, random);
        return tf.nn.relu(tf.nn.biasAdd(tf.nn.conv2d(in, kernel, List.of(1L, 1L, 1L, 1L), "VALID"), bias));
    }

    private static Operand<TFloat32> maxPool(Ops tf, Operand<TFloat32> in) {
        return tf.nn.maxPool(in, tf.constant(new int[] {1, 2, 2, 1}), tf.constant(new int[] {1, 2, 2, 1}), "VALID");
    }

    /** {@code in · kernel + bias}, without activation. */
    private static Operand<TFloat32> dense(Ops tf, Operand<TFloat32> in, int inSize, int outSize, double std,
                                           Random random) {
        Operand<TFloat32> kernel = variable(tf, "kernel", Shape.of(inSize, outSize), std, random);
        Operand<TFloat32> bias = variable(tf, "bias", Shape.of(outSize), 0, random);
        return tf.nn.biasAdd(tf.linalg.matMul(in, kernel), bias);
    }

    /** A variable of normal values with deviation {@code std}, or of 0.01 when {@code std} is 0 (biases). */
    private static Operand<TFloat32> variable(Ops tf, String name, Shape shape, double std, Random random) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = std == 0 ? 0.01f : (float) (random.nextGaussian() * std);
        }
        return tf.withName(name).variable(tf.withName(name + "_init").constant(shape, DataBuffers.of(values, true, false)));
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
