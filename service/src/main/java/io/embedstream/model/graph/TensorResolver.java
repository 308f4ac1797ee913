package io.embedstream.model.graph;

import java.util.List;
import java.util.Optional;
import org.tensorflow.proto.GraphDef;

/**
 * Finds the tensors of a model by layer or op name and makes them fetchable. It serves both kinds of
 * model alike: TF1-style graphs (TF Java exports, frozen GraphDefs), whose ops sit in the top-level
 * graph, and TF2/Keras SavedModels, whose layers sit in function bodies that a session cannot fetch
 * from. Which kind a model is shows in {@code path().modelFrame().isTopLevel()}; what {@link #reach}
 * does depends only on where each target lives, not on the kind. Immutable and thread-safe.
 */
public final class TensorResolver {

    private final GraphDef graph;
    private final InferencePath path;
    private final LayerCatalog catalog;

    private TensorResolver(GraphDef graph, InferencePath path, LayerCatalog catalog) {
        this.graph = graph;
        this.path = path;
        this.catalog = catalog;
    }

    /**
     * @param graph   the top-level graph with its function library
     * @param outputs the top-level tensors that the model computes (e.g. its serving signature's outputs)
     */
    public static TensorResolver of(GraphDef graph, List<TensorRef> outputs) {
        InferencePath path = InferencePath.trace(graph, outputs);
        return new TensorResolver(graph, path, LayerCatalog.of(path.modelFrame()));
    }

    public InferencePath path() {
        return path;
    }

    /** The model's layers, in execution order. */
    public LayerCatalog catalog() {
        return catalog;
    }

    /**
     * Resolves a Keras layer name ({@code dense}, {@code model_1/dense}, {@code sequential/dense}) or an op
     * name ({@code sequential/dense/Relu}, optionally {@code :index}, or a function-body spelling
     * {@code sequential/dense/Relu:activations:0}).
     *
     * @return empty when nothing matches
     * @throws LayerCatalog.AmbiguousLayerException when a layer name is ambiguous
     */
    public Optional<Target> find(String spec) {
        return TargetFinder.find(path, catalog, spec);
    }

    /** The resolved target for a layer of {@link #catalog()}. */
    public Target target(Layer layer) {
        return TargetFinder.forLayer(catalog.frame(), layer);
    }

    /**
     * Makes {@code targets} fetchable: top-level tensors as they are, with the graph unchanged; when any
     * target lives inside a function body, through a {@link FunctionTap}.
     *
     * @throws io.embedstream.model.ModelException if the targets cannot be reached together
     */
    public Reachable reach(List<Target> targets) {
        if (targets.stream().allMatch(t -> t.frame().isTopLevel())) {
            return new Reachable(graph, targets.stream().map(t -> t.tensor().graphName()).toList());
        }
        return FunctionTap.apply(graph, path, targets);
    }
}
