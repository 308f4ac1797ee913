package io.embedstream.model;

import io.embedstream.model.graph.TensorRef;
import io.embedstream.model.runtime.ModelSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Reads the signatures of a {@link ModelSource} and describes their tensors as {@link TensorInfo}s. The
 * planner and the inspector both read signatures through it. Everything is sorted by key, so that messages
 * and listings do not depend on protobuf map order. Stateless and thread-safe.
 */
final class ModelSignatures {

    /** The signature that holds a SavedModel's init op; not one a user chooses. */
    static final String INIT_SIGNATURE = "__saved_model_init_op";

    private ModelSignatures() {}

    /** The signatures a user can choose, by key, the init signature left out; empty for a frozen graph. */
    static Map<String, SignatureDef> all(ModelSource source) {
        Map<String, SignatureDef> result = new TreeMap<>(source.metaGraph().getSignatureDefMap());
        result.remove(INIT_SIGNATURE);
        return result;
    }

    /**
     * The signature named {@code key} ({@code model.signature}).
     *
     * @return empty when the model has no signatures at all (a frozen graph)
     * @throws ModelException naming {@code model.signature} and the available keys when the model has signatures,
     *                        but none named {@code key}
     */
    static Optional<SignatureDef> find(ModelSource source, String key) {
        Map<String, SignatureDef> available = all(source);
        if (available.isEmpty()) {
            return Optional.empty();
        }
        SignatureDef signature = available.get(key);
        if (signature == null) {
            throw new ModelException("model.signature: '" + key + "' not found in '" + source.location()
                    + "'; available: " + String.join(", ", available.keySet()));
        }
        return Optional.of(signature);
    }

    /** Every signature a user can choose, with its inputs and outputs. */
    static List<SignatureInfo> describe(ModelSource source) {
        List<SignatureInfo> result = new ArrayList<>();
        all(source).forEach((key, s) -> result.add(new SignatureInfo(key, s.getMethodName(), inputs(s), outputs(s))));
        return result;
    }

    static List<TensorInfo> inputs(SignatureDef signature) {
        return tensors(signature.getInputsMap());
    }

    static List<TensorInfo> outputs(SignatureDef signature) {
        return tensors(signature.getOutputsMap());
    }

    /** The top-level tensors that a signature computes, in key order. */
    static List<TensorRef> outputTensors(SignatureDef signature) {
        return new TreeMap<>(signature.getOutputsMap()).values().stream().map(i -> TensorRef.parse(i.getName())).toList();
    }

    /** One tensor of a signature, named by its key; {@code op} in the {@code node:index} spelling. */
    static TensorInfo tensor(String key, org.tensorflow.proto.TensorInfo info) {
        return new TensorInfo(key, TensorRef.parse(info.getName()).graphName(), info.getDtype().name(),
                shape(info.getTensorShape()));
    }

    /** A static shape, -1 for unknown dimensions; null when even the rank is unknown. */
    static long[] shape(TensorShapeProto shape) {
        return shape.getUnknownRank() ? null
                : shape.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
    }

    private static List<TensorInfo> tensors(Map<String, org.tensorflow.proto.TensorInfo> byKey) {
        List<TensorInfo> result = new ArrayList<>();
        new TreeMap<>(byKey).forEach((key, info) -> result.add(tensor(key, info)));
        return result;
    }
}
