package io.embedstream.model.graph;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;

/**
 * The layers of a model, recovered from the op name scopes of its model frame, in execution order.
 *
 * <p>Keras names every op {@code <model>/<layer>/<op>}, nested models adding a level each. A scope is a
 * <em>layer</em> when it has ops of its own that compute something (anything but {@code Identity},
 * {@code NoOp}, {@code Const}, {@code Cast}), or when it has no sub-scopes with ops at all (an
 * inference-mode Dropout is a lone {@code Identity}). Otherwise it is a <em>container</em> (a model or
 * a nested model) and its sub-scopes are searched in turn. A layer's output is the last op of its scope,
 * in topological order, whose value is used outside the scope or is a frame output: for a Dense that is
 * {@code Relu} after {@code BiasAdd}, for an inference Dropout its {@code Identity}.
 *
 * <p>Scopes whose output does not depend on the model input (only constants or variables) are left out.
 * Names are relative to the outermost model scope when the frame has exactly one top-level
 * container (a Keras model's {@code sequential/}); otherwise relative to the root. Only ops on the
 * inference path (ancestors of the frame's outputs) count. Immutable.
 */
public final class LayerCatalog {

    private static final Set<String> GLUE = Set.of("Identity", "NoOp", "Const", "Cast");
    private static final Set<String> VARIABLE_READS = Set.of(
            "ReadVariableOp", "ResourceGather", "VariableV2", "Variable", "VarHandleOp");

    private final Frame frame;
    private final List<Layer> layers;

    private LayerCatalog(Frame frame, List<Layer> layers) {
        this.frame = frame;
        this.layers = List.copyOf(layers);
    }

    public static LayerCatalog of(Frame frame) {
        return new LayerCatalog(frame, new Scan(frame).layers());
    }

    /** Leaf layers and nested models, in execution order of their outputs. */
    public List<Layer> layers() {
        return layers;
    }

    public Frame frame() {
        return frame;
    }

    /**
     * Finds a layer by Keras name ({@code dense}, {@code model_1/dense}), by full scope
     * ({@code sequential/dense}), or by a unique trailing part of its name.
     *
     * @return empty when nothing matches
     * @throws AmbiguousLayerException when a trailing part matches several layers
     */
    public Optional<Layer> find(String name) {
        for (Layer l : layers) {
            if (l.name().equals(name) || l.scope().equals(name)) {
                return Optional.of(l);
            }
        }
        List<Layer> bySuffix = layers.stream().filter(l -> l.name().endsWith("/" + name)).toList();
        if (bySuffix.size() > 1) {
            throw new AmbiguousLayerException(name, bySuffix.stream().map(Layer::name).toList());
        }
        return bySuffix.stream().findFirst();
    }

    public List<String> names() {
        return layers.stream().map(Layer::name).toList();
    }

    /**
     * The layer most likely meant as an embedding: the last leaf layer before the classifier head. The
     * head is the last leaf layer, together with the parameterised layer before it when the last one
     * is a parameter-free activation (a Dense followed by a separate Softmax). Parameter-free
     * pass-through layers (inference-mode Dropout, an {@code Identity}) right before the head are
     * skipped. A single-layer model suggests that layer.
     */
    public Optional<Layer> suggestedEmbedding() {
        List<Layer> leaves = layers.stream().filter(l -> !l.container()).toList();
        if (leaves.isEmpty()) {
            return Optional.empty();
        }
        int head = leaves.size() - 1;
        if (head > 0 && !leaves.get(head).parameterised() && leaves.get(head - 1).parameterised()) {
            head--;
        }
        for (int i = head - 1; i >= 0; i--) {
            Layer l = leaves.get(i);
            if (!(l.opType().equals("Identity") && !l.parameterised())) {
                return Optional.of(l);
            }
        }
        return Optional.of(leaves.get(leaves.size() - 1));
    }

    /** A layer name that matches several layers. */
    public static final class AmbiguousLayerException extends RuntimeException {
        private final List<String> candidates;

        AmbiguousLayerException(String name, List<String> candidates) {
            super("'" + name + "' matches several layers: " + String.join(", ", candidates));
            this.candidates = List.copyOf(candidates);
        }

        public List<String> candidates() {
            return candidates;
        }
    }

    /** One pass over the frame's scope tree. */
    private static final class Scan {
        private final Frame frame;
        private final Body body;
        private final Set<String> onPath;
        /** Scope → names of the ops directly in it. */
        private final Map<String, List<String>> direct = new TreeMap<>();
        /** Scope → immediate sub-scopes. */
        private final Map<String, Set<String>> children = new TreeMap<>();
        private final Set<String> frameOutputs = new HashSet<>();
        /** Producer node → (consumer node, tensor consumed), for nodes on the path. */
        private final Map<String, List<Map.Entry<String, TensorRef>>> consumers = new HashMap<>();

        Scan(Frame frame) {
            this.frame = frame;
            this.body = frame.body();
            this.onPath = body.ancestors(frame.outputs(), false);
            for (TensorRef t : frame.outputs()) {
                frameOutputs.add(t.node());
            }
            for (String op : onPath) {
                for (TensorRef in : body.dataInputs(op)) {
                    consumers.computeIfAbsent(in.node(), k -> new ArrayList<>()).add(Map.entry(op, in));
                }
                String scope = parent(op);
                direct.computeIfAbsent(scope, k -> new ArrayList<>()).add(op);
                for (String s = scope; !s.isEmpty(); s = parent(s)) {
                    children.computeIfAbsent(parent(s), k -> new TreeSet<>()).add(s);
                }
            }
        }

        /** Nodes on the path that depend on the model input (a placeholder, or a non-resource argument). */
        private Set<String> fed() {
            Set<String> fed = new HashSet<>();
            for (NodeDef node : body.nodes()) {
                String name = node.getName();
                if (!onPath.contains(name)) {
                    continue;
                }
                boolean fromInput = node.getOp().equals("Placeholder");
                for (TensorRef in : body.dataInputs(name)) {
                    fromInput |= fed.contains(in.node())
                            || (body.isArg(in) && body.dtype(in) != DataType.DT_RESOURCE);
                }
                if (fromInput) {
                    fed.add(name);
                }
            }
            return fed;
        }

        List<Layer> layers() {
            Set<String> topScopes = children.getOrDefault("", Set.of());
            List<String> topContainers = topScopes.stream().filter(s -> !isLayer(s)).toList();
            String base = topContainers.size() == 1 && topScopes.size() == 1 ? topContainers.get(0) : "";
            List<Layer> found = new ArrayList<>();
            visit(base, base, found);
            // A scope that computes nothing from the input (e.g. only constants) is no layer.
            Set<String> fed = fed();
            found.removeIf(l -> !fed.contains(l.output().node()));
            // Execution order; a nested model comes right after its own last layer.
            found.sort(Comparator.<Layer>comparingInt(l -> body.position(l.output().node()))
                    .thenComparing(Layer::container));
            return found;
        }

        private void visit(String container, String base, List<Layer> into) {
            for (String scope : children.getOrDefault(container, Set.of())) {
                if (isLayer(scope)) {
                    layer(scope, base, false).ifPresent(into::add);
                } else {
                    if (!scope.equals(base)) {
                        layer(scope, base, true).ifPresent(into::add);
                    }
                    visit(scope, base, into);
                }
            }
        }

        private boolean isLayer(String scope) {
            boolean computes = direct.getOrDefault(scope, List.of()).stream()
                    .anyMatch(op -> !GLUE.contains(body.requireNode(op).getOp()));
            if (computes) {
                return true;
            }
            boolean subScopesWithOps = children.getOrDefault(scope, Set.of()).stream()
                    .anyMatch(s -> !direct.getOrDefault(s, List.of()).isEmpty());
            return !subScopesWithOps;
        }

        private Optional<Layer> layer(String scope, String base, boolean container) {
            String prefix = scope + "/";
            TensorRef output = null;
            int outputPos = -1;
            boolean parameterised = false;
            TensorRef fallback = null;
            int fallbackPos = -1;
            for (String op : onPath) {
                if (!op.startsWith(prefix)) {
                    continue;
                }
                NodeDef node = body.requireNode(op);
                parameterised |= VARIABLE_READS.contains(node.getOp());
                for (TensorRef in : body.dataInputs(op)) {
                    if (body.isArg(in) && body.dtype(in) == DataType.DT_RESOURCE) {
                        parameterised = true;
                    }
                }
                int pos = body.position(op);
                for (TensorRef t : leavingOutputs(node, prefix)) {
                    if (pos > outputPos) {
                        output = t;
                        outputPos = pos;
                    }
                }
                if (pos > fallbackPos && !GLUE.contains(node.getOp()) && !VARIABLE_READS.contains(node.getOp())
                        && body.ops().outputCount(node) > 0) {
                    fallback = new TensorRef(op, 0);
                    fallbackPos = pos;
                }
            }
            TensorRef chosen = output != null ? output : fallback;
            if (chosen == null) {
                return Optional.empty();
            }
            String name = base.isEmpty() ? scope : scope.substring(base.length() + 1);
            return Optional.of(new Layer(name, scope, chosen, body.requireNode(chosen.node()).getOp(), parameterised,
                    container));
        }

        /** Outputs of {@code node} used by an op outside the scope or returned by the frame. */
        private List<TensorRef> leavingOutputs(NodeDef node, String prefix) {
            Map<Integer, TensorRef> result = new LinkedHashMap<>();
            for (TensorRef out : frame.outputs()) {
                if (out.node().equals(node.getName())) {
                    result.put(out.index(), out);
                }
            }
            for (Map.Entry<String, TensorRef> use : consumers.getOrDefault(node.getName(), List.of())) {
                if (!use.getKey().startsWith(prefix)) {
                    result.put(use.getValue().index(), use.getValue());
                }
            }
            return result.values().stream()
                    .filter(t -> body.dtype(t) != DataType.DT_RESOURCE)
                    .sorted(Comparator.comparingInt(TensorRef::index))
                    .toList();
        }

        private static String parent(String name) {
            int slash = name.lastIndexOf('/');
            return slash < 0 ? "" : name.substring(0, slash);
        }
    }
}
