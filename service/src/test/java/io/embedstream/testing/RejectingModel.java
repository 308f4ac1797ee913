package io.embedstream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A tiny SavedModel, built with TF Java, that rejects some inputs the way real graphs do: it takes
 * {@code sqrt} of its 4 input features and checks the result with {@code CheckNumerics}, so a batch
 * holding any negative feature fails with an {@code InvalidArgument} error. Output: {@code factor * sqrt(x)}, [N, 4],
 * with the variable {@code factor} = 2.
 */
public final class RejectingModel {
    public static final String INPUT = "x";
    public static final String OUTPUT = "y";

    private RejectingModel() {}

    public static Path export(Path dir) {
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x = tf.withName(INPUT).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 4)));
            Operand<TFloat32> checked = tf.debugging.checkNumerics(tf.math.sqrt(x), "input must be non-negative");
            Operand<TFloat32> two = tf.withName("factor").variable(tf.withName("factor_init").constant(2f));
            Operand<TFloat32> y = tf.withName("scaled").math.mul(checked, two);
            Signature signature = Signature.builder("serving_default").input(INPUT, x).output(OUTPUT, y).build();
            session.initialize();
            SavedModelBundle.exporter(dir.toString()).withSession(session)
                    .withFunction(SessionFunction.create(signature, session)).export();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
