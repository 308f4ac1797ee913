package io.embedstream.dev.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ModelConfig;
import io.embedstream.model.Batches;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelLoader;
import io.embedstream.model.LayerInfo;
import io.embedstream.model.ModelInspection;
import io.embedstream.model.ModelInspector;
import io.embedstream.model.SignatureInfo;
import io.embedstream.model.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** The TF Java-built demo model, tapped by op name and checked against a plain-Java forward pass. */
class DemoModelTest {

    @TempDir
    static Path cache;
    private static Path dir;

    @BeforeAll
    static void export() {
        dir = DemoModel.ensure(cache.resolve("demo-model"));
    }

    @Test
    void shouldReuseACompleteExport() throws Exception {
        Path marker = dir.resolve(DemoModel.MARKER);
        FileTime before = Files.getLastModifiedTime(dir.resolve("saved_model.pb"));
        assertThat(DemoModel.ensure(dir)).isEqualTo(dir);
        assertThat(Files.getLastModifiedTime(dir.resolve("saved_model.pb"))).isEqualTo(before);
        assertThat(marker).exists();
    }

    @Test
    void shouldReplaceAnIncompleteExport() throws Exception {
        Path broken = cache.resolve("broken");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("saved_model.pb"), "half-written");
        DemoModel.ensure(broken);
        assertThat(DemoModel.isComplete(broken, DemoModel.SEED)).isTrue();
    }

    @Test
    void shouldExportTheSameWeightsForTheSameSeed() throws Exception {
        Path again = DemoModel.ensure(cache.resolve("again"));
        Map<String, float[]> a = weights(dir);
        Map<String, float[]> b = weights(again);
        assertThat(a.keySet()).containsExactlyInAnyOrderElementsOf(b.keySet());
        a.forEach((name, values) -> assertThat(b.get(name)).as(name).containsExactly(values));
        Path other = DemoModel.ensure(cache.resolve("other-seed"), DemoModel.SEED + 1);
        assertThat(weights(other).get("embedding_layer/kernel")).isNotEqualTo(a.get("embedding_layer/kernel"));
    }

    @Test
    void shouldTapTheEmbeddingLayerByOpNameAndMatchAPlainJavaForwardPass() {
        FloatBatch images = Batches.random(3, 4, 28, 28, 1);
        FloatBatch embeddings;
        try (EmbeddingModel model = ModelLoader.load(ModelConfig.of(dir, DemoModel.EMBEDDING_OP), 1);
             InferenceSession session = model.openSession()) {
            assertThat(model.description().output().op()).isEqualTo(DemoModel.EMBEDDING_OP);
            assertThat(model.description().output().shape()).containsExactly(-1, 128);
            embeddings = session.run(images);
        }
        assertThat(embeddings.shape()).containsExactly(4, 128);
        for (float v : embeddings.data()) {
            assertThat(v).isGreaterThanOrEqualTo(0f);
        }
        Map<String, float[]> w = weights(dir);
        int positive = 0;
        for (int n = 0; n < images.rows(); n++) {
            double[] expected = PlainForward.embedding(images.row(n), w);
            float[] got = embeddings.row(n);
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) got[i]).as("row %d unit %d", n, i)
                        .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5 * Math.max(1, Math.abs(expected[i]))));
                positive += got[i] > 0 ? 1 : 0;
            }
        }
        assertThat(positive).as("ReLU units alive").isGreaterThan(images.rows() * 128 / 10);
    }

    @Test
    void shouldServeBothSignatureOutputs() {
        FloatBatch images = Batches.random(5, 2, 28, 28, 1);
        try (EmbeddingModel byKey = ModelLoader.load(ModelConfig.of(dir, DemoModel.EMBEDDING), 1);
             EmbeddingModel probabilities = ModelLoader.load(ModelConfig.of(dir, DemoModel.PROBABILITIES), 1);
             EmbeddingModel byLayer = ModelLoader.load(ModelConfig.of(dir, "embedding_layer"), 1);
             InferenceSession a = byKey.openSession();
             InferenceSession b = byLayer.openSession();
             InferenceSession p = probabilities.openSession()) {
            assertThat(a.run(images).data()).containsExactly(b.run(images).data());
            FloatBatch probs = p.run(images);
            assertThat(probs.shape()).containsExactly(2, 10);
            for (int n = 0; n < 2; n++) {
                double sum = 0;
                for (float v : probs.row(n)) {
                    sum += v;
                }
                assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void shouldInspectTheGraphLayersAndSuggestTheEmbeddingLayer() {
        ModelInspection inspection = ModelInspector.inspect(ModelConfig.of(dir, null));
        assertThat(inspection.kind()).isEqualTo("graph");
        SignatureInfo serving = inspection.signatures().get(0);
        assertThat(serving.inputs()).extracting(TensorInfo::name).containsExactly(DemoModel.INPUT);
        assertThat(serving.outputs()).extracting(TensorInfo::name)
                .containsExactly(DemoModel.EMBEDDING, DemoModel.PROBABILITIES);
        assertThat(inspection.layers()).extracting(LayerInfo::name).containsExactly("conv2d", "max_pooling2d",
                "conv2d_1", "max_pooling2d_1", "flatten", "embedding_layer", "dense");
        assertThat(inspection.suggestedLayer()).isEqualTo("embedding_layer");
        LayerInfo embedding = inspection.layers().get(5);
        assertThat(embedding.op()).isEqualTo(DemoModel.EMBEDDING_OP);
        assertThat(embedding.shape()).as("probed").containsExactly(-1, 128);
        assertThat(inspection.layers().get(0).shape()).containsExactly(-1, 26, 26, 32);
    }

    /** The variable values of an exported demo model, read with TF Java's own SavedModel loader. */
    static Map<String, float[]> weights(Path modelDir) {
        List<String> names = List.of("conv2d/kernel", "conv2d/bias", "conv2d_1/kernel", "conv2d_1/bias",
                "embedding_layer/kernel", "embedding_layer/bias", "dense/kernel", "dense/bias");
        Map<String, float[]> result = new HashMap<>();
        try (SavedModelBundle bundle = SavedModelBundle.load(modelDir.toString(), "serve")) {
            Session.Runner runner = bundle.session().runner();
            names.forEach(runner::fetch);
            try (Result r = runner.run()) {
                for (int i = 0; i < names.size(); i++) {
                    Tensor t = r.get(i);
                    float[] values = new float[Math.toIntExact(t.shape().size())];
                    ((TFloat32) t).copyTo(DataBuffers.of(values, false, false));
                    result.put(names.get(i), values);
                }
            }
        }
        return result;
    }
}
