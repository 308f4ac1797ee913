package io.embedstream.dev.demo;

import io.embedstream.dev.demo.EmbeddingSummary;
import io.embedstream.dev.demo.SyntheticImages;
import io.embedstream.dev.demo.SyntheticImages.Sample;
import io.embedstream.avro.EnrichedRecord;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.app.EmbedService;
import io.embedstream.app.Main;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.dev.registry.EmbeddedSchemaRegistry;
import io.embedstream.dev.demo.DemoModel;
import io.embedstream.dev.ops.MetricsScrape;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.config.RegistryConfig;
import io.embedstream.stream.DeadLetterHeaders;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code embedstream demo}: the whole service on an embedded default, with nothing external. It
 * starts a KRaft broker and a schema registry inside this JVM, exports the demo model, produces
 * sample records (and a few bad ones), runs the service on them, prints a summary of the enriched
 * output, and exits 0 when every record was accounted for.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the service end to end inside this JVM: broker, registry, demo model and sample data.")
public final class DemoCommand implements Callable<Integer> {

    private static final String DEMO_CONFIG = "/embedstream-demo.yaml";

    @Spec
    CommandSpec spec;

    @Option(names = "--records", defaultValue = "500", description = "Sample records to produce (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where the demo model is exported (default: $EMBEDSTREAM_CACHE or ~/.cache/embedstream).")
    Path cacheDir;

    @Option(names = "--timeout", defaultValue = "PT90S", description = "How long to wait for the output (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    private static final int CLASSES = 10;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        Path cache = cacheDir != null ? cacheDir : defaultCacheDir();
        Path modelDir = DemoModel.ensure(cache.resolve("demo-model"));

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
                EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start()) {
            Map<String, String> overrides = new LinkedHashMap<>();
            overrides.put("kafka.bootstrap.servers", broker.bootstrapServers());
            overrides.put("kafka.state.dir", Files.createTempDirectory("embedstream-demo-state").toString());
            overrides.put("registry.url", registryServer.url());
            overrides.put("model.dir", modelDir.toString());
            overrides.put("ops.port", "0"); // a free port, printed below
            overrides.put("ops.bind-address", "127.0.0.1");
            AppConfig config = new ConfigLoader().loadResource(DEMO_CONFIG, Map.of(), overrides);
            broker.createTopics(2, config.topics().input(), config.topics().output(), config.topics().deadLetter());
            out.printf("embedstream demo%n  broker      %s (KRaft, in this JVM)%n  registry    %s (in this JVM)%n",
                    broker.bootstrapServers(), registryServer.url());
            out.printf("  model       %s v%s from %s, layer %s, pooling %s, normalize %s%n", config.model().name(),
                    config.model().version(), modelDir, config.model().layer(), config.embedding().pooling(),
                    config.embedding().normalize());

            SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(registryServer.url()));
            List<Sample> samples = SyntheticImages.generate(CLASSES, Math.max(1, records / CLASSES), 7);
            int bad = produce(config, registry, samples);
            out.printf("  produced    %d sample records (%d classes of synthetic 28x28 images) and %d bad records to %s%n",
                    samples.size(), CLASSES, bad, config.topics().input());
            out.flush();

            long serviceStart = System.nanoTime();
            Map<String, float[]> embeddings = new LinkedHashMap<>();
            Map<String, Integer> deadReasons = new TreeMap<>();
            String metricsLine;
            try (EmbedService service = EmbedService.start(config)) {
                java.net.URI ops = service.opsUri().orElseThrow();
                out.printf("  ops         %s (Prometheus) and %s, while the service runs%n",
                        ops.resolve("/metrics"), ops.resolve("/health/ready"));
                out.flush();
                consume(config, registry, samples.size(), bad, embeddings, deadReasons);
                metricsLine = metricsSummary(service);
            }
            double serviceSeconds = (System.nanoTime() - serviceStart) / 1e9;

            Map<String, String> labels = new LinkedHashMap<>();
            samples.forEach(s -> labels.put(s.id(), Integer.toString(s.label())));
            EmbeddingSummary.Result summary = EmbeddingSummary.of(embeddings, labels, samples.get(0).id(), 5);
            out.printf("  enriched    %d records -> %s in %.1f s (service start included)%n", summary.count(),
                    config.topics().output(), serviceSeconds);
            out.printf("  dead-letter %d records -> %s %s%n", deadReasons.values().stream().mapToInt(i -> i).sum(),
                    config.topics().deadLetter(), deadReasons);
            out.printf("  embeddings  dimension %d, L2 norm min %.6f max %.6f%n", summary.dimension(), summary.minNorm(),
                    summary.maxNorm());
            out.printf("  nearest neighbours of %s (class %s):%n", summary.queryId(), summary.queryLabel());
            for (EmbeddingSummary.Neighbour n : summary.neighbours()) {
                out.printf("    %s  class %s  cosine %.4f%n", n.id(), n.label(), n.cosine());
            }
            out.printf("  1-NN class agreement %.3f over %d records%n", summary.agreement(), summary.count());
            out.printf("  metrics     %s%n", metricsLine);
            out.printf("  wall time   %.1f s%n", (System.nanoTime() - start) / 1e9);
            out.flush();
            boolean complete = summary.count() == samples.size() && deadReasons.values().stream().mapToInt(i -> i).sum() == bad;
            return complete ? 0 : Main.EXIT_FAILURE;
        }
    }

    /** What the service's own /metrics said at the end, with its URL (which lived as long as the service). */
    private static String metricsSummary(EmbedService service) {
        java.net.URI url = service.opsUri().orElseThrow().resolve("/metrics");
        try {
            MetricsScrape scrape = MetricsScrape.fetch(url);
            double batches = scrape.sum("embedstream_batch_size_count");
            return String.format(java.util.Locale.ROOT,
                    "%s: received %.0f, enriched %.0f, dead-lettered %.0f, %.0f batches (mean %.1f records)", url,
                    scrape.sum("embedstream_records_received_total"), scrape.sum("embedstream_records_enriched_total"),
                    scrape.sum("embedstream_records_dead_lettered_total"), batches,
                    batches == 0 ? 0 : scrape.sum("embedstream_batch_size_sum") / batches);
        } catch (java.io.IOException e) {
            return url + " (scrape failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return url.toString();
        }
    }

    /** Produces the samples and three bad records; returns how many bad ones. */
    private static int produce(AppConfig config, SchemaRegistryClient registry, List<Sample> samples) {
        ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(registry, true);
        String topic = config.topics().input();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(config))) {
            for (Sample sample : samples) {
                List<Float> features = new ArrayList<>(sample.pixels().length);
                for (float p : sample.pixels()) {
                    features.add(p);
                }
                FeatureRecord record = FeatureRecord.newBuilder().setId(sample.id()).setFeatures(features)
                        .setShape(List.of(28, 28, 1)).setAttributes(Map.of("class", Integer.toString(sample.label())))
                        .build();
                producer.send(new ProducerRecord<>(topic, sample.id().getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(topic, record)));
            }
            FeatureRecord tooShort = FeatureRecord.newBuilder().setId("bad-short").setFeatures(List.of(1f, 2f, 3f)).build();
            List<Float> withNaN = new ArrayList<>(java.util.Collections.nCopies(784, 0f));
            withNaN.set(100, Float.NaN);
            FeatureRecord nan = FeatureRecord.newBuilder().setId("bad-nan").setFeatures(withNaN).build();
            producer.send(new ProducerRecord<>(topic, "bad-bytes".getBytes(StandardCharsets.UTF_8),
                    "this is not Avro".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(topic, "bad-short".getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(topic, tooShort)));
            producer.send(new ProducerRecord<>(topic, "bad-nan".getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(topic, nan)));
            producer.flush();
        }
        return 3;
    }

    private void consume(AppConfig config, SchemaRegistryClient registry, int expected, int expectedBad,
            Map<String, float[]> embeddings, Map<String, Integer> deadReasons) {
        ConfluentAvroDeserializer<EnrichedRecord> deserializer =
                ConfluentAvroDeserializer.specific(registry, EnrichedRecord.class);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().get("bootstrap.servers"));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "embedstream-demo-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int dead = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(config.topics().output(), config.topics().deadLetter()));
            while ((embeddings.size() < expected || dead < expectedBad) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(config.topics().output())) {
                        EnrichedRecord e = deserializer.deserialize(r.topic(), r.value());
                        float[] v = new float[e.getEmbedding().size()];
                        for (int i = 0; i < v.length; i++) {
                            v[i] = e.getEmbedding().get(i);
                        }
                        embeddings.put(e.getId(), v);
                    } else {
                        dead++;
                        deadReasons.merge(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON), 1, Integer::sum);
                    }
                }
            }
        }
        if (embeddings.size() < expected) {
            spec.commandLine().getErr().printf("embedstream demo: only %d of %d records were enriched within %s%n",
                    embeddings.size(), expected, timeout);
        }
    }

    private static Properties producerProps(AppConfig config) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().get("bootstrap.servers"));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // The topics were created moments ago: keep a retried first batch from landing behind a later one.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return props;
    }

    private static Path defaultCacheDir() {
        String env = System.getenv("EMBEDSTREAM_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "embedstream");
    }
}
