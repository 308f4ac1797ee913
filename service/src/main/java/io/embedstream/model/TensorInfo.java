package io.embedstream.model;

import java.util.Arrays;

/**
 * A named tensor of a model: a signature input or output, or a tapped layer.
 *
 * @param name  what users call it (signature key, Keras layer name or op name)
 * @param op    the graph tensor it resolves to, {@code op:index}
 * @param dtype TensorFlow dtype name, e.g. {@code DT_FLOAT}
 * @param shape static shape; -1 for unknown dimensions (axis 0 is the batch)
 */
public record TensorInfo(String name, String op, String dtype, long[] shape) {
    /** A copy with another static shape. */
    public TensorInfo withShape(long[] newShape) {
        return new TensorInfo(name, op, dtype, newShape);
    }

    @Override
    public String toString() {
        return name + " (" + op + ", " + dtype + ", " + Arrays.toString(shape) + ")";
    }
}
