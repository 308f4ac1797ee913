package io.embedstream.model.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * The bodies that compute a signature's outputs: the top-level graph and every library function
 * reachable from it through call nodes ({@code StatefulPartitionedCall}, {@code PartitionedCall} or a
 * direct function op), depth first. Training-mode variants that the inference path never calls
 * (Keras' {@code *_layer_call_and_return_conditional_losses_*}) are therefore never visited.
 *
 * <p>The <em>model frame</em> is where the layers live: starting at the top-level graph, it descends
 * through pure wrappers (bodies whose only compute node is one function call, as Keras'
 * {@code signature_wrapper} is) and stops at the first body that computes something itself. For a
 * TF1-style graph that is the top-level graph. Immutable.
 */
public final class InferencePath {

    /** Ops that wrappers use around a call without computing anything. */
    private static final Set<String> WRAPPER_GLUE = Set.of(
            "Placeholder", "VarHandleOp", "Const", "Identity", "IdentityN", "NoOp");
    private static final int MAX_DEPTH = 16;

    private final List<Frame> frames;
    private final Frame modelFrame;

    private InferencePath(List<Frame> frames, Frame modelFrame) {
        this.frames = List.copyOf(frames);
        this.modelFrame = modelFrame;
    }

    /**
     * @param graph   the top-level graph with its function library
     * @param outputs the top-level tensors to compute (e.g. a signature's outputs)
     */
    public static InferencePath trace(GraphDef graph, List<TensorRef> outputs) {
        OpSignatures ops = OpSignatures.of(graph.getLibrary());
        Frame top = new Frame(Body.ofGraph(graph, ops), List.of(), outputs);
        Map<String, FunctionDef> library = new HashMap<>();
        graph.getLibrary().getFunctionList().forEach(f -> library.put(f.getSignature().getName(), f));
        List<Frame> frames = new ArrayList<>();
        collect(library, top, frames);
        Frame model = top;
        while (true) {
            NodeDef call = soleCall(model);
            if (call == null) {
                break;
            }
            List<String> path = append(model.callPath(), call.getName());
            model = frames.stream().filter(f -> f.callPath().equals(path)).findFirst().orElseThrow();
        }
        return new InferencePath(frames, model);
    }

    /** Every frame, the top-level graph first, then depth first in topological order of the calls. */
    public List<Frame> frames() {
        return frames;
    }

    public Frame top() {
        return frames.get(0);
    }

    /** The body that holds the model's layers. */
    public Frame modelFrame() {
        return modelFrame;
    }

    private static void collect(Map<String, FunctionDef> library, Frame frame, List<Frame> into) {
        into.add(frame);
        if (frame.depth() >= MAX_DEPTH) {
            return;
        }
        Body body = frame.body();
        Set<String> needed = body.ancestors(frame.outputs(), true);
        for (NodeDef node : body.nodes()) {
            if (!needed.contains(node.getName())) {
                continue;
            }
            body.ops().calledFunction(node).ifPresent(fname -> {
                Body callee = Body.ofFunction(library.get(fname), body.ops());
                collect(library, new Frame(callee, append(frame.callPath(), node.getName()), callee.returns()), into);
            });
        }
    }

    /** The one call node of a pure wrapper, or null when the body computes something itself. */
    private static NodeDef soleCall(Frame frame) {
        Body body = frame.body();
        NodeDef call = null;
        for (String name : body.ancestors(frame.outputs(), true)) {
            NodeDef node = body.requireNode(name);
            if (WRAPPER_GLUE.contains(node.getOp())) {
                continue;
            }
            if (call != null || body.ops().calledFunction(node).isEmpty()) {
                return null;
            }
            call = node;
        }
        return call;
    }

    private static List<String> append(List<String> path, String element) {
        List<String> result = new ArrayList<>(path);
        result.add(element);
        return result;
    }
}
