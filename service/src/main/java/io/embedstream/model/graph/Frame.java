package io.embedstream.model.graph;

import java.util.List;

/**
 * A body on the inference path and how it is reached: the names of the call nodes from the
 * top-level graph down to it (empty for the top-level graph itself).
 *
 * @param body     the nodes
 * @param callPath call-node names, outermost first; {@code callPath.get(i)} is a node of the body one level up
 * @param outputs  the tensors of {@code body} that the inference path needs (signature outputs, or the function's returns)
 */
public record Frame(Body body, List<String> callPath, List<TensorRef> outputs) {
    public Frame {
        callPath = List.copyOf(callPath);
        outputs = List.copyOf(outputs);
    }

    public boolean isTopLevel() {
        return callPath.isEmpty();
    }

    public int depth() {
        return callPath.size();
    }
}
