package io.embedstream.model.graph;

import java.util.List;
import java.util.Optional;
import org.tensorflow.proto.GraphDef;

/**
 * Finds the tensors of a model by layer or op name and makes them fetchable. There are two kinds of
 * model: TF1-style graphs, whose ops all sit in the top-level graph ({@link GraphTensorResolver}), and
 * TF2/Keras SavedModels, whose layers sit in function bodies that a session cannot fetch from
 * ({@link FunctionTensorResolver}). Implementations are immutable and thread-safe.
 */
public sealed interface TensorResolver permits GraphTensorResolver, FunctionTensorResolver {

    /**
     * Picks the implementation for a graph.
     *
     * @param graph   the top-level graph with its function library
     * @param outputs the top-level tensors that the model computes (e.g. its serving signature's outputs)
     */
    static TensorResolver of(GraphDef graph, List<TensorRef> outputs) {
        InferencePath path = InferencePath.trace(graph, outputs);
        LayerCatalog catalog = LayerCatalog.of(path.modelFrame());
        if (path.modelFrame().isTopLevel()) {
            return new GraphTensorResolver(graph, path, catalog);
        }
        return new FunctionTensorResolver(graph, path, catalog);
    }

    InferencePath path();

    /** The model's layers, in execution order. */
    LayerCatalog catalog();

    /**
     * Resolves a Keras layer name ({@code dense}, {@code model_1/dense}, {@code sequential/dense}) or an op
     * name ({@code sequential/dense/Relu}, optionally {@code :index}, or a function-body spelling
     * {@code sequential/dense/Relu:activations:0}).
     *
     * @return empty when nothing matches
     * @throws LayerCatalog.AmbiguousLayerException when a layer name is ambiguous
     */
    default Optional<Target> find(String spec) {
        return TargetFinder.find(path(), catalog(), spec);
    }

    /** The resolved target for a layer of {@link #catalog()}. */
    default Target target(Layer layer) {
        return TargetFinder.forLayer(catalog().frame(), layer);
    }

    /**
     * Makes {@code targets} fetchable.
     *
     * @throws io.embedstream.model.ModelException if the targets cannot be reached together
     */
    Reachable reach(List<Target> targets);
}
