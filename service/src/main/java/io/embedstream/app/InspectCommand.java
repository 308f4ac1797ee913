package io.embedstream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.embedstream.config.ModelConfig;
import io.embedstream.model.LayerInfo;
import io.embedstream.model.ModelInspection;
import io.embedstream.model.ModelInspector;
import io.embedstream.model.SignatureInfo;
import io.embedstream.model.TensorInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code embedstream inspect MODEL_DIR}: what {@code model.summary()} would print, plus the op
 * names embedstream can tap: signatures, layers in execution order with shapes, and the suggested
 * embedding layer.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a model's signatures, its layers in execution order, and the suggested embedding layer.")
final class InspectCommand implements Callable<Integer> {

    enum Format { text, json }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "SavedModel directory or frozen GraphDef .pb file.")
    Path modelDir;

    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--signature", defaultValue = "serving_default", description = "Signature whose layers are listed.")
    String signature;

    @Option(names = "--tags", defaultValue = "serve", split = ",", description = "SavedModel tags (default: ${DEFAULT-VALUE}).")
    List<String> tags;

    @Override
    public Integer call() throws Exception {
        ModelConfig config = ModelConfig.builder().dir(modelDir).tags(tags).signature(signature).build();
        ModelInspection inspection = ModelInspector.inspect(config);
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(asJson(inspection)));
        } else {
            printText(out, inspection);
        }
        out.flush();
        return 0;
    }

    private static void printText(PrintWriter out, ModelInspection m) {
        out.printf("Model %s (%s, %s)%n", m.location(), m.format(), m.kind());
        if (!m.signatures().isEmpty()) {
            out.println();
            out.println("Signatures:");
            for (SignatureInfo s : m.signatures()) {
                out.printf("  %s (%s)%n", s.key(), s.method());
                for (TensorInfo t : s.inputs()) {
                    out.printf("    input   %-24s %-10s %-20s %s%n", t.name(), dtype(t.dtype()), Arrays.toString(t.shape()), t.op());
                }
                for (TensorInfo t : s.outputs()) {
                    out.printf("    output  %-24s %-10s %-20s %s%n", t.name(), dtype(t.dtype()), Arrays.toString(t.shape()), t.op());
                }
            }
        }
        out.println();
        out.printf("Layers%s, in execution order:%n", m.signature() == null ? "" : " of " + m.signature());
        int nameWidth = Math.max(5, m.layers().stream().mapToInt(l -> l.name().length()).max().orElse(5));
        int opWidth = Math.max(2, m.layers().stream().mapToInt(l -> l.op().length()).max().orElse(2));
        String row = "  %3s  %-" + nameWidth + "s  %-" + opWidth + "s  %-16s  %s%n";
        out.printf(row, "#", "layer", "op", "type", "output shape");
        int i = 1;
        for (LayerInfo l : m.layers()) {
            out.printf(row, i++, l.name(), l.op(), l.opType(), l.shape() == null ? "?" : Arrays.toString(l.shape()));
        }
        out.println();
        if (m.suggestedLayer() != null) {
            out.printf("Suggested embedding layer: %s  (the last layer before the classifier head; model.layer: %s)%n",
                    m.suggestedLayer(), m.suggestedLayer());
        } else {
            out.println("Suggested embedding layer: none found");
        }
        out.println("Any layer above can be used as model.layer, by its name or its op name.");
    }

    private static String dtype(String dtype) {
        return dtype.startsWith("DT_") ? dtype.substring(3).toLowerCase(java.util.Locale.ROOT) : dtype;
    }

    private static Map<String, Object> asJson(ModelInspection m) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("location", m.location().toString());
        json.put("format", m.format());
        json.put("kind", m.kind());
        json.put("signatures", m.signatures().stream().map(s -> {
            Map<String, Object> sig = new LinkedHashMap<>();
            sig.put("key", s.key());
            sig.put("method", s.method());
            sig.put("inputs", s.inputs().stream().map(InspectCommand::tensor).toList());
            sig.put("outputs", s.outputs().stream().map(InspectCommand::tensor).toList());
            return sig;
        }).toList());
        json.put("signature", m.signature());
        json.put("layers", m.layers().stream().map(l -> {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("name", l.name());
            layer.put("op", l.op());
            layer.put("type", l.opType());
            layer.put("shape", l.shape());
            layer.put("parameterised", l.parameterised());
            layer.put("nested", l.nested());
            return layer;
        }).toList());
        json.put("suggestedLayer", m.suggestedLayer());
        return json;
    }

    private static Map<String, Object> tensor(TensorInfo t) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", t.name());
        json.put("tensor", t.op());
        json.put("dtype", t.dtype());
        json.put("shape", t.shape());
        return json;
    }
}
