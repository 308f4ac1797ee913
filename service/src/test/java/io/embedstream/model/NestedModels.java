package io.embedstream.model;

import io.embedstream.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SavedModel;

/**
 * Builds nested-model variants of the grenade-mlp SavedModel by editing its inference function, since
 * none of the shared models nests one model in another. The layers dense_760 and dense_761 become a
 * nested model {@code model_1}, in one of the two shapes TF2 SavedModels take:
 * <ul>
 *   <li>{@link #inlined}: traced inline, as Keras does for a model used as a layer; ops are named
 *       {@code sequential_182/model_1/dense_760/...}.</li>
 *   <li>{@link #called}: a separate function called through {@code StatefulPartitionedCall}, as a restored
 *       SavedModel layer (e.g. a TF-Hub feature extractor) is; ops inside are named {@code model_1/dense_760/...}.</li>
 * </ul>
 * Variables are copied from the original; the values computed are the original ones.
 */
final class NestedModels {

    private static final String MODEL = "sequential_182/";
    private static final List<String> MOVED = List.of("sequential_182/dense_760/", "sequential_182/dense_761/");
    private static final String DROPOUT_OUT = "sequential_182/dropout_194/Identity:output:0";
    private static final String DENSE_761_OUT = "sequential_182/dense_761/Relu:activations:0";

    private NestedModels() {}

    static Path inlined(Path into) {
        return write(into, wrapped -> rename(wrapped,
                n -> moved(n) ? MODEL + "model_1/" + n.substring(MODEL.length()) : n));
    }

    static Path called(Path into, List<FunctionDef> added) {
        return write(into, wrapped -> {
            List<String> resources = wrapped.getSignature().getInputArgList().stream().map(OpDef.ArgDef::getName)
                    .filter(a -> a.contains("dense_760") || a.contains("dense_761")).toList();
            // The nested model's own function: x and four variable handles in, dense_761's ReLU out.
            FunctionDef.Builder inner = FunctionDef.newBuilder();
            OpDef.Builder sig = inner.getSignatureBuilder().setName("__inference_model_1_layer_call_embedstream_test")
                    .setIsStateful(true)
                    .addInputArg(OpDef.ArgDef.newBuilder().setName("x").setType(DataType.DT_FLOAT));
            for (int i = 0; i < resources.size(); i++) {
                sig.addInputArg(OpDef.ArgDef.newBuilder().setName("r" + i).setType(DataType.DT_RESOURCE));
            }
            sig.addOutputArg(OpDef.ArgDef.newBuilder().setName("y").setType(DataType.DT_FLOAT));
            for (NodeDef n : wrapped.getNodeDefList()) {
                if (!moved(n.getName())) {
                    continue;
                }
                NodeDef.Builder copy = n.toBuilder().setName(n.getName().replace(MODEL, "model_1/")).clearInput();
                for (String in : n.getInputList()) {
                    if (in.equals(DROPOUT_OUT)) {
                        copy.addInput("x");
                    } else if (resources.contains(in)) {
                        copy.addInput("r" + resources.indexOf(in));
                    } else {
                        copy.addInput(in.replace(MODEL, "model_1/"));
                    }
                }
                inner.addNodeDef(copy);
            }
            inner.putRet("y", "model_1/dense_761/Relu:activations:0");
            added.add(inner.build());

            // The outer function calls it where the two layers were.
            String call = MODEL + "model_1/StatefulPartitionedCall";
            AttrValue.ListValue.Builder tin = AttrValue.ListValue.newBuilder().addType(DataType.DT_FLOAT);
            resources.forEach(r -> tin.addType(DataType.DT_RESOURCE));
            NodeDef.Builder callNode = NodeDef.newBuilder().setName(call).setOp("StatefulPartitionedCall")
                    .addInput(DROPOUT_OUT).addAllInput(resources)
                    .putAttr("Tin", AttrValue.newBuilder().setList(tin).build())
                    .putAttr("Tout", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()
                            .addType(DataType.DT_FLOAT)).build())
                    .putAttr("f", AttrValue.newBuilder().setFunc(NameAttrList.newBuilder()
                            .setName(sig.getName())).build())
                    .putAttr("config_proto", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build())
                    .putAttr("config", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build())
                    .putAttr("executor_type", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build());
            FunctionDef.Builder outer = wrapped.toBuilder().clearNodeDef().clearControlRet();
            outer.getSignatureBuilder().clearControlOutput();
            for (NodeDef n : wrapped.getNodeDefList()) {
                if (moved(n.getName())) {
                    continue;
                }
                NodeDef.Builder copy = n.toBuilder().clearInput();
                for (String in : n.getInputList()) {
                    if (in.equals(DENSE_761_OUT)) {
                        copy.addInput(call + ":output:0");
                    } else if (!(in.startsWith("^") && moved(in.substring(1)))) {
                        copy.addInput(in);
                    }
                }
                outer.addNodeDef(copy);
            }
            outer.addNodeDef(callNode);
            return outer.build();
        }, added);
    }

    private static boolean moved(String nodeName) {
        return MOVED.stream().anyMatch(nodeName::startsWith);
    }

    /** Renames nodes everywhere they are referred to. */
    private static FunctionDef rename(FunctionDef f, UnaryOperator<String> names) {
        FunctionDef.Builder b = f.toBuilder().clearNodeDef().clearRet().clearControlRet();
        b.getSignatureBuilder().clearControlOutput();
        for (NodeDef n : f.getNodeDefList()) {
            NodeDef.Builder copy = n.toBuilder().setName(names.apply(n.getName())).clearInput();
            n.getInputList().forEach(in -> copy.addInput(renameRef(in, names)));
            b.addNodeDef(copy);
        }
        f.getRetMap().forEach((k, v) -> b.putRet(k, renameRef(v, names)));
        f.getControlRetMap().forEach((k, v) -> b.putControlRet(names.apply(k), names.apply(v)));
        f.getSignature().getControlOutputList().forEach(c -> b.getSignatureBuilder().addControlOutput(names.apply(c)));
        return b.build();
    }

    private static String renameRef(String ref, UnaryOperator<String> names) {
        boolean control = ref.startsWith("^");
        String body = control ? ref.substring(1) : ref;
        int colon = body.indexOf(':');
        String node = colon < 0 ? body : body.substring(0, colon);
        String rest = colon < 0 ? "" : body.substring(colon);
        return (control ? "^" : "") + names.apply(node) + rest;
    }

    private static Path write(Path into, UnaryOperator<FunctionDef> edit) {
        return write(into, edit, new ArrayList<>());
    }

    private static Path write(Path into, UnaryOperator<FunctionDef> edit, List<FunctionDef> added) {
        Path original = TestData.model("grenade-mlp");
        try {
            SavedModel saved = SavedModel.parseFrom(Files.readAllBytes(original.resolve("saved_model.pb")));
            MetaGraphDef.Builder meta = saved.getMetaGraphs(0).toBuilder();
            var library = meta.getGraphDefBuilder().getLibraryBuilder();
            for (int i = 0; i < library.getFunctionCount(); i++) {
                if (library.getFunction(i).getSignature().getName().startsWith("__inference__wrapped_model")) {
                    library.setFunction(i, edit.apply(library.getFunction(i)));
                }
            }
            added.forEach(library::addFunction);
            Files.createDirectories(into.resolve("variables"));
            Files.write(into.resolve("saved_model.pb"), saved.toBuilder().setMetaGraphs(0, meta).build().toByteArray());
            try (Stream<Path> files = Files.list(original.resolve("variables"))) {
                for (Path p : files.toList()) {
                    Files.copy(p, into.resolve("variables").resolve(p.getFileName()));
                }
            }
            return into;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
