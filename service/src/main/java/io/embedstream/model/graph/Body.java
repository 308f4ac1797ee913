package io.embedstream.model.graph;

import io.embedstream.model.ModelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The nodes of one computation, either a top-level {@link GraphDef} or the body of a
 * {@link FunctionDef}, with their data and control edges resolved and a topological order. It hides
 * the two spellings of tensor names ({@code node:index} in graphs, {@code node:output_arg:index} and
 * bare argument names in functions). Immutable and thread-safe.
 */
public final class Body {

    private final String name;
    private final FunctionDef function;
    private final OpSignatures ops;
    private final List<NodeDef> nodes;
    private final Map<String, NodeDef> byName;
    private final Map<String, Integer> position;
    private final Map<String, List<TensorRef>> dataInputs;
    private final Map<String, List<String>> controlInputs;
    private final Map<String, Integer> argIndex;

    private Body(String name, FunctionDef function, List<NodeDef> declared, OpSignatures ops) {
        this.name = name;
        this.function = function;
        this.ops = ops;
        Map<String, Integer> args = new LinkedHashMap<>();
        if (function != null) {
            List<OpDef.ArgDef> inputArgs = function.getSignature().getInputArgList();
            for (int i = 0; i < inputArgs.size(); i++) {
                args.put(inputArgs.get(i).getName(), i);
            }
        }
        this.argIndex = Map.copyOf(args);
        Map<String, NodeDef> named = new LinkedHashMap<>();
        for (NodeDef n : declared) {
            named.put(n.getName(), n);
        }
        this.byName = named;
        this.dataInputs = new HashMap<>();
        this.controlInputs = new HashMap<>();
        for (NodeDef n : declared) {
            List<TensorRef> data = new ArrayList<>();
            List<String> control = new ArrayList<>();
            for (String input : n.getInputList()) {
                if (input.startsWith("^")) {
                    control.add(input.substring(1));
                } else {
                    data.add(parse(input));
                }
            }
            dataInputs.put(n.getName(), List.copyOf(data));
            controlInputs.put(n.getName(), List.copyOf(control));
        }
        this.nodes = topologicalOrder(declared);
        Map<String, Integer> pos = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            pos.put(nodes.get(i).getName(), i);
        }
        this.position = pos;
    }

    public static Body ofGraph(GraphDef graph, OpSignatures ops) {
        return new Body("<graph>", null, graph.getNodeList(), ops);
    }

    public static Body ofFunction(FunctionDef function, OpSignatures ops) {
        return new Body(function.getSignature().getName(), function, function.getNodeDefList(), ops);
    }

    /** {@code <graph>} or the function's name. */
    public String name() {
        return name;
    }

    public boolean isFunction() {
        return function != null;
    }

    /** The function definition; only for function bodies. */
    public FunctionDef function() {
        if (function == null) {
            throw new IllegalStateException("the top-level graph is not a function");
        }
        return function;
    }

    public OpSignatures ops() {
        return ops;
    }

    /** All nodes in topological order (nodes on cycles, as in TF1 while loops, come last in declared order). */
    public List<NodeDef> nodes() {
        return nodes;
    }

    public Optional<NodeDef> node(String nodeName) {
        return Optional.ofNullable(byName.get(nodeName));
    }

    public boolean isArg(TensorRef t) {
        return !byName.containsKey(t.node()) && argIndex.containsKey(t.node());
    }

    /** Topological position of a node; arguments come before every node. */
    public int position(String nodeName) {
        Integer p = position.get(nodeName);
        return p == null ? -1 : p;
    }

    public List<TensorRef> dataInputs(String nodeName) {
        return dataInputs.getOrDefault(nodeName, List.of());
    }

    public List<String> controlInputs(String nodeName) {
        return controlInputs.getOrDefault(nodeName, List.of());
    }

    /** The tensors a function returns, in output-argument order; empty for graphs. */
    public List<TensorRef> returns() {
        if (function == null) {
            return List.of();
        }
        List<TensorRef> result = new ArrayList<>();
        for (OpDef.ArgDef out : function.getSignature().getOutputArgList()) {
            String ret = function.getRetOrThrow(out.getName());
            result.add(parse(ret));
        }
        return result;
    }

    /** Parses an input string of this body into a tensor reference. */
    public TensorRef parse(String input) {
        if (function == null) {
            return TensorRef.parse(input);
        }
        String[] parts = input.split(":");
        if (parts.length == 1) {
            if (!argIndex.containsKey(input)) {
                throw new ModelException("function " + name + " refers to '" + input + "', which is not one of its arguments");
            }
            return new TensorRef(input, 0);
        }
        if (parts.length != 3) {
            throw new ModelException("function " + name + " has a malformed tensor name '" + input + "'");
        }
        NodeDef producer = byName.get(parts[0]);
        if (producer == null) {
            throw new ModelException("function " + name + " refers to unknown node '" + parts[0] + "'");
        }
        return new TensorRef(parts[0], ops.flatIndex(producer, parts[1], Integer.parseInt(parts[2])));
    }

    /** The spelling of {@code t} inside this body ({@code node:index}, or {@code node:arg:index} / argument name). */
    public String format(TensorRef t) {
        if (function == null) {
            return t.graphName();
        }
        if (isArg(t)) {
            return t.node();
        }
        return ops.bodyName(requireNode(t.node()), t.index());
    }

    public DataType dtype(TensorRef t) {
        if (isArg(t)) {
            return function.getSignature().getInputArg(argIndex.get(t.node())).getType();
        }
        return ops.outputType(requireNode(t.node()), t.index());
    }

    /**
     * The static shape recorded when the model was saved ({@code _output_shapes}), -1 for unknown
     * dimensions; empty when the model recorded none or the rank is unknown.
     */
    public Optional<long[]> staticShape(TensorRef t) {
        AttrValue shapes;
        int index = t.index();
        if (isArg(t)) {
            int i = argIndex.get(t.node());
            AttrValue fromArgAttr = function.getArgAttrMap().containsKey(i)
                    ? function.getArgAttrMap().get(i).getAttrMap().get("_output_shapes") : null;
            shapes = fromArgAttr != null ? fromArgAttr : function.getAttrMap().get("_input_shapes");
            index = fromArgAttr != null ? 0 : i;
        } else {
            shapes = requireNode(t.node()).getAttrMap().get("_output_shapes");
        }
        if (shapes == null || shapes.getList().getShapeCount() <= index) {
            return Optional.empty();
        }
        TensorShapeProto shape = shapes.getList().getShape(index);
        if (shape.getUnknownRank()) {
            return Optional.empty();
        }
        return Optional.of(shape.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray());
    }

    public NodeDef requireNode(String nodeName) {
        NodeDef n = byName.get(nodeName);
        if (n == null) {
            throw new ModelException(name + " has no node '" + nodeName + "'");
        }
        return n;
    }

    /**
     * The names of all nodes that {@code targets} depend on, the producers included, following data
     * edges and, when asked, control edges too.
     */
    public Set<String> ancestors(Collection<TensorRef> targets, boolean followControl) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        for (TensorRef t : targets) {
            if (byName.containsKey(t.node())) {
                todo.add(t.node());
            }
        }
        while (!todo.isEmpty()) {
            String n = todo.pop();
            if (!seen.add(n)) {
                continue;
            }
            for (TensorRef in : dataInputs(n)) {
                if (byName.containsKey(in.node())) {
                    todo.push(in.node());
                }
            }
            if (followControl) {
                for (String c : controlInputs(n)) {
                    if (byName.containsKey(c)) {
                        todo.push(c);
                    }
                }
            }
        }
        return seen;
    }

    /** Kahn's algorithm, ties broken by declaration order; nodes left on cycles follow in declared order. */
    private List<NodeDef> topologicalOrder(List<NodeDef> declared) {
        Map<String, Integer> declaredIndex = new HashMap<>();
        for (int i = 0; i < declared.size(); i++) {
            declaredIndex.put(declared.get(i).getName(), i);
        }
        Map<String, Integer> pending = new HashMap<>();
        Map<String, List<String>> consumers = new HashMap<>();
        for (NodeDef n : declared) {
            Set<String> producers = new LinkedHashSet<>();
            for (TensorRef in : dataInputs.get(n.getName())) {
                if (byName.containsKey(in.node())) {
                    producers.add(in.node());
                }
            }
            for (String c : controlInputs.get(n.getName())) {
                if (byName.containsKey(c)) {
                    producers.add(c);
                }
            }
            pending.put(n.getName(), producers.size());
            for (String p : producers) {
                consumers.computeIfAbsent(p, k -> new ArrayList<>()).add(n.getName());
            }
        }
        PriorityQueue<String> ready = new PriorityQueue<>((a, b) -> Integer.compare(declaredIndex.get(a), declaredIndex.get(b)));
        pending.forEach((n, count) -> {
            if (count == 0) {
                ready.add(n);
            }
        });
        List<NodeDef> order = new ArrayList<>(declared.size());
        Set<String> placed = new LinkedHashSet<>();
        while (!ready.isEmpty()) {
            String n = ready.poll();
            order.add(byName.get(n));
            placed.add(n);
            for (String c : consumers.getOrDefault(n, List.of())) {
                if (pending.merge(c, -1, Integer::sum) == 0) {
                    ready.add(c);
                }
            }
        }
        for (NodeDef n : declared) {
            if (!placed.contains(n.getName())) {
                order.add(n);
            }
        }
        return List.copyOf(order);
    }
}
