package io.embedstream.model;

import io.embedstream.model.graph.Reachable;
import io.embedstream.model.runtime.ModelSource;

/**
 * What a model configuration resolves to before TensorFlow loads anything: which tensor is fed,
 * which is fetched and the graph in which the latter is reachable.
 *
 * @param source      the model as read from disk
 * @param input       the fed tensor ({@code op} is the top-level {@code op:index})
 * @param output      the fetched tensor ({@code op} is the op inside the model, e.g. {@code sequential/dense/Relu})
 * @param reachable   the graph to import and the top-level name to fetch {@code output} by
 * @param kind        a short description for logs, e.g. {@code signature output} or {@code Keras layer, tapped}
 */
record ModelPlan(ModelSource source, TensorInfo input, TensorInfo output, Reachable reachable, String kind) {

    String inputTensor() {
        return input.op();
    }

    String outputTensor() {
        return reachable.fetches().get(0);
    }
}
