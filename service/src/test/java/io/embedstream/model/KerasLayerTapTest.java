package io.embedstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ModelConfig;
import io.embedstream.testing.TestData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every layer of the three real Keras SavedModels can be tapped, and the last one equals the signature. */
class KerasLayerTapTest {

    record Case(String model, long[] inputRow, List<String> layers, String suggested, String last) {
        Path dir() {
            return TestData.model(model);
        }

        @Override
        public String toString() {
            return model;
        }
    }

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(new Case("mnist-cnn", new long[] {28, 28, 1},
                        List.of("conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dense", "dense_1"),
                        "dense", "dense_1")),
                Arguments.of(new Case("flowers-cnn", new long[] {175, 175, 3},
                        List.of("conv2d_4", "max_pooling2d_4", "dropout_4", "conv2d_5", "max_pooling2d_5", "dropout_5",
                                "conv2d_6", "max_pooling2d_6", "dropout_6", "conv2d_7", "max_pooling2d_7", "dropout_7",
                                "flatten_1", "dense_2", "dense_3"),
                        "dense_2", "dense_3")),
                Arguments.of(new Case("grenade-mlp", new long[] {12},
                        List.of("dense_759", "dropout_194", "dense_760", "dense_761", "dense_762"),
                        "dense_761", "dense_762")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void shouldListLayersInExecutionOrderWithShapesAndASuggestion(Case c) {
        ModelInspection inspection = ModelInspector.inspect(ModelConfig.of(c.dir(), null));
        assertThat(inspection.kind()).isEqualTo("keras-functions");
        assertThat(inspection.signatures()).extracting(SignatureInfo::key).containsExactly("serving_default");
        assertThat(inspection.layers()).extracting(LayerInfo::name).containsExactlyElementsOf(c.layers());
        assertThat(inspection.suggestedLayer()).isEqualTo(c.suggested());
        for (LayerInfo l : inspection.layers()) {
            assertThat(l.shape()).as(l.name()).isNotNull();
            assertThat(l.shape()[0]).as(l.name()).isEqualTo(-1);
            assertThat(Arrays.stream(l.shape()).skip(1)).as(l.name()).allMatch(d -> d > 0);
            assertThat(l.op()).as(l.name()).contains("/" + l.name() + "/");
            if (l.name().startsWith("dropout")) {
                assertThat(l.opType()).isEqualTo("Identity");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void shouldTapEveryListedLayer(Case c) {
        ModelInspection inspection = ModelInspector.inspect(ModelConfig.of(c.dir(), null));
        FloatBatch input = Batches.random(5, 2, c.inputRow());
        for (LayerInfo layer : inspection.layers()) {
            try (EmbeddingModel model = ModelLoader.load(ModelConfig.of(c.dir(), layer.name()), 1);
                 InferenceSession s = model.openSession()) {
                FloatBatch out = s.run(input);
                long[] expected = layer.shape().clone();
                expected[0] = 2;
                assertThat(out.shape()).as(layer.name()).containsExactly(expected);
                boolean alsoSignatureKey = layer.name().equals(c.last());
                assertThat(model.description().output().op()).isEqualTo(alsoSignatureKey ? "StatefulPartitionedCall:0"
                        : layer.op());
                for (float v : out.data()) {
                    assertThat(Float.isFinite(v)).as(layer.name()).isTrue();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void shouldEqualTheServingSignatureWhenTappingTheLastLayer(Case c) {
        // Keras names the output key after the last layer, and a signature key wins over a layer name;
        // the layer's full scope forces the tap.
        String scope = ModelInspector.inspect(ModelConfig.of(c.dir(), null)).layers().stream()
                .filter(l -> l.name().equals(c.last())).findFirst().orElseThrow().op().replaceAll("/[^/]+$", "");
        FloatBatch input = Batches.random(9, 4, c.inputRow());
        try (EmbeddingModel serving = ModelLoader.load(ModelConfig.of(c.dir(), null), 1);
             EmbeddingModel tapped = ModelLoader.load(ModelConfig.of(c.dir(), scope), 1);
             InferenceSession a = serving.openSession();
             InferenceSession b = tapped.openSession()) {
            assertThat(serving.description().output().name()).isEqualTo(c.last());
            assertThat(tapped.description().output().op()).startsWith(scope + "/");
            FloatBatch expected = a.run(input);
            FloatBatch actual = b.run(input);
            assertThat(actual.shape()).containsExactly(expected.shape());
            assertThat(Batches.maxAbsDiff(actual.data(), expected.data())).isLessThanOrEqualTo(1e-6);
        }
    }
}
