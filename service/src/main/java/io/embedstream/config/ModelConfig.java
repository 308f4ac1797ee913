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

    /** A CPU model with the defaults of {@code embedstream-defaults.yaml} and this layer, for code and tests. */
    public static ModelConfig of(Path dir, String layer) {
        return builder().dir(dir).layer(layer).build();
    }

    /** A builder with the defaults of {@code embedstream-defaults.yaml}; {@code dir} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        return new Builder().dir(dir).name(name).version(version).tags(tags).signature(signature).input(input)
                .layer(layer).sessions(sessions).device(device).intraOpThreads(intraOpThreads)
                .interOpThreads(interOpThreads);
    }

    /** Mutable builder, for commands and tests; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private Path dir;
        private String name;
        private String version = "1";
        private List<String> tags = List.of("serve");
        private String signature = "serving_default";
        private String input;
        private String layer;
        private SessionMode sessions = SessionMode.PER_THREAD;
        private Device device = Device.CPU;
        private int intraOpThreads;
        private int interOpThreads;

        private Builder() {}

        public Builder dir(Path v) { dir = v; return this; }
        public Builder name(String v) { name = v; return this; }
        public Builder version(String v) { version = v; return this; }
        public Builder tags(List<String> v) { tags = v; return this; }
        public Builder signature(String v) { signature = v; return this; }
        public Builder input(String v) { input = v; return this; }
        public Builder layer(String v) { layer = v; return this; }
        public Builder sessions(SessionMode v) { sessions = v; return this; }
        public Builder device(Device v) { device = v; return this; }
        public Builder intraOpThreads(int v) { intraOpThreads = v; return this; }
        public Builder interOpThreads(int v) { interOpThreads = v; return this; }

        public ModelConfig build() {
            return new ModelConfig(dir, name, version, tags, signature, input, layer, sessions, device, intraOpThreads,
                    interOpThreads);
        }
    }
}
