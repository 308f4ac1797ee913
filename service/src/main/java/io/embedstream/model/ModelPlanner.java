package io.embedstream.model;

import io.embedstream.config.ModelConfig;
import io.embedstream.model.graph.Body;
import io.embedstream.model.graph.LayerCatalog;
import io.embedstream.model.graph.OpSignatures;
import io.embedstream.model.graph.Reachable;
import io.embedstream.model.graph.Suggestions;
import io.embedstream.model.graph.Target;
import io.embedstream.model.graph.TensorRef;
import io.embedstream.model.graph.TensorResolver;
import io.embedstream.model.runtime.ModelSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SignatureDef;

/**
 * Resolves {@code model.signature}, {@code model.input} and {@code model.layer} against a model read
 * from disk into a {@link ModelPlan}, with errors that name the key, the value and what is allowed.
 * The inspector uses its {@link #resolver} and {@link #input} steps, so that {@code inspect} lists exactly
 * what {@code run} accepts. Stateless.
 */
final class ModelPlanner {

    private static final Set<String> SINK_EXCLUDED = Set.of("NoOp", "Assign", "Const", "Placeholder", "VariableV2",
            "VarHandleOp", "AssignVariableOp");

    private ModelPlanner() {}

    static ModelPlan plan(ModelSource source, ModelConfig config) {
        GraphDef graph = source.graphDef();
        Optional<SignatureDef> signature = ModelSignatures.find(source, config.signature());
        TensorResolver resolver = resolver(source, signature);
        TensorInfo input = input(source, signature, config);
        String layer = config.layer();
        if (layer == null) {
            return defaultOutput(source, resolver, signature, config, input);
        }
        if (signature.isPresent() && signature.get().containsOutputs(layer)) {
            TensorInfo out = requireFloat("model.layer",
                    ModelSignatures.tensor(layer, signature.get().getOutputsOrThrow(layer)));
            return new ModelPlan(source, input, out, new Reachable(graph, List.of(out.op())), "signature output");
        }
        Optional<Target> target;
        try {
            target = resolver.find(layer);
        } catch (LayerCatalog.AmbiguousLayerException e) {
            throw new ModelException("model.layer: '" + layer + "' is ambiguous; it matches the layers "
                    + String.join(", ", e.candidates()) + "; give the full name", e);
        }
        if (target.isEmpty()) {
            throw unknownLayer(source, resolver, signature, config);
        }
        Target t = target.get();
        TensorInfo out = requireFloat("model.layer", new TensorInfo(layer, t.opName(), t.dtype().name(), t.shape()));
        String kind = (t.layer() != null ? "Keras layer " + t.layer() : "op")
                + (t.frame().isTopLevel() ? "" : ", tapped from function " + t.frame().body().name());
        return new ModelPlan(source, input, out, resolver.reach(List.of(t)), kind);
    }

    /** Layer and op lookup on the inference path of {@code signature} (or of the graph's final ops). */
    static TensorResolver resolver(ModelSource source, Optional<SignatureDef> signature) {
        GraphDef graph = source.graphDef();
        return TensorResolver.of(graph, signature.map(ModelSignatures::outputTensors).orElseGet(() -> sinks(graph)));
    }

    /** The tensor that {@code model.input} names, or the only input of the signature (or graph) when it is unset. */
    static TensorInfo input(ModelSource source, Optional<SignatureDef> signature, ModelConfig config) {
        String wanted = config.input();
        GraphDef graph = source.graphDef();
        if (signature.isPresent()) {
            List<TensorInfo> inputs = ModelSignatures.inputs(signature.get());
            List<String> keys = inputs.stream().map(TensorInfo::name).toList();
            if (wanted == null) {
                if (inputs.size() != 1) {
                    throw new ModelException("model.input is required: signature '" + config.signature() + "' has "
                            + inputs.size() + " inputs: " + String.join(", ", keys));
                }
                return requireFloat("model.input", inputs.get(0));
            }
            for (TensorInfo info : inputs) {
                if (info.name().equals(wanted)) {
                    return requireFloat("model.input", info);
                }
            }
            Optional<TensorInfo> op = placeholder(graph, wanted);
            if (op.isPresent()) {
                return requireFloat("model.input", op.get());
            }
            throw new ModelException("model.input: '" + wanted + "' is neither an input of signature '"
                    + config.signature() + "' (" + String.join(", ", keys) + ") nor an op of the graph"
                    + didYouMean(wanted, nodeNames(graph)));
        }
        List<NodeDef> placeholders = graph.getNodeList().stream().filter(n -> n.getOp().equals("Placeholder")).toList();
        if (wanted == null) {
            if (placeholders.size() != 1) {
                throw new ModelException("model.input is required: the graph has " + placeholders.size()
                        + " placeholders: " + String.join(", ", placeholders.stream().map(NodeDef::getName).toList()));
            }
            wanted = placeholders.get(0).getName();
        }
        String name = wanted;
        return requireFloat("model.input", placeholder(graph, name).orElseThrow(() -> new ModelException(
                "model.input: '" + name + "' is not an op of the graph; placeholders: "
                        + String.join(", ", placeholders.stream().map(NodeDef::getName).toList())
                        + didYouMean(name, nodeNames(graph)))));
    }

    /** A top-level op given by name ({@code name} or {@code name:index}) as a feedable tensor. */
    private static Optional<TensorInfo> placeholder(GraphDef graph, String spec) {
        TensorRef ref = TensorRef.parse(spec);
        for (NodeDef n : graph.getNodeList()) {
            if (n.getName().equals(ref.node())) {
                DataType dtype = n.containsAttr("dtype") ? n.getAttrOrThrow("dtype").getType()
                        : n.containsAttr("T") ? n.getAttrOrThrow("T").getType() : DataType.DT_INVALID;
                long[] shape = null;
                if (n.containsAttr("shape") && !n.getAttrOrThrow("shape").getShape().getUnknownRank()) {
                    shape = ModelSignatures.shape(n.getAttrOrThrow("shape").getShape());
                } else if (n.containsAttr("_output_shapes")
                        && n.getAttrOrThrow("_output_shapes").getList().getShapeCount() > ref.index()) {
                    shape = ModelSignatures.shape(n.getAttrOrThrow("_output_shapes").getList().getShape(ref.index()));
                }
                return Optional.of(new TensorInfo(spec, ref.graphName(), dtype.name(), shape));
            }
        }
        return Optional.empty();
    }

    private static ModelPlan defaultOutput(ModelSource source, TensorResolver resolver, Optional<SignatureDef> signature,
                                           ModelConfig config, TensorInfo input) {
        GraphDef graph = source.graphDef();
        if (signature.isPresent()) {
            List<TensorInfo> outputs = ModelSignatures.outputs(signature.get());
            if (outputs.size() != 1) {
                throw new ModelException("model.layer is required: signature '" + config.signature() + "' has "
                        + outputs.size() + " outputs: " + String.join(", ", outputs.stream().map(TensorInfo::name).toList()));
            }
            TensorInfo out = requireFloat("model.layer", outputs.get(0));
            return new ModelPlan(source, input, out, new Reachable(graph, List.of(out.op())), "signature output");
        }
        List<TensorRef> sinks = sinks(graph);
        if (sinks.size() != 1) {
            throw new ModelException("model.layer is required: the graph has no signature and " + sinks.size()
                    + " final ops: " + String.join(", ", sinks.stream().map(TensorRef::node).toList()));
        }
        Target t = resolver.find(sinks.get(0).graphName()).orElseThrow();
        TensorInfo out = requireFloat("model.layer", new TensorInfo(t.opName(), t.opName(), t.dtype().name(), t.shape()));
        return new ModelPlan(source, input, out, resolver.reach(List.of(t)), "final op");
    }

    private static ModelException unknownLayer(ModelSource source, TensorResolver resolver,
                                               Optional<SignatureDef> signature, ModelConfig config) {
        String layer = config.layer();
        List<String> layers = resolver.catalog().names();
        List<String> keys = signature.map(s -> ModelSignatures.outputs(s).stream().map(TensorInfo::name).toList())
                .orElse(List.of());
        Set<String> candidates = new LinkedHashSet<>(layers);
        candidates.addAll(keys);
        List<String> near = Suggestions.nearest(layer, candidates, 3);
        if (near.isEmpty()) {
            Set<String> ops = new LinkedHashSet<>();
            resolver.path().frames().forEach(f -> f.body().nodes().forEach(n -> ops.add(n.getName())));
            near = Suggestions.nearest(layer, ops, 3);
        }
        StringBuilder msg = new StringBuilder("model.layer: '").append(layer).append("' is not ")
                .append(signature.isPresent() ? "an output of signature '" + config.signature() + "', " : "")
                .append("a layer or an op of '").append(source.location()).append("'");
        if (!keys.isEmpty()) {
            msg.append("; signature outputs: ").append(String.join(", ", keys));
        }
        msg.append("; layers: ").append(layers.isEmpty() ? "(none found)" : String.join(", ", layers));
        if (!near.isEmpty()) {
            msg.append("; did you mean '").append(String.join("' or '", near)).append("'?");
        }
        return new ModelException(msg.toString());
    }

    private static TensorInfo requireFloat(String key, TensorInfo info) {
        if (!info.dtype().equals(DataType.DT_FLOAT.name())) {
            throw new ModelException(key + ": '" + info.name() + "' (" + info.op() + ") has dtype " + info.dtype()
                    + "; only DT_FLOAT is supported");
        }
        return info;
    }

    /** Ops whose outputs nobody consumes (the ends of a graph without a signature), save/restore ops left out. */
    private static List<TensorRef> sinks(GraphDef graph) {
        Body body = Body.ofGraph(graph, OpSignatures.of(graph.getLibrary()));
        Set<String> consumed = new HashSet<>();
        for (NodeDef n : graph.getNodeList()) {
            body.dataInputs(n.getName()).forEach(t -> consumed.add(t.node()));
            consumed.addAll(body.controlInputs(n.getName()));
        }
        List<TensorRef> result = new ArrayList<>();
        for (NodeDef n : body.nodes()) {
            if (!consumed.contains(n.getName()) && !n.getName().startsWith("save/")
                    && !SINK_EXCLUDED.contains(n.getOp())
                    && body.ops().outputCount(n) > 0) {
                result.add(new TensorRef(n.getName(), 0));
            }
        }
        return result;
    }

    private static List<String> nodeNames(GraphDef graph) {
        return graph.getNodeList().stream().map(NodeDef::getName).toList();
    }

    private static String didYouMean(String wanted, List<String> candidates) {
        List<String> near = Suggestions.nearest(wanted, candidates, 3);
        return near.isEmpty() ? "" : "; did you mean '" + String.join("' or '", near) + "'?";
    }
}
