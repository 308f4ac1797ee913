package io.embedstream.model.graph;

import io.embedstream.model.ModelException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Output signatures of ops, so that a function body's {@code node:output_arg:index} tensor names can
 * be translated to and from flat output indices for any op type. Op types come from TensorFlow's op
 * registry ({@link TensorFlow#registeredOpList()}); functions of the graph's library act as op types
 * of their own. Immutable and thread-safe.
 */
public final class OpSignatures {

    private static final Set<String> CALL_OPS = Set.of("PartitionedCall", "StatefulPartitionedCall");

    private final Map<String, OpDef> library;

    private OpSignatures(Map<String, OpDef> library) {
        this.library = library;
    }

    /** Signatures of the registered ops plus those of the functions in {@code library}. */
    public static OpSignatures of(FunctionDefLibrary library) {
        Map<String, OpDef> functions = new HashMap<>();
        for (FunctionDef f : library.getFunctionList()) {
            functions.put(f.getSignature().getName(), f.getSignature());
        }
        return new OpSignatures(Map.copyOf(functions));
    }

    /** The signature of {@code opType}: a registered op or a library function. */
    public OpDef opDef(String opType) {
        OpDef def = library.get(opType);
        if (def == null) {
            def = Registry.OPS.get(opType);
        }
        if (def == null) {
            throw new ModelException("op type '" + opType + "' is neither registered in TensorFlow "
                    + TensorFlow.version() + " nor a function of the model's library");
        }
        return def;
    }

    /** The library function that {@code node} calls, if it is a function call. */
    public Optional<String> calledFunction(NodeDef node) {
        if (library.containsKey(node.getOp())) {
            return Optional.of(node.getOp());
        }
        if (CALL_OPS.contains(node.getOp()) && node.containsAttr("f")) {
            String name = node.getAttrOrThrow("f").getFunc().getName();
            if (library.containsKey(name)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** How many tensors {@code node} outputs, counting every element of list outputs. */
    public int outputCount(NodeDef node) {
        int n = 0;
        OpDef def = opDef(node.getOp());
        for (OpDef.ArgDef arg : def.getOutputArgList()) {
            n += argLength(def, arg, node);
        }
        return n;
    }

    /** The flat output index of {@code node}'s output {@code argName:index}. */
    public int flatIndex(NodeDef node, String argName, int index) {
        OpDef def = opDef(node.getOp());
        int flat = 0;
        for (OpDef.ArgDef arg : def.getOutputArgList()) {
            int length = argLength(def, arg, node);
            if (arg.getName().equals(argName)) {
                if (index < 0 || index >= length) {
                    throw new ModelException("node '" + node.getName() + "' (" + node.getOp() + ") has no output "
                            + argName + ":" + index + "; '" + argName + "' has " + length + " element(s)");
                }
                return flat + index;
            }
            flat += length;
        }
        throw new ModelException("node '" + node.getName() + "' (" + node.getOp() + ") has no output argument '"
                + argName + "'; it has " + def.getOutputArgList().stream().map(OpDef.ArgDef::getName).toList());
    }

    /** The function-body name of a flat output: {@code node:output_arg:index}, e.g. {@code dense/Relu:activations:0}. */
    public String bodyName(NodeDef node, int flatIndex) {
        OpDef def = opDef(node.getOp());
        int remaining = flatIndex;
        for (OpDef.ArgDef arg : def.getOutputArgList()) {
            int length = argLength(def, arg, node);
            if (remaining < length) {
                return node.getName() + ":" + arg.getName() + ":" + remaining;
            }
            remaining -= length;
        }
        throw new ModelException("node '" + node.getName() + "' (" + node.getOp() + ") has no output " + flatIndex);
    }

    /** The dtype of a flat output. */
    public DataType outputType(NodeDef node, int flatIndex) {
        OpDef def = opDef(node.getOp());
        int remaining = flatIndex;
        for (OpDef.ArgDef arg : def.getOutputArgList()) {
            int length = argLength(def, arg, node);
            if (remaining < length) {
                return argType(def, arg, node, remaining);
            }
            remaining -= length;
        }
        throw new ModelException("node '" + node.getName() + "' (" + node.getOp() + ") has no output " + flatIndex);
    }

    private static int argLength(OpDef def, OpDef.ArgDef arg, NodeDef node) {
        if (!arg.getNumberAttr().isEmpty()) {
            return (int) attr(def, node, arg.getNumberAttr()).getI();
        }
        if (!arg.getTypeListAttr().isEmpty()) {
            return attr(def, node, arg.getTypeListAttr()).getList().getTypeCount();
        }
        return 1;
    }

    private static DataType argType(OpDef def, OpDef.ArgDef arg, NodeDef node, int element) {
        if (!arg.getTypeListAttr().isEmpty()) {
            return attr(def, node, arg.getTypeListAttr()).getList().getType(element);
        }
        if (arg.getType() != DataType.DT_INVALID) {
            return arg.getType();
        }
        return attr(def, node, arg.getTypeAttr()).getType();
    }

    /** The node's attribute, or the op's default for it. */
    private static AttrValue attr(OpDef def, NodeDef node, String name) {
        AttrValue value = node.getAttrMap().get(name);
        if (value != null) {
            return value;
        }
        for (OpDef.AttrDef a : def.getAttrList()) {
            if (a.getName().equals(name) && a.hasDefaultValue()) {
                return a.getDefaultValue();
            }
        }
        throw new ModelException("node '" + node.getName() + "' (" + node.getOp() + ") lacks attribute '" + name + "'");
    }

    /** TensorFlow's registered ops, read once per JVM. */
    private static final class Registry {
        static final Map<String, OpDef> OPS = load();

        private static Map<String, OpDef> load() {
            List<OpDef> ops = TensorFlow.registeredOpList().getOpList();
            Map<String, OpDef> byName = new HashMap<>(ops.size() * 2);
            for (OpDef op : ops) {
                byName.put(op.getName(), op);
            }
            return Map.copyOf(byName);
        }
    }
}
