package io.embedstream.model;

import java.util.Arrays;

/**
 * One layer of a model, as {@code inspect} lists it.
 *
 * @param name          the Keras name, usable as {@code model.layer} (e.g. {@code dense}, {@code model_1/dense})
 * @param op            the op whose output the layer yields, e.g. {@code sequential/dense/Relu}
 * @param opType        that op's type, e.g. {@code Relu}
 * @param shape         the output shape, -1 for the batch and other unknown dimensions; null when unknown
 * @param parameterised whether the layer has variables (Dense, Conv2D) or not (pooling, Flatten, Dropout)
 * @param nested        whether the "layer" is a nested model made of layers
 */
public record LayerInfo(String name, String op, String opType, long[] shape, boolean parameterised, boolean nested) {
    @Override
    public String toString() {
        return name + " (" + op + ", " + opType + ", " + Arrays.toString(shape) + ")";
    }
}
