package io.embedstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.ModelConfig;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.ModelFingerprint;
import io.embedstream.model.ModelLoader;
import io.embedstream.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding-space id, the model fingerprint under it, and the headers that carry it. */
class EmbeddingSpaceTest {

    @TempDir
    Path dir;

    @Test
    void shouldGiveAStableShortIdThatChangesWithModelLayerPoolingAndNormalisation() {
        String id = EmbeddingSpace.id("aa", "sequential/dense/Relu:0", "none", "l2");

        assertThat(id).matches("[0-9a-f]{16}").isEqualTo(EmbeddingSpace.id("aa", "sequential/dense/Relu:0", "none",
                "l2"));
        assertThat(List.of(EmbeddingSpace.id("ab", "sequential/dense/Relu:0", "none", "l2"),
                EmbeddingSpace.id("aa", "sequential/dense_1/Softmax:0", "none", "l2"),
                EmbeddingSpace.id("aa", "sequential/dense/Relu:0", "mean", "l2"),
                EmbeddingSpace.id("aa", "sequential/dense/Relu:0", "none", "none"))).doesNotContain(id)
                .doesNotHaveDuplicates();
    }

    @Test
    void shouldFingerprintTheGraphAndTheVariablesIndexOfASavedModel() throws IOException {
        Path grenade = TestData.model("grenade-mlp");
        Path copy = Files.createDirectories(dir.resolve("renamed/variables"));
        Files.copy(grenade.resolve("saved_model.pb"), dir.resolve("renamed/saved_model.pb"));
        Files.copy(grenade.resolve("variables/variables.index"), copy.resolve("variables.index"));

        String original = ModelFingerprint.of(grenade);

        assertThat(original).matches("[0-9a-f]{64}");
        assertThat(ModelFingerprint.of(dir.resolve("renamed"))).as("a copy under another name").isEqualTo(original);
        assertThat(ModelFingerprint.of(TestData.model("mnist-cnn"))).isNotEqualTo(original);
        byte[] index = Files.readAllBytes(copy.resolve("variables.index"));
        index[index.length / 2] ^= 1; // other weights: the index's checksums change
        Files.write(copy.resolve("variables.index"), index);
        assertThat(ModelFingerprint.of(dir.resolve("renamed"))).isNotEqualTo(original);
    }

    @Test
    void shouldPutAKerasLayerNameAndItsOpNameInOneSpace() {
        Path mnist = TestData.model("mnist-cnn");
        String byName;
        String byOp;
        try (EmbeddingModel m = ModelLoader.load(ModelConfig.of(mnist, "dense"), 1)) {
            byName = m.description().output().op();
        }
        try (EmbeddingModel m = ModelLoader.load(ModelConfig.of(mnist, "sequential/dense/Relu"), 1)) {
            byOp = m.description().output().op();
        }
        assertThat(byName).isEqualTo(byOp);
    }

    @Test
    void shouldCarryTheIdAndADescriptionInHeaders() {
        EmbeddingSpace space = new EmbeddingSpace("0011223344556677", "grenade-mlp", "3", "dense_760", "none", "l2", -1)
                .withDimension(16);
        RecordHeaders headers = new RecordHeaders();
        space.headers().forEach(headers::add);

        assertThat(EmbeddingSpace.idOf(headers)).hasValue("0011223344556677");
        assertThat(EmbeddingSpace.descriptionOf(headers))
                .hasValue("model=grenade-mlp;version=3;layer=dense_760;pooling=none;normalization=l2;dimension=16");
        assertThat(EmbeddingSpace.parseDescription(EmbeddingSpace.descriptionOf(headers).orElseThrow()))
                .containsEntry("layer", "dense_760").containsEntry("dimension", "16");
        assertThat(EmbeddingSpace.idOf(new RecordHeaders())).isEmpty();
    }

    @Test
    void shouldReplaceInputHeadersOfTheSameKeyOnTheOutput() {
        RecordHeaders input = new RecordHeaders();
        input.add(new RecordHeader("trace", "t-1".getBytes(StandardCharsets.UTF_8)));
        input.add(new RecordHeader(EmbeddingSpace.ID_HEADER, "old".getBytes(StandardCharsets.UTF_8)));
        List<Header> added = new EmbeddingSpace("new0000000000000", "m", "1", "l", "none", "l2", 2).headers();

        OutputWriter.Output out = new OutputWriter.Output(null, new byte[0]).withHeaders(added);

        assertThat(out.over(input).toArray()).extracting(Header::key)
                .containsExactly("trace", EmbeddingSpace.ID_HEADER, EmbeddingSpace.MODEL_HEADER);
        assertThat(EmbeddingSpace.idOf(out.over(input))).hasValue("new0000000000000");
        assertThat(input.toArray()).hasSize(2);
        OutputWriter.Output plain = new OutputWriter.Output(null, new byte[0]);
        assertThat(plain.over(input)).isSameAs(input);
    }
}
