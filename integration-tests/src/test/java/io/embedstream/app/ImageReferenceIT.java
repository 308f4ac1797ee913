package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.avro.ImageReference;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.config.ImageConfig;
import io.embedstream.config.ModelConfig;
import io.embedstream.config.RegistryConfig;
import io.embedstream.config.ResizeMode;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.dev.registry.EmbeddedSchemaRegistry;
import io.embedstream.fetch.ImageFetcher;
import io.embedstream.fetch.ImageRequest;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelLoader;
import io.embedstream.preprocess.image.ImageDecoder;
import io.embedstream.preprocess.image.ImagePipeline;
import io.embedstream.preprocess.image.ImagePreprocessor;
import io.embedstream.preprocess.image.ImageResult;
import io.embedstream.preprocess.image.ImageSpec;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.stream.DeadLetterHeaders;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.OutputReader;
import io.embedstream.testing.TestData;
import io.embedstream.testing.SharedKafka;
import io.embedstream.dev.bench.LocalImageServer;
import io.embedstream.testing.TestTopics;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Image-reference records end to end through the real broker: the 1,000 MNIST test digits served by
 * a local HTTP server (and as file:// references) through mnist-cnn, and generated JPEGs of other
 * sizes through flowers-cnn with fit+crop and stretch; bad references become dead letters by reason.
 */
class ImageReferenceIT {

    private static final Logger LOG = LoggerFactory.getLogger(ImageReferenceIT.class);

    private static EmbeddedSchemaRegistry registryServer;
    private static SchemaRegistryClient registry;
    private static Map<String, Integer> labels;
    private static Path mnist;

    @TempDir
    Path work;

    @BeforeAll
    static void setUp() throws IOException {
        registryServer = EmbeddedSchemaRegistry.start();
        registry = new SchemaRegistryClient(RegistryConfig.of(registryServer.url()));
        mnist = TestData.mnistSample();
        labels = new LinkedHashMap<>();
        for (String line : Files.readAllLines(mnist.resolve("labels.csv"))) {
            String[] f = line.split(",");
            if (!f[0].equals("file")) {
                labels.put(f[0].replace("images/", ""), Integer.parseInt(f[1].trim()));
            }
        }
    }

    @AfterAll
    static void tearDown() {
        registryServer.close();
    }

    @Test
    void shouldEmbedTheMnistSampleServedOverHttpAndFromFiles() throws Exception {
        Path model = TestData.model("mnist-cnn");
        try (LocalImageServer http = new LocalImageServer(mnist.resolve("images"), 0)) {
            Map<String, float[]> probabilities = run(model, "dense_1", "none", name -> http.url(name), Map.of());
            int correct = 0;
            for (Map.Entry<String, float[]> e : probabilities.entrySet()) {
                correct += argmax(e.getValue()) == labels.get(e.getKey()) ? 1 : 0;
            }
            double accuracy = correct / (double) probabilities.size();
            LOG.info("mnist-cnn dense_1 over HTTP: argmax accuracy {} on {} digits", accuracy, probabilities.size());
            assertThat(probabilities).hasSize(1000);
            assertThat(accuracy).isGreaterThanOrEqualTo(0.98);

            Map<String, float[]> overHttp = run(model, "dense", "l2", name -> http.url(name), Map.of());
            double oneNn = leaveOneOutAccuracy(overHttp);
            LOG.info("mnist-cnn dense (L2) over HTTP: leave-one-out 1-NN accuracy {}", oneNn);
            assertThat(oneNn).isGreaterThanOrEqualTo(0.95);

            Map<String, float[]> fromFiles = run(model, "dense", "l2",
                    name -> mnist.resolve("images").resolve(name).toUri().toString(),
                    Map.of("image.roots", mnist.resolve("images").toString()));
            assertThat(fromFiles.keySet()).isEqualTo(overHttp.keySet());
            // Same pixels, same model; batches may be composed differently, so allow float round-off.
            for (String id : overHttp.keySet()) {
                float[] a = fromFiles.get(id);
                float[] b = overHttp.get(id);
                assertThat(a).as(id).hasSameSizeAs(b);
                for (int i = 0; i < a.length; i++) {
                    assertThat(Math.abs(a[i] - b[i])).as("%s[%d]", id, i).isLessThanOrEqualTo(1e-5f);
                }
            }
        }
    }

    /** Runs the service over the 1,000 digits as image references; returns embeddings by file name. */
    private Map<String, float[]> run(Path model, String layer, String normalize, Function<String, String> uriOf,
            Map<String, String> extra) throws Exception {
        String input = TestTopics.unique("img-in");
        String output = TestTopics.unique("img-out");
        Map<String, String> overrides = baseConfig(input, output, model, layer);
        overrides.put("embedding.normalize", normalize);
        overrides.put("image.allow-hosts", "127.0.0.1");
        overrides.put("image.scaling", "unit");
        overrides.putAll(extra);
        AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);
        ConfluentAvroSerializer<ImageReference> serializer = new ConfluentAvroSerializer<>(registry, true);
        try (Producer<byte[], byte[]> producer = KafkaTestClients.producer(SharedKafka.broker().bootstrapServers())) {
            for (String name : labels.keySet()) {
                producer.send(new ProducerRecord<>(input, bytes(name), serializer.serialize(input,
                        ImageReference.newBuilder().setId(name).setUri(uriOf.apply(name)).build())));
            }
        }
        try (EmbedService service = EmbedService.start(config);
                OutputReader reader = new OutputReader(SharedKafka.broker().bootstrapServers(), output, 2,
                        IsolationLevel.READ_COMMITTED, registry)) {
            assertThat(OutputReader.await(() -> reader.distinct() >= labels.size(), Duration.ofSeconds(180)))
                    .as("all digits enriched").isTrue();
            return reader.embeddings();
        }
    }

    private Map<String, String> baseConfig(String input, String output, Path model, String layer) {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        broker.createTopics(2, input, output, input + ".dlq");
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("application-id", TestTopics.unique("img-app"));
        overrides.put("topics.input", input);
        overrides.put("topics.output", output);
        overrides.put("input.format", "image-reference");
        overrides.put("kafka.bootstrap.servers", broker.bootstrapServers());
        overrides.put("kafka.state.dir", work.resolve("state").toString());
        overrides.put("registry.url", registryServer.url());
        overrides.put("model.dir", model.toString());
        overrides.put("ops.port", "0");
        overrides.put("model.layer", layer);
        return overrides;
    }

    @Test
    void shouldEmbedJpegsOfOtherSizesWithFlowersCnnByFitAndByStretch() throws Exception {
        Path model = TestData.model("flowers-cnn");
        Path dir = Files.createDirectories(work.resolve("jpegs"));
        Random random = new Random(4);
        int[][] sizes = {{320, 240}, {200, 300}, {175, 175}, {90, 60}, {640, 480}, {256, 256}};
        List<String> names = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            String name = "flower-" + i + ".jpg";
            ImageIO.write(pattern(sizes[i][0], sizes[i][1], random), "jpg", dir.resolve(name).toFile());
            names.add(name);
        }
        for (ResizeMode mode : ResizeMode.values()) {
            String input = TestTopics.unique("flowers-in");
            String output = TestTopics.unique("flowers-out");
            Map<String, String> overrides = baseConfig(input, output, model, "dense_2");
            overrides.put("image.roots", dir.toString());
            overrides.put("image.resize", mode.toString());
            overrides.put("image.scaling", "unit");
            AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);
            ConfluentAvroSerializer<ImageReference> serializer = new ConfluentAvroSerializer<>(registry, true);
            try (Producer<byte[], byte[]> producer = KafkaTestClients.producer(SharedKafka.broker().bootstrapServers())) {
                for (String name : names) {
                    producer.send(new ProducerRecord<>(input, bytes(name), serializer.serialize(input,
                            ImageReference.newBuilder().setId(name).setUri(dir.resolve(name).toUri().toString()).build())));
                }
            }
            Map<String, float[]> embeddings;
            try (EmbedService service = EmbedService.start(config);
                    OutputReader reader = new OutputReader(SharedKafka.broker().bootstrapServers(), output, 2,
                            IsolationLevel.READ_COMMITTED, registry)) {
                assertThat(OutputReader.await(() -> reader.distinct() >= names.size(), Duration.ofSeconds(120))).isTrue();
                embeddings = reader.embeddings();
            }
            // The same pipeline and model, run directly, give the same vectors.
            Map<String, float[]> expected = direct(model, "dense_2", config.image(), dir, names);
            for (String name : names) {
                float[] actual = embeddings.get(name);
                assertThat(actual).as("%s %s", mode, name).hasSize(expected.get(name).length);
                for (int i = 0; i < actual.length; i++) {
                    assertThat(Math.abs(actual[i] - expected.get(name)[i])).as("%s %s[%d]", mode, name, i)
                            .isLessThanOrEqualTo(1e-5f);
                }
            }
            LOG.info("flowers-cnn dense_2 with resize {}: {} JPEGs of sizes {} -> {}-d embeddings", mode, names.size(),
                    java.util.Arrays.deepToString(sizes), embeddings.get(names.get(0)).length);
        }
    }

    /** The pipeline and model run directly (no Kafka), L2-normalised like the service's default. */
    private static Map<String, float[]> direct(Path model, String layer, ImageConfig image, Path dir, List<String> names) {
        Map<String, float[]> out = new HashMap<>();
        try (EmbeddingModel m = ModelLoader.load(ModelConfig.of(model, layer), 1);
                InferenceSession session = m.openSession();
                ImageFetcher fetcher = new ImageFetcher(image)) {
            ImagePipeline pipeline = new ImagePipeline(fetcher, new ImageDecoder(image.maxPixels()),
                    ImagePreprocessor.of(image, ImageSpec.fromInputShape(m.description().input().shape())));
            List<ImageResult> results = pipeline.process(names.stream()
                    .map(n -> ImageRequest.of(n, dir.resolve(n).toUri().toString())).toList());
            FloatBatch result = session.run(pipeline.batchOf(results));
            float[][] embeddings = new io.embedstream.postprocess.Postprocessor(io.embedstream.config.Pooling.NONE,
                    io.embedstream.config.Normalization.L2).apply(result);
            for (int i = 0; i < names.size(); i++) {
                out.put(names.get(i), embeddings[i]);
            }
        }
        return out;
    }

    @Test
    void shouldDeadLetterBadReferencesWithTheirReason() throws Exception {
        Path model = TestData.model("mnist-cnn");
        Path images = mnist.resolve("images");
        Path notAnImage = Files.writeString(work.resolve("notes.png"), "this is text, not a PNG");
        try (LocalImageServer http = new LocalImageServer(images, 0)) {
            String input = TestTopics.unique("badimg-in");
            String output = TestTopics.unique("badimg-out");
            Map<String, String> overrides = baseConfig(input, output, model, "dense");
            overrides.put("image.allow-hosts", "127.0.0.1");
            overrides.put("image.roots", images + "," + work);
            AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);
            Map<String, String> cases = new LinkedHashMap<>();
            cases.put("ok", http.url("00000.png"));
            cases.put("missing", http.url("nope.png"));
            cases.put("metadata", "http://169.254.169.254/latest/meta-data/");
            cases.put("private", "http://10.0.0.1/a.png");
            cases.put("text", notAnImage.toUri().toString());
            cases.put("escape", images.resolve("../labels.csv").toUri().toString());
            cases.put("ftp", "ftp://example.com/a.png");
            ConfluentAvroSerializer<ImageReference> serializer = new ConfluentAvroSerializer<>(registry, true);
            try (Producer<byte[], byte[]> producer = KafkaTestClients.producer(SharedKafka.broker().bootstrapServers())) {
                cases.forEach((id, uri) -> producer.send(new ProducerRecord<>(input, bytes(id), serializer.serialize(input,
                        ImageReference.newBuilder().setId(id).setUri(uri).build()))));
                producer.send(new ProducerRecord<>(input, bytes("inline"), serializer.serialize(input,
                        ImageReference.newBuilder().setId("inline").setUri("")
                                .setBytes(ByteBuffer.wrap(Files.readAllBytes(images.resolve("00001.png")))).build())));
            }
            List<ConsumerRecord<byte[], byte[]>> dead;
            List<ConsumerRecord<byte[], byte[]>> out;
            try (EmbedService service = EmbedService.start(config)) {
                out = KafkaTestClients.consume(SharedKafka.broker().bootstrapServers(), output, 2, Duration.ofSeconds(60),
                        IsolationLevel.READ_COMMITTED);
                dead = KafkaTestClients.consume(SharedKafka.broker().bootstrapServers(), input + ".dlq", 6,
                        Duration.ofSeconds(60), IsolationLevel.READ_COMMITTED);
            }
            assertThat(out).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("ok", "inline");
            Map<String, String> reasons = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> d : dead) {
                reasons.put(new String(d.key(), StandardCharsets.UTF_8), DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.REASON));
                assertThat(DeadLetterHeaders.get(d.headers(), DeadLetterHeaders.MESSAGE)).startsWith("record " + input + "-");
            }
            assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "missing", "NOT_FOUND", "metadata", "BLOCKED_BY_POLICY", "private", "BLOCKED_BY_POLICY",
                    "text", "NOT_AN_IMAGE", "escape", "OUTSIDE_ALLOWED_ROOTS", "ftp", "UNSUPPORTED_SCHEME"));
        }
    }

    private static BufferedImage pattern(int width, int height, Random random) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < 12; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            g.fillOval(random.nextInt(width), random.nextInt(height), 10 + random.nextInt(width / 2 + 1),
                    10 + random.nextInt(height / 2 + 1));
        }
        g.dispose();
        return image;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Leave-one-out 1-NN accuracy by cosine similarity on L2-normalised vectors (dot product). */
    private static double leaveOneOutAccuracy(Map<String, float[]> embeddings) {
        List<String> ids = new ArrayList<>(embeddings.keySet());
        int correct = 0;
        for (String a : ids) {
            String best = null;
            double bestDot = Double.NEGATIVE_INFINITY;
            for (String b : ids) {
                if (a.equals(b)) {
                    continue;
                }
                double dot = 0;
                float[] x = embeddings.get(a);
                float[] y = embeddings.get(b);
                for (int i = 0; i < x.length; i++) {
                    dot += (double) x[i] * y[i];
                }
                if (dot > bestDot) {
                    bestDot = dot;
                    best = b;
                }
            }
            correct += labels.get(a).equals(labels.get(best)) ? 1 : 0;
        }
        return correct / (double) ids.size();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
