package io.embedstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ModelConfig;
import io.embedstream.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers of a model nested in a model resolve by {@code model_1/dense}, by a unique short name, and by op name. */
class NestedModelTapTest {

    @TempDir
    static Path tmp;
    private static final FloatBatch ROWS = Batches.random(17, 5, 12);
    private static float[] dense760;
    private static float[] dense761;
    private static float[] served;

    @BeforeAll
    static void originals() {
        Path grenade = TestData.model("grenade-mlp");
        dense760 = run(grenade, "dense_760");
        dense761 = run(grenade, "dense_761");
        served = run(grenade, null);
    }

    @Test
    void shouldListAndTapLayersOfAnInlinedNestedModel() {
        Path model = NestedModels.inlined(tmp.resolve("inlined"));
        ModelInspection inspection = ModelInspector.inspect(ModelConfig.of(model, null));
        assertThat(inspection.layers()).extracting(LayerInfo::name).containsExactly(
                "dense_759", "dropout_194", "model_1/dense_760", "model_1/dense_761", "model_1", "dense_762");
        assertThat(inspection.layers().get(4).nested()).isTrue();
        assertThat(inspection.suggestedLayer()).isEqualTo("model_1/dense_761");

        assertThat(run(model, "model_1/dense_761")).containsExactly(dense761);
        assertThat(run(model, "dense_761")).as("unique short name").containsExactly(dense761);
        assertThat(run(model, "model_1")).as("the nested model's output").containsExactly(dense761);
        assertThat(run(model, "sequential_182/model_1/dense_760/Relu")).containsExactly(dense760);
        assertThat(run(model, null)).containsExactly(served);
    }

    @Test
    void shouldTapInsideANestedModelThatIsCalledAsAFunction() {
        Path model = NestedModels.called(tmp.resolve("called"), new ArrayList<>());
        ModelInspection inspection = ModelInspector.inspect(ModelConfig.of(model, null));
        assertThat(inspection.layers()).extracting(LayerInfo::name)
                .containsExactly("dense_759", "dropout_194", "model_1", "dense_762");
        assertThat(inspection.layers().get(2).opType()).isEqualTo("StatefulPartitionedCall");
        assertThat(inspection.layers().get(2).shape()).as("probed: the new call node records no shape")
                .containsExactly(-1, dense761.length / ROWS.rows());
        assertThat(inspection.suggestedLayer()).isEqualTo("model_1");

        assertThat(run(model, "model_1")).containsExactly(dense761);
        // Three levels deep: top-level graph → signature wrapper → wrapped model → nested model's function.
        assertThat(run(model, "model_1/dense_760/Relu")).containsExactly(dense760);
        assertThat(run(model, "model_1/dense_761/Relu:activations:0")).containsExactly(dense761);
        assertThat(run(model, null)).containsExactly(served);
    }

    private static float[] run(Path dir, String layer) {
        try (EmbeddingModel model = ModelLoader.load(ModelConfig.of(dir, layer), 1);
             InferenceSession s = model.openSession()) {
            return s.run(ROWS).data();
        }
    }
}
