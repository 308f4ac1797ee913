package io.embedstream.model.graph;

/**
 * One tensor inside a {@link Body}: output {@code index} (flat, counting every element of list
 * outputs) of node {@code node}, or a function argument (then {@code node} is the argument name and
 * {@code index} is 0).
 */
public record TensorRef(String node, int index) {

    /** {@code node:index}, the spelling of GraphDef inputs and session fetches. */
    public String graphName() {
        return node + ":" + index;
    }

    @Override
    public String toString() {
        return graphName();
    }
}
