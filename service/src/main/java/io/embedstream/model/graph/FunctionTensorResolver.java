package io.embedstream.model.graph;

import java.util.List;
import org.tensorflow.proto.GraphDef;

/**
 * TF2/Keras SavedModels: the layers live in the function that the serving signature calls, so a tensor
 * is made reachable by a {@link FunctionTap}. Targets in the top-level graph need no tap.
 */
public record FunctionTensorResolver(GraphDef graph, InferencePath path, LayerCatalog catalog)
        implements TensorResolver {

    @Override
    public Reachable reach(List<Target> targets) {
        if (targets.stream().allMatch(t -> t.frame().isTopLevel())) {
            return new Reachable(graph, targets.stream().map(t -> t.tensor().graphName()).toList());
        }
        return FunctionTap.apply(graph, path, targets);
    }
}
