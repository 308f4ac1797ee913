package io.embedstream.model.graph;

/**
 * One tensor inside a {@link Body}: output {@code index} (flat, counting every element of list
 * outputs) of node {@code node}, or a function argument (then {@code node} is the argument name and
 * {@code index} is 0).
 */
public record TensorRef(String node, int index) {

    /**
     * Reads the top-level spelling: {@code node:index}, or a bare {@code node} for output 0. (Function bodies
     * spell tensors differently; {@link Body#parse} reads both.)
     *
     * @throws NumberFormatException when the part after the last colon is not a whole number
     */
    public static TensorRef parse(String graphName) {
        int colon = graphName.lastIndexOf(':');
        return colon < 0 ? new TensorRef(graphName, 0)
                : new TensorRef(graphName.substring(0, colon), Integer.parseInt(graphName.substring(colon + 1)));
    }

    /** {@code node:index}, the spelling of GraphDef inputs and session fetches. */
    public String graphName() {
        return node + ":" + index;
    }

    @Override
    public String toString() {
        return graphName();
    }
}
