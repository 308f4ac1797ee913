package io.embedstream.model.graph;

import io.embedstream.model.ModelException;
import java.util.List;
import org.tensorflow.proto.GraphDef;

/** TF1-style graphs (TF Java exports, frozen GraphDefs): every op is fetchable as it is, so nothing is rewritten. */
public record GraphTensorResolver(GraphDef graph, InferencePath path, LayerCatalog catalog) implements TensorResolver {

    public GraphTensorResolver {
        if (!path.modelFrame().isTopLevel()) {
            throw new ModelException("internal: GraphTensorResolver needs a top-level model frame");
        }
    }

    /** Top-level tensors as they are; an op inside a function the graph calls still goes through a {@link FunctionTap}. */
    @Override
    public Reachable reach(List<Target> targets) {
        if (targets.stream().allMatch(t -> t.frame().isTopLevel())) {
            return new Reachable(graph, targets.stream().map(t -> t.tensor().graphName()).toList());
        }
        return FunctionTap.apply(graph, path, targets);
    }
}
