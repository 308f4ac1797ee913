package io.embedstream.model.graph;

import io.embedstream.model.ModelException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Makes tensors inside function bodies fetchable without re-exporting the model.
 *
 * <p>For targets in a function reached by the call path {@code c0 → c1 → … → c(n-1)}, it copies that
 * function under a new name whose only returns are the targets, pruned to the nodes they depend on
 * (data and control edges), so nothing else runs. Each function up the path is copied likewise with
 * its call node pointed at the copy below and its returns set to that call's outputs. Finally it adds
 * to the top-level graph a new call node with the inputs of {@code c0} (the signature's placeholder and
 * variable handles), whose outputs are the targets. The original nodes and functions stay untouched,
 * so the variables are restored by the SavedModel's own restore op as usual. Stateless.
 */
public final class FunctionTap {

    /** Prefix of the top-level node and suffix of the functions this class adds. */
    public static final String NAME = "embedstream_tap";

    private FunctionTap() {}

    /**
     * @param graph   the original top-level graph
     * @param path    its inference path
     * @param targets tensors that all live in the same non-top-level frame of {@code path}
     * @return the rewritten graph and the top-level tensor names of the targets
     */
    public static Reachable apply(GraphDef graph, InferencePath path, List<Target> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("nothing to tap");
        }
        Frame frame = targets.get(0).frame();
        for (Target t : targets) {
            if (!t.frame().callPath().equals(frame.callPath())) {
                throw new ModelException("cannot tap '" + targets.get(0).requested() + "' and '" + t.requested()
                        + "' together: they live in different functions");
            }
        }
        if (frame.isTopLevel()) {
            return new Reachable(graph, targets.stream().map(t -> t.tensor().graphName()).toList());
        }
        Names names = new Names(graph);
        GraphDef.Builder out = graph.toBuilder();
        List<DataType> types = targets.stream().map(Target::dtype).toList();

        Body body = frame.body();
        List<TensorRef> rets = targets.stream().map(Target::tensor).toList();
        String fnName = names.function(body.name());
        out.getLibraryBuilder().addFunction(
                returning(body, Map.of(), rets.stream().map(body::format).toList(), rets, types, fnName));

        Frame current = frame;
        while (current.depth() > 1) {
            Frame parent = frameAt(path, current.callPath().subList(0, current.depth() - 1));
            NodeDef call = parent.body().requireNode(current.callPath().get(current.depth() - 1));
            NodeDef newCall = pointCallAt(call, call.getName(), fnName, types);
            List<String> spellings = new ArrayList<>();
            for (int k = 0; k < types.size(); k++) {
                spellings.add(call.getName() + ":" + outputArgName(newCall, k) + ":" + outputArgIndex(newCall, k));
            }
            String parentName = names.function(parent.body().name());
            List<TensorRef> deps = List.of(new TensorRef(call.getName(), 0));
            out.getLibraryBuilder().addFunction(
                    returning(parent.body(), Map.of(call.getName(), newCall), spellings, deps, types, parentName));
            fnName = parentName;
            current = parent;
        }

        NodeDef topCall = path.top().body().requireNode(current.callPath().get(0));
        String tapNode = names.node(NAME);
        out.addNode(pointCallAt(topCall, tapNode, fnName, types));
        List<String> fetches = new ArrayList<>();
        for (int k = 0; k < types.size(); k++) {
            fetches.add(tapNode + ":" + k);
        }
        return new Reachable(out.build(), fetches);
    }

    /**
     * A copy of {@code body}'s function named {@code newName} that returns {@code spellings} (typed
     * {@code types}) and keeps only the nodes that {@code deps} need, with {@code replacements} swapped in.
     */
    private static FunctionDef returning(Body body, Map<String, NodeDef> replacements, List<String> spellings,
                                         List<TensorRef> deps, List<DataType> types, String newName) {
        Set<String> keep = body.ancestors(deps, true);
        FunctionDef original = body.function();
        FunctionDef.Builder copy = original.toBuilder();
        OpDef.Builder signature = copy.getSignatureBuilder().setName(newName).clearOutputArg().clearControlOutput();
        copy.clearRet().clearControlRet().clearNodeDef();
        for (int k = 0; k < spellings.size(); k++) {
            String argName = "tap_" + k;
            signature.addOutputArg(OpDef.ArgDef.newBuilder().setName(argName).setType(types.get(k)));
            copy.putRet(argName, spellings.get(k));
        }
        for (NodeDef node : original.getNodeDefList()) {
            if (keep.contains(node.getName())) {
                copy.addNodeDef(replacements.getOrDefault(node.getName(), node));
            }
        }
        return copy.build();
    }

    /** A copy of a call node, renamed, that calls {@code function} and outputs {@code types}. */
    private static NodeDef pointCallAt(NodeDef call, String newName, String function, List<DataType> types) {
        NodeDef.Builder b = call.toBuilder().setName(newName).removeAttr("_output_shapes");
        if (call.containsAttr("f")) {
            b.putAttr("f", AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName(function)).build());
            AttrValue.ListValue.Builder tout = AttrValue.ListValue.newBuilder();
            types.forEach(tout::addType);
            b.putAttr("Tout", AttrValue.newBuilder().setList(tout).build());
        } else {
            b.setOp(function);
        }
        return b.build();
    }

    /** Output-argument name of output {@code k} of a call node made by {@link #pointCallAt}. */
    private static String outputArgName(NodeDef call, int k) {
        return call.containsAttr("f") ? "output" : "tap_" + k;
    }

    private static int outputArgIndex(NodeDef call, int k) {
        return call.containsAttr("f") ? k : 0;
    }

    private static Frame frameAt(InferencePath path, List<String> callPath) {
        return path.frames().stream().filter(f -> f.callPath().equals(callPath)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no frame at " + callPath));
    }

    /** Fresh node and function names. */
    private static final class Names {
        private final Set<String> functions = new HashSet<>();
        private final Set<String> nodes = new HashSet<>();

        Names(GraphDef graph) {
            graph.getLibrary().getFunctionList().forEach(f -> functions.add(f.getSignature().getName()));
            graph.getNodeList().forEach(n -> nodes.add(n.getName()));
        }

        String function(String base) {
            return fresh(base + "_" + NAME, functions);
        }

        String node(String base) {
            return fresh(base, nodes);
        }

        private static String fresh(String base, Set<String> used) {
            String name = base;
            for (int i = 1; used.contains(name); i++) {
                name = base + "_" + i;
            }
            used.add(name);
            return name;
        }
    }
}
