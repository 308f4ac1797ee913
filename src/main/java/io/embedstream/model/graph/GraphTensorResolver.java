package io.embedstream.model.graph;

import io.embedstream.model.ModelException;
import java.util.List;
import org.tensorflow.proto.GraphDef;

/** TF1-style graphs (TF Java exports, frozen GraphDefs): every op is fetchable as it is, so nothing is rewritten. */
public record GraphTensorResolver(GraphDef graph, InferencePath path, LayerCatalog catalog) implements TensorResolver {

    @Override
    public Reachable reach(List<Target> targets) {
        for (Target t : targets) {
            if (!t.frame().isTopLevel()) {
                return FunctionTap.apply(graph, path, targets);
            }
        }
        return new Reachable(graph, targets.stream().map(t -> t.tensor().graphName()).toList());
    }

    public GraphTensorResolver {
        if (!path.modelFrame().isTopLevel()) {
            throw new ModelException("internal: GraphTensorResolver needs a top-level model frame");
        }
    }
}
