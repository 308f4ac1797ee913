package io.embedstream.model.graph;

import org.tensorflow.proto.DataType;

/**
 * A tensor chosen by the user, located on the inference path.
 *
 * @param requested what the user asked for (layer name or op name)
 * @param layer     the Keras layer name when it was resolved as a layer, else null
 * @param frame     the body it lives in
 * @param tensor    the tensor inside {@code frame}
 * @param opType    the producing op's type, or {@code _Arg} for a function argument
 * @param dtype     its dtype
 * @param shape     the static shape recorded at save time (-1 = unknown dimension), or null when unknown
 */
public record Target(String requested, String layer, Frame frame, TensorRef tensor, String opType, DataType dtype,
                     long[] shape) {

    /** The op name, with {@code :index} when it is not output 0. */
    public String opName() {
        return tensor.index() == 0 ? tensor.node() : tensor.graphName();
    }
}
