package io.embedstream.model.runtime;

import io.embedstream.model.ModelException;
import io.embedstream.model.graph.Reachable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Finds output shapes that the saved graph does not record, by running one batch of zeros through a
 * graph in which all the wanted tensors are reachable. Stateless.
 */
public final class ShapeProbe {

    private ShapeProbe() {}

    /**
     * @param inputTensor top-level tensor to feed
     * @param inputShape  its static shape; every dimension but the batch must be known
     * @return one shape per fetch, with the batch dimension reported as -1
     */
    public static List<long[]> probe(ModelSource source, Reachable reachable, String inputTensor, long[] inputShape) {
        if (inputShape == null || Arrays.stream(inputShape).skip(1).anyMatch(d -> d < 0)) {
            throw new ModelException("cannot probe layer shapes: input shape " + Arrays.toString(inputShape)
                    + " has unknown dimensions");
        }
        long[] shape = inputShape.clone();
        shape[0] = 1;
        SessionSettings settings = new SessionSettings(Math.max(1, Runtime.getRuntime().availableProcessors()), 0,
                false, false);
        try (ModelGraph graph = new ModelGraph(reachable.graphDef(), source.restore(), source.initOps());
             Session session = graph.openSession(settings.toConfigProto());
             TFloat32 zeros = TFloat32.tensorOf(Shape.of(shape), t -> t.scalars().forEach(s -> s.setFloat(0f)))) {
            Session.Runner runner = session.runner().feed(graph.output(inputTensor), zeros);
            reachable.fetches().forEach(f -> runner.fetch(graph.output(f)));
            try (Result result = runner.run()) {
                List<long[]> shapes = new ArrayList<>();
                for (int i = 0; i < reachable.fetches().size(); i++) {
                    Tensor t = result.get(i);
                    long[] s = t.shape().asArray();
                    if (s.length > 0) {
                        s[0] = -1;
                    }
                    shapes.add(s);
                }
                return shapes;
            }
        }
    }
}
