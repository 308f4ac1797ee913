package io.embedstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.config.Device;
import io.embedstream.config.ModelConfig;
import io.embedstream.model.runtime.DeviceProbe;
import io.embedstream.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt32;

/** Start-up errors name the key, the value and what is allowed. */
class ModelValidationTest {

    private static final Path MNIST = TestData.model("mnist-cnn");

    @Test
    void shouldRejectAMissingDirectory() {
        assertThatThrownBy(() -> ModelLoader.load(ModelConfig.of(Path.of("/nonexistent/model"), null), 1))
                .isInstanceOf(ModelException.class)
                .hasMessage("model.dir: '/nonexistent/model' does not exist");
    }

    @Test
    void shouldRejectADirectoryWithoutSavedModel(@TempDir Path empty) {
        assertThatThrownBy(() -> ModelLoader.load(ModelConfig.of(empty, null), 1))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith("model.dir: '" + empty + "' has no saved_model.pb");
    }

    @Test
    void shouldListSignaturesWhenTheSignatureIsUnknown() {
        ModelConfig wrong = ModelConfig.builder().dir(MNIST).signature("predict").build();
        assertThatThrownBy(() -> ModelLoader.load(wrong, 1))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith("model.signature: 'predict' not found")
                .hasMessageEndingWith("available: serving_default");
    }

    @Test
    void shouldListTagSetsWhenTheTagsAreUnknown() {
        ModelConfig wrong = ModelConfig.builder().dir(MNIST).tags(List.of("serve", "gpu")).build();
        assertThatThrownBy(() -> ModelLoader.load(wrong, 1))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith("model.tags: [serve, gpu] not found")
                .hasMessageEndingWith("available tag sets: [[serve]]");
    }

    @Test
    void shouldListLayersAndSuggestTheNearestForAnUnknownLayer() {
        assertThatThrownBy(() -> ModelLoader.load(ModelConfig.of(MNIST, "dense_9"), 1))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith("model.layer: 'dense_9' is not an output of signature 'serving_default', "
                        + "a layer or an op of")
                .hasMessageContaining("signature outputs: dense_1")
                .hasMessageContaining("layers: conv2d, max_pooling2d, conv2d_1, max_pooling2d_1, flatten, dense, dense_1")
                .hasMessageEndingWith("did you mean 'dense_1' or 'dense'?");
    }

    @Test
    void shouldSuggestTheNearestOpForAMistypedOpName() {
        assertThatThrownBy(() -> ModelLoader.load(ModelConfig.of(MNIST, "sequential/dense/Relux"), 1))
                .isInstanceOf(ModelException.class)
                .hasMessageEndingWith("did you mean 'sequential/dense/Relu'?");
    }

    @Test
    void shouldNameExpectedAndActualShapesForAWrongInput() {
        try (EmbeddingModel model = ModelLoader.load(ModelConfig.of(MNIST, null), 1);
             InferenceSession s = model.openSession()) {
            assertThatThrownBy(() -> s.run(Batches.random(1, 2, 27, 28, 1)))
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining("input shape [2, 27, 28, 1] does not match model input 'conv2d_input' "
                            + "[-1, 28, 28, 1]");
            assertThatThrownBy(() -> s.run(Batches.random(1, 2, 784)))
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining("input shape [2, 784] does not match");
        }
    }

    @Test
    void shouldListSignatureInputsForAnUnknownInput() {
        ModelConfig wrong = ModelConfig.builder().dir(MNIST).input("pixels").build();
        assertThatThrownBy(() -> ModelLoader.load(wrong, 1))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith("model.input: 'pixels' is neither an input of signature 'serving_default' "
                        + "(conv2d_input) nor an op of the graph");
    }

    @Test
    void shouldRejectANonFloatInput(@TempDir Path dir) throws Exception {
        Path pb = dir.resolve("ids.pb");
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TInt32> ids = tf.withName("ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, 4)));
            tf.withName("doubled").math.mul(ids, tf.constant(2));
            Files.write(pb, g.toGraphDef().toByteArray());
        }
        assertThatThrownBy(() -> ModelLoader.load(ModelConfig.of(pb, null), 1))
                .isInstanceOf(ModelException.class)
                .hasMessage("model.input: 'ids' (ids:0) has dtype DT_INT32; only DT_FLOAT is supported");
    }

    @Test
    void shouldLoadOnTheGpuWhenOneIsVisibleAndFailClearlyWhenItIsRequiredButAbsent() {
        ModelConfig gpu = ModelConfig.builder().dir(MNIST).device(Device.GPU).build();
        ModelConfig auto = gpu.toBuilder().device(Device.AUTO).build();
        if (!DeviceProbe.gpus().isEmpty()) {
            // the -Pgpu build on a machine with a GPU: both settings run on it
            try (EmbeddingModel model = ModelLoader.load(gpu, 1)) {
                assertThat(model.description().device()).isEqualTo("gpu:0");
            }
            try (EmbeddingModel model = ModelLoader.load(auto, 1)) {
                assertThat(model.description().device()).isEqualTo("gpu:0");
            }
            return;
        }
        assertThatThrownBy(() -> ModelLoader.load(gpu, 1))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith("model.device: 'gpu' but TensorFlow sees no GPU (devices: [CPU");
        try (EmbeddingModel model = ModelLoader.load(auto, 1)) {
            assertThat(model.description().device()).isEqualTo("cpu");
        }
    }
}
