package io.embedstream.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Which model runs, which of its tensors becomes the embedding, and how TensorFlow is set up.
 *
 * @param dir             a SavedModel directory (saved_model.pb + variables/) or a frozen GraphDef {@code .pb} file
 * @param name            written into every output record; defaults to the directory's name
 * @param version         written into every output record
 * @param tags            SavedModel tags to load
 * @param signature       SavedModel signature whose inputs are fed
 * @param input           signature input key or graph op name; {@code null} = the signature's only input
 * @param layer           the tensor to take, tried in this order: a signature output key; a Keras layer name
 *                        ({@code dense}, {@code model_1/dense}, or its scope {@code sequential/dense}); an op
 *                        name ({@code name} or {@code name:index}), also inside a Keras model's functions
 *                        ({@code sequential/dense/Relu}); {@code null} = the signature's only output
 * @param sessions        one TF session per stream thread, or one shared session
 * @param device          cpu | gpu | auto
 * @param intraOpThreads  TF intra-op threads per session; 0 = cores / stream threads (per-thread) or all cores (shared)
 * @param interOpThreads  TF inter-op threads per session; 0 = TensorFlow's default
 */
public record ModelConfig(
        Path dir,
        String name,
        String version,
        List<String> tags,
        String signature,
        String input,
        String layer,
        SessionMode sessions,
        Device device,
        int intraOpThreads,
        int interOpThreads) {

    public ModelConfig {
        if (dir == null || dir.toString().isBlank()) {
            throw new ConfigException("model.dir is required but was not set");
        }
        name = Checks.blankToNull(name);
        if (name == null) {
            Path fileName = dir.toAbsolutePath().normalize().getFileName();
            name = fileName == null ? "model" : fileName.toString();
        }
        version = Checks.requireText("model.version", version);
        tags = tags == null || tags.isEmpty() ? List.of("serve") : List.copyOf(tags);
        signature = Checks.requireText("model.signature", signature);
        input = Checks.blankToNull(input);
        layer = Checks.blankToNull(layer);
        sessions = Checks.required("model.sessions", sessions);
        device = Checks.required("model.device", device);
        Checks.atLeast("model.intra-op-threads", intraOpThreads, 0);
        Checks.atLeast("model.inter-op-threads", interOpThreads, 0);
    }

    /** A CPU model with the defaults of {@code embedstream-defaults.yaml}, for code and tests. */
    public static ModelConfig of(Path dir, String layer) {
        return new ModelConfig(dir, null, "1", List.of("serve"), "serving_default", null, layer,
                SessionMode.PER_THREAD, Device.CPU, 0, 0);
    }

    public ModelConfig withLayer(String newLayer) {
        return new ModelConfig(dir, name, version, tags, signature, input, newLayer, sessions, device,
                intraOpThreads, interOpThreads);
    }
}
