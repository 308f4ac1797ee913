package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.config.ModelConfig;
import io.embedstream.dev.registry.EmbeddedSchemaRegistry;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelLoader;
import io.embedstream.testing.TestData;
import io.embedstream.testing.SharedKafka;
import io.embedstream.dev.bench.LocalImageServer;
import io.embedstream.testing.TestTopics;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inspect, embed and run commands as users call them, on the real shared models. */
class CliCommandsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private record Outcome(int exit, String out, String err) {}

    private static Outcome cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Outcome(exit, out.toString(), err.toString());
    }

    @Test
    void shouldInspectMnistCnnLikeModelSummary() {
        Outcome o = cli("inspect", TestData.model("mnist-cnn").toString());
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(o.out()).contains("serving_default (tensorflow/serving/predict)")
                .contains("input   conv2d_input").contains("[-1, 28, 28, 1]")
                .containsPattern("1\\s+conv2d\\s+sequential/conv2d/Relu\\s+Relu\\s+\\[-1, 26, 26, 32]")
                .containsPattern("6\\s+dense\\s+sequential/dense/Relu\\s+Relu\\s+\\[-1, 128]")
                .containsPattern("7\\s+dense_1\\s+sequential/dense_1/Softmax\\s+Softmax\\s+\\[-1, 10]")
                .contains("Suggested embedding layer: dense ");
    }

    @Test
    void shouldInspectAsJsonForTools() throws Exception {
        Outcome o = cli("inspect", TestData.model("flowers-cnn").toString(), "--format", "json");
        assertThat(o.exit()).as(o.err()).isZero();
        JsonNode json = JSON.readTree(o.out());
        assertThat(json.get("suggestedLayer").asText()).isEqualTo("dense_2");
        assertThat(json.get("signatures").get(0).get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,175,175,3]");
        List<String> layers = json.get("layers").findValuesAsText("name");
        assertThat(layers).startsWith("conv2d_4").contains("dropout_7", "flatten_1", "dense_2").endsWith("dense_3");
    }

    @Test
    void shouldFailInspectWithClearMessageForMissingModel() {
        Outcome o = cli("inspect", work.resolve("nope").toString());
        assertThat(o.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(o.err()).contains("does not exist");
    }

    @Test
    void shouldEmbedPngFilesAndUrlsLikeTheModelDirectly() throws Exception {
        Path images = TestData.mnistSample().resolve("images");
        try (LocalImageServer http = new LocalImageServer(images, 0)) {
            Outcome o = cli("embed", "--model", TestData.model("mnist-cnn").toString(), "--layer", "dense",
                    "--scale", "0.00392156862745098", "--allow-host", "127.0.0.1",
                    images.resolve("00000.png").toString(), http.url("00001.png"));
            assertThat(o.exit()).as(o.err()).isZero();
            String[] lines = o.out().strip().split("\n");
            assertThat(lines).hasSize(2);
            JsonNode first = JSON.readTree(lines[0]);
            JsonNode second = JSON.readTree(lines[1]);
            assertThat(first.get("input").asText()).endsWith("00000.png");
            assertThat(second.get("input").asText()).isEqualTo(http.url("00001.png"));

            float[][] expected = direct("mnist-cnn", "dense", new float[][] {pixels(images.resolve("00000.png")),
                    pixels(images.resolve("00001.png"))}, 28, 28, 1);
            assertClose(first.get("embedding"), expected[0]);
            assertClose(second.get("embedding"), expected[1]);
        }
    }

    @Test
    void shouldEmbedCsvAndJsonlFeatureVectorsAndReportBadLines() throws Exception {
        Path csv = Files.writeString(work.resolve("f.csv"), """
                a,b,c,d,e,f,g,h,i,j,k,l
                1,2,3,4,5,6,7,8,9,10,11,12
                short,1,2
                """);
        Path jsonl = Files.writeString(work.resolve("f.jsonl"), """
                {"id": "j1", "features": [0,0,0,0,0,0,0,0,0,0,0,1]}
                [1,1,1,1,1,1,1,1,1,1,1,1]
                """);
        Outcome o = cli("embed", "--model", TestData.model("grenade-mlp").toString(), "--layer", "dense_761",
                csv.toString(), jsonl.toString());
        assertThat(o.exit()).as("one bad line makes the exit non-zero").isEqualTo(Main.EXIT_FAILURE);
        assertThat(o.err()).contains("short: 2 features, expected 12 (model input [12])").contains("1 input(s) failed");
        String[] lines = o.out().strip().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(JSON.readTree(lines[0]).get("input").asText()).isEqualTo(csv + ":2");
        assertThat(JSON.readTree(lines[1]).get("input").asText()).isEqualTo("j1");
        assertThat(JSON.readTree(lines[2]).get("input").asText()).isEqualTo(jsonl + ":2");
        float[][] expected = direct("grenade-mlp", "dense_761", new float[][] {
                {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}}, 12);
        for (int i = 0; i < 3; i++) {
            assertClose(JSON.readTree(lines[i]).get("embedding"), expected[i]);
        }
    }

    @Test
    void shouldEmbedCsvPixelRowsForAnImageModelLikeThePngs() throws Exception {
        Path images = TestData.mnistSample().resolve("images");
        List<String> names = List.of("00000.png", "00001.png", "00002.png");
        StringBuilder csv = new StringBuilder();
        for (String name : names) {
            csv.append("p").append(name, 0, 5);
            for (float v : pixels(images.resolve(name))) {
                csv.append(',').append(v);
            }
            csv.append('\n');
        }
        csv.append("short,0.5,0.5\n");
        Path rows = Files.writeString(work.resolve("mnist.csv"), csv);
        String model = TestData.model("mnist-cnn").toString();

        Outcome fromPngs = cli("embed", "--model", model, "--layer", "dense", "--scale", "0.00392156862745098",
                images.resolve(names.get(0)).toString(), images.resolve(names.get(1)).toString(),
                images.resolve(names.get(2)).toString());
        Outcome fromCsv = cli("embed", "--model", model, "--layer", "dense", "--shape", "28,28,1", rows.toString());

        assertThat(fromPngs.exit()).as(fromPngs.err()).isZero();
        assertThat(fromCsv.exit()).as("the short row fails; the others are embedded").isEqualTo(Main.EXIT_FAILURE);
        assertThat(fromCsv.err()).contains("short: 2 features, expected 784 (model input [28, 28, 1])")
                .contains("1 input(s) failed");
        String[] png = fromPngs.out().strip().split("\n");
        String[] fromRows = fromCsv.out().strip().split("\n");
        assertThat(fromRows).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode row = JSON.readTree(fromRows[i]);
            assertThat(row.get("input").asText()).isEqualTo("p0000" + i);
            float[] expected = new float[row.get("embedding").size()];
            JsonNode pngEmbedding = JSON.readTree(png[i]).get("embedding");
            for (int j = 0; j < expected.length; j++) {
                expected[j] = (float) pngEmbedding.get(j).asDouble();
            }
            assertClose(row.get("embedding"), expected);
        }
    }

    @Test
    void shouldRefuseAShapeThatIsNotTheModelsNamingTheFlagAndBothShapes() throws Exception {
        Path rows = Files.writeString(work.resolve("rows.csv"), "0.5,".repeat(783) + "0.5\n");
        Outcome o = cli("embed", "--model", TestData.model("mnist-cnn").toString(), "--layer", "dense",
                "--shape", "28,28", rows.toString());
        assertThat(o.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(o.out()).isEmpty();
        assertThat(o.err()).contains("--shape: [28, 28] does not match the model input shape [28, 28, 1]")
                .contains("give --shape 28,28,1 or leave it out");
    }

    @Test
    void shouldNameTheAllowHostFlagWhenAUrlIsBlocked() {
        Outcome o = cli("embed", "--model", TestData.model("mnist-cnn").toString(), "--layer", "dense",
                "http://127.0.0.1:9/00000.png");
        assertThat(o.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(o.err()).contains("BLOCKED_BY_POLICY").contains("a loopback address")
                .contains("pass --allow-host 127.0.0.1 to fetch it anyway").doesNotContain("image.allow-hosts");
    }

    @Test
    void shouldRefuseToStartWithAnUnknownLayerAndSuggestTheNearest() throws Exception {
        String input = TestTopics.unique("cli-in");
        String output = TestTopics.unique("cli-out");
        SharedKafka.broker().createTopics(1, input, output, input + ".dlq");
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start()) {
            Outcome o = cli("run", "--set", "topics.input=" + input, "--set", "topics.output=" + output,
                    "--set", "kafka.bootstrap.servers=" + SharedKafka.broker().bootstrapServers(),
                    "--set", "registry.url=" + registry.url(), "--set", "ops.port=0",
                    "--set", "model.dir=" + TestData.model("mnist-cnn"), "--set", "model.layer=dense_7");
            assertThat(o.exit()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(o.err()).contains("dense_7").contains("conv2d").contains("did you mean");
        }
        Outcome typo = cli("run", "--set", "embedding.pooling=avg");
        assertThat(typo.exit()).isEqualTo(Main.EXIT_USAGE);
    }

    /** L2-normalised layer output of the model run directly. */
    private static float[][] direct(String model, String layer, float[][] rows, long... rowShape) {
        try (EmbeddingModel m = ModelLoader.load(ModelConfig.of(TestData.model(model), layer), 1);
                InferenceSession s = m.openSession()) {
            return new io.embedstream.postprocess.Postprocessor(io.embedstream.config.Pooling.NONE,
                    io.embedstream.config.Normalization.L2).apply(s.run(FloatBatch.ofRows(rows, rowShape)));
        }
    }

    private static float[] pixels(Path png) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        Raster raster = image.getRaster();
        float[] out = new float[28 * 28];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                out[y * 28 + x] = raster.getSample(x, y, 0) / 255f;
            }
        }
        return out;
    }

    private static void assertClose(JsonNode actual, float[] expected) {
        assertThat(actual.size()).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs((float) actual.get(i).asDouble() - expected[i])).as("[%d]", i).isLessThanOrEqualTo(1e-5f);
        }
    }
}
