package io.embedstream.model.graph;

/**
 * A layer found in the model frame: a name scope of ops, identified by its Keras name.
 *
 * @param name          the Keras name relative to the outermost model, e.g. {@code dense} or {@code model_1/dense}
 * @param scope         the full name scope in the graph, e.g. {@code sequential/dense}
 * @param output        the layer's output: the last op of the scope whose value leaves the scope
 * @param opType        the type of the output op, e.g. {@code Relu}
 * @param parameterised whether the layer reads variables (a Dense or Conv2D does; Flatten, Dropout, pooling do not)
 * @param container     whether it is a nested model (a scope made of layers), not a leaf layer
 */
public record Layer(String name, String scope, TensorRef output, String opType, boolean parameterised,
                    boolean container) {

    /** The output's op name, with {@code :index} when it is not output 0. */
    public String opName() {
        return output.index() == 0 ? output.node() : output.graphName();
    }
}
