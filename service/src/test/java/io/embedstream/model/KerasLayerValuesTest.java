package io.embedstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ModelConfig;
import io.embedstream.model.graph.FunctionTap;
import io.embedstream.model.graph.Reachable;
import io.embedstream.model.runtime.ModelSource;
import io.embedstream.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.NodeDef;

/** Values of tapped Keras layers: embeddings, Dropout in inference mode, any op by full name, pruning. */
class KerasLayerValuesTest {

    private static final Path MNIST = TestData.model("mnist-cnn");

    @Test
    void shouldGiveNonNegative128dEmbeddingsThatRepeatBitForBit() {
        FloatBatch images = Batches.random(1, 6, 28, 28, 1);
        try (EmbeddingModel model = ModelLoader.load(ModelConfig.of(MNIST, "dense"), 1);
             InferenceSession first = model.openSession();
             InferenceSession second = model.openSession()) {
            FloatBatch a = first.run(images);
            assertThat(a.shape()).containsExactly(6, 128);
            for (float v : a.data()) {
                assertThat(v).isGreaterThanOrEqualTo(0f);
            }
            assertThat(first.run(images).data()).containsExactly(a.data());
            assertThat(second.run(images).data()).containsExactly(a.data());
        }
    }

    @Test
    void shouldTapDropoutAsTheIdentityOfItsInputInInferenceMode() {
        Path flowers = TestData.model("flowers-cnn");
        FloatBatch images = Batches.random(2, 2, 175, 175, 3);
        try (EmbeddingModel dropout = ModelLoader.load(ModelConfig.of(flowers, "dropout_7"), 1);
             EmbeddingModel pool = ModelLoader.load(ModelConfig.of(flowers, "max_pooling2d_7"), 1);
             InferenceSession d = dropout.openSession();
             InferenceSession p = pool.openSession()) {
            FloatBatch expected = p.run(images);
            FloatBatch actual = d.run(images);
            assertThat(actual.shape()).containsExactly(expected.shape());
            assertThat(actual.data()).containsExactly(expected.data());
            assertThat(d.run(images).data()).as("no training-mode randomness").containsExactly(actual.data());
        }
    }

    @Test
    void shouldResolveScopesAndFullOpNamesToTheSameTensor() {
        FloatBatch images = Batches.random(4, 3, 28, 28, 1);
        float[] byLayer = run(MNIST, "dense", images).data();
        for (String spec : List.of("sequential/dense", "sequential/dense/Relu", "sequential/dense/Relu:0",
                "sequential/dense/Relu:activations:0")) {
            assertThat(run(MNIST, spec, images).data()).as(spec).containsExactly(byLayer);
        }
        float[] preActivation = run(MNIST, "sequential/dense/BiasAdd", images).data();
        for (int i = 0; i < byLayer.length; i++) {
            assertThat(byLayer[i]).isEqualTo(Math.max(0f, preActivation[i]));
        }
    }

    @Test
    void shouldRunOnlyTheOpsTheTappedLayerNeeds() {
        ModelSource source = ModelSource.open(MNIST, List.of("serve"));
        ModelPlan plan = ModelPlanner.plan(source, ModelConfig.of(MNIST, "conv2d"));
        Reachable reachable = plan.reachable();
        FunctionDef inner = reachable.graphDef().getLibrary().getFunctionList().stream()
                .filter(f -> f.getSignature().getName().startsWith("__inference__wrapped_model")
                        && f.getSignature().getName().endsWith(FunctionTap.NAME))
                .findFirst().orElseThrow();
        assertThat(inner.getNodeDefList()).extracting(NodeDef::getName)
                .containsExactlyInAnyOrder("sequential/conv2d/Conv2D/ReadVariableOp", "sequential/conv2d/Conv2D",
                        "sequential/conv2d/BiasAdd/ReadVariableOp", "sequential/conv2d/BiasAdd", "sequential/conv2d/Relu");
        assertThat(inner.getRetMap()).containsEntry("tap_0", "sequential/conv2d/Relu:activations:0");
        assertThat(reachable.fetches()).containsExactly(FunctionTap.NAME + ":0");
    }

    private static FloatBatch run(Path dir, String layer, FloatBatch input) {
        try (EmbeddingModel model = ModelLoader.load(ModelConfig.of(dir, layer), 1);
             InferenceSession s = model.openSession()) {
            return s.run(input);
        }
    }
}
