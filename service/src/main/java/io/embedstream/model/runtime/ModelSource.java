package io.embedstream.model.runtime;

import com.google.protobuf.InvalidProtocolBufferException;
import io.embedstream.model.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;

/**
 * A model as read from disk, before anything is loaded into TensorFlow: a SavedModel directory
 * (Keras or TF1-style, e.g. exported by TF Java) or a frozen GraphDef {@code .pb} file. Immutable.
 *
 * @param location          the directory or file
 * @param format            which of the two
 * @param metaGraph         the chosen meta graph; for a frozen graph one that holds only the graph
 * @param variablesPrefix   {@code <dir>/variables/variables}, or null when the model has no variables
 */
public record ModelSource(Path location, Format format, MetaGraphDef metaGraph, String variablesPrefix) {

    public enum Format { SAVED_MODEL, FROZEN_GRAPH }

    /**
     * Reads {@code location}.
     *
     * @param tags the SavedModel tag set to load (ignored for frozen graphs)
     * @throws ModelException naming {@code model.dir} or {@code model.tags} when the model is missing or unusable
     */
    public static ModelSource open(Path location, List<String> tags) {
        Path abs = location.toAbsolutePath().normalize();
        if (!Files.exists(abs)) {
            throw new ModelException("model.dir: '" + abs + "' does not exist");
        }
        if (Files.isRegularFile(abs)) {
            return frozen(abs);
        }
        Path pb = abs.resolve("saved_model.pb");
        if (!Files.isRegularFile(pb)) {
            throw new ModelException("model.dir: '" + abs + "' has no saved_model.pb; expected a SavedModel directory "
                    + "(saved_model.pb + variables/) or a frozen GraphDef .pb file"
                    + (Files.isRegularFile(abs.resolve("saved_model.pbtxt")) ? " (text SavedModels are not supported)" : ""));
        }
        SavedModel savedModel;
        try {
            savedModel = SavedModel.parseFrom(Files.readAllBytes(pb));
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException("model.dir: '" + pb + "' is not a SavedModel protocol buffer", e);
        } catch (IOException e) {
            throw new ModelException("model.dir: cannot read '" + pb + "'", e);
        }
        MetaGraphDef chosen = choose(savedModel, tags, abs);
        Path variables = abs.resolve("variables").resolve("variables");
        boolean hasVariables = Files.isRegularFile(Path.of(variables + ".index"));
        if (!hasVariables && chosen.hasSaverDef()) {
            throw new ModelException("model.dir: '" + abs + "' has a saver but no variables/variables.index");
        }
        return new ModelSource(abs, Format.SAVED_MODEL, chosen, hasVariables ? variables.toString() : null);
    }

    /** The graph with its function library. */
    public GraphDef graphDef() {
        return metaGraph.getGraphDef();
    }

    private static MetaGraphDef choose(SavedModel savedModel, List<String> tags, Path dir) {
        List<List<String>> available = new ArrayList<>();
        for (MetaGraphDef mg : savedModel.getMetaGraphsList()) {
            List<String> have = mg.getMetaInfoDef().getTagsList();
            if (new HashSet<>(have).equals(new HashSet<>(tags))) {
                return mg;
            }
            available.add(have);
        }
        throw new ModelException("model.tags: " + tags + " not found in '" + dir + "'; available tag sets: " + available);
    }

    private static ModelSource frozen(Path file) {
        GraphDef graph;
        try {
            graph = GraphDef.parseFrom(Files.readAllBytes(file));
        } catch (InvalidProtocolBufferException e) {
            throw new ModelException("model.dir: '" + file + "' is a file but not a frozen GraphDef protocol buffer", e);
        } catch (IOException e) {
            throw new ModelException("model.dir: cannot read '" + file + "'", e);
        }
        if (graph.getNodeCount() == 0) {
            throw new ModelException("model.dir: '" + file + "' holds an empty GraphDef");
        }
        return new ModelSource(file, Format.FROZEN_GRAPH, MetaGraphDef.newBuilder().setGraphDef(graph).build(), null);
    }

    /** The restore step for sessions, when the model has variables. */
    public Optional<Restore> restore() {
        if (variablesPrefix == null || !metaGraph.hasSaverDef()) {
            return Optional.empty();
        }
        return Optional.of(new Restore(metaGraph.getSaverDef().getRestoreOpName(),
                metaGraph.getSaverDef().getFilenameTensorName(), variablesPrefix));
    }

    /**
     * Ops to run once per session after the restore, as the SavedModel loader does: the
     * {@code __saved_model_init_op} signature, else the main-op / legacy-init-op collection, plus table
     * initializers.
     */
    public List<String> initOps() {
        List<String> ops = new ArrayList<>();
        var init = metaGraph.getSignatureDefMap().get("__saved_model_init_op");
        if (init != null && init.containsOutputs("__saved_model_init_op")) {
            ops.add(opName(init.getOutputsOrThrow("__saved_model_init_op").getName()));
        } else {
            for (String key : List.of("saved_model_main_op", "legacy_init_op")) {
                var collection = metaGraph.getCollectionDefMap().get(key);
                if (collection != null && collection.getNodeList().getValueCount() > 0) {
                    collection.getNodeList().getValueList().forEach(v -> ops.add(opName(v)));
                    break;
                }
            }
        }
        var tables = metaGraph.getCollectionDefMap().get("table_initializer");
        if (tables != null) {
            tables.getNodeList().getValueList().forEach(v -> ops.add(opName(v)));
        }
        return ops;
    }

    private static String opName(String tensorOrOp) {
        String name = tensorOrOp.startsWith("^") ? tensorOrOp.substring(1) : tensorOrOp;
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    /**
     * How variables get into a fresh session: run {@code restoreOp} feeding {@code prefix} to {@code filenameTensor}.
     */
    public record Restore(String restoreOp, String filenameTensor, String prefix) {}
}
