package io.embedstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ModelConfig;
import io.embedstream.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real Keras SavedModel (tabular MLP) run through its serving signature. */
class GrenadeMlpSignatureTest {

    private static EmbeddingModel model;

    @BeforeAll
    static void load() {
        model = ModelLoader.load(ModelConfig.of(TestData.model("grenade-mlp"), null), 1);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void shouldDescribeServingSignature() {
        ModelDescription d = model.description();
        assertThat(d.input().name()).isEqualTo("dense_759_input");
        assertThat(d.input().shape()).containsExactly(-1, 12);
        assertThat(d.output().name()).isEqualTo("dense_762");
        assertThat(d.output().shape()).containsExactly(-1, 1);
        assertThat(d.device()).isEqualTo("cpu");
    }

    @Test
    void shouldOutputOneSigmoidProbabilityPerRow() {
        FloatBatch in = Batches.random(7, 16, 12);
        try (InferenceSession s = model.openSession()) {
            FloatBatch out = s.run(in);
            assertThat(out.shape()).containsExactly(16, 1);
            for (float p : out.data()) {
                assertThat(p).isStrictlyBetween(0f, 1f);
            }
        }
    }

    @Test
    void shouldRunAnEmptyBatch() {
        try (InferenceSession s = model.openSession()) {
            FloatBatch out = s.run(new FloatBatch(new float[0], new long[] {0, 12}));
            assertThat(out.shape()).containsExactly(0, 1);
        }
    }

    @Test
    void shouldGiveTheSameValuesBatchedAsOneByOne() {
        FloatBatch in = Batches.random(11, 9, 12);
        try (InferenceSession s = model.openSession()) {
            FloatBatch batched = s.run(in);
            for (int i = 0; i < in.rows(); i++) {
                FloatBatch one = s.run(Batches.single(in, i));
                assertThat(one.shape()).containsExactly(1, 1);
                assertThat(Batches.maxAbsDiff(one.data(), batched.row(i))).isLessThanOrEqualTo(1e-6);
            }
        }
    }
}
