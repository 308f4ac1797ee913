package io.embedstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** A frozen GraphDef file (no variables, no signature): default input and output, taps by op name. */
class FrozenGraphTest {

    @TempDir
    static Path dir;
    private static Path pb;

    @BeforeAll
    static void freeze() throws Exception {
        pb = dir.resolve("frozen.pb");
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
            var hidden = tf.withSubScope("hidden");
            var scaled = hidden.withName("scaled").math.mul(x, hidden.constant(2f));
            var shift = tf.withSubScope("settings").withName("shift").constant(1f);
            var shifted = hidden.withName("shifted").math.sub(scaled, shift);
            tf.withName("out").nn.relu(shifted);
            Files.write(pb, g.toGraphDef().toByteArray());
        }
    }

    @Test
    void shouldDefaultToTheOnlyPlaceholderAndTheOnlyFinalOp() {
        FloatBatch in = new FloatBatch(new float[] {0f, 0.25f, 1f, 2f, -3f, 0.5f}, new long[] {2, 3});
        try (EmbeddingModel model = ModelLoader.load(ModelConfig.of(pb, null), 1);
             InferenceSession s = model.openSession()) {
            assertThat(model.description().input().op()).isEqualTo("x:0");
            assertThat(model.description().output().op()).isEqualTo("out");
            assertThat(s.run(in).data()).containsExactly(0f, 0f, 1f, 3f, 0f, 0f);
        }
    }

    @Test
    void shouldListScopesThatComputeFromTheInputAsLayers() {
        ModelInspection inspection = ModelInspector.inspect(ModelConfig.of(pb, null));
        assertThat(inspection.format()).isEqualTo("FROZEN_GRAPH");
        assertThat(inspection.signatures()).isEmpty();
        assertThat(inspection.layers()).extracting(LayerInfo::name).containsExactly("hidden");
        assertThat(inspection.layers().get(0).shape()).containsExactly(-1, 3);
        assertThat(inspection.suggestedLayer()).isEqualTo("hidden");
    }

    @Test
    void shouldTapAnOpOrAScopeByName() {
        FloatBatch in = new FloatBatch(new float[] {0f, 0.25f, 1f}, new long[] {1, 3});
        try (EmbeddingModel byOp = ModelLoader.load(ModelConfig.of(pb, "hidden/scaled"), 1);
             EmbeddingModel byScope = ModelLoader.load(ModelConfig.of(pb, "hidden"), 1);
             InferenceSession a = byOp.openSession();
             InferenceSession b = byScope.openSession()) {
            assertThat(a.run(in).data()).containsExactly(0f, 0.5f, 2f);
            assertThat(byScope.description().output().op()).isEqualTo("hidden/shifted");
            assertThat(b.run(in).data()).containsExactly(-1f, -0.5f, 1f);
        }
    }
}
