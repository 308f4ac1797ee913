package io.embedstream.app.bench;

import io.embedstream.app.EmbedService;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.config.ModelConfig;
import io.embedstream.config.RegistryConfig;
import io.embedstream.embedded.EmbeddedKafkaBroker;
import io.embedstream.embedded.EmbeddedSchemaRegistry;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelLoader;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
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
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * End-to-end throughput of the service for several {@code batching.max-size} values, side by side in
 * one run, against the model alone: in-JVM broker and registry, N feature records produced before the
 * service starts, throughput measured from RUNNING to the last committed output. Configurations run in
 * interleaved rounds; the report gives medians and ratios.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = "Service throughput for several batch sizes vs the model alone (medians, ratios).")
public final class StreamBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @Option(names = "--layer", paramLabel = "NAME", description = "model.layer (default: the signature's output).")
    String layer;

    @Option(names = "--records", defaultValue = "2000", description = "Records per measurement (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--batch-sizes", defaultValue = "1,64", split = ",", description = "batching.max-size values (default: ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Option(names = "--rounds", defaultValue = "3", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--guarantee", defaultValue = "exactly_once_v2", description = "processing.guarantee (default: ${DEFAULT-VALUE}).")
    String guarantee;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Extra configuration for the service runs (repeatable).")
    Map<String, String> extra = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        double[][] serviceRate = new double[batchSizes.size()][rounds];
        double[][] modelRate = new double[batchSizes.size()][rounds];
        Path state = Files.createTempDirectory("embedstream-bench");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
                EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start();
                EmbeddingModel direct = ModelLoader.load(ModelConfig.of(model, layer), 1);
                InferenceSession session = direct.openSession()) {
            long[] rowShape = direct.description().input().shape().clone();
            SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(registryServer.url()));
            List<byte[]> values = values(rowShape, registry);
            for (int r = 0; r < rounds; r++) {
                for (int b = 0; b < batchSizes.size(); b++) {
                    modelRate[b][r] = modelOnly(session, rowShape, batchSizes.get(b));
                    serviceRate[b][r] = serviceRun(broker, registryServer.url(), state, values, batchSizes.get(b), r);
                    out.printf("round %d, max-size %d: service %.0f records/s, model alone %.0f records/s%n",
                            r + 1, batchSizes.get(b), serviceRate[b][r], modelRate[b][r]);
                    out.flush();
                }
            }
        }
        double baseline = Stats.median(serviceRate[0]);
        out.printf("%nmodel %s, layer %s, %d records per run, %s, %d rounds (medians)%n", model,
                layer == null ? "(signature output)" : layer, records, guarantee, rounds);
        out.printf("  %-10s %16s %18s %16s %20s%n", "max-size", "service rec/s", "model-alone rec/s", "service/model",
                "vs max-size " + batchSizes.get(0));
        for (int b = 0; b < batchSizes.size(); b++) {
            double service = Stats.median(serviceRate[b]);
            double alone = Stats.median(modelRate[b]);
            out.printf("  %-10d %16.0f %18.0f %16.2f %20.2f%n", batchSizes.get(b), service, alone, service / alone,
                    service / baseline);
        }
        out.flush();
        return 0;
    }

    private List<byte[]> values(long[] inputShape, SchemaRegistryClient registry) {
        int length = 1;
        for (int i = 1; i < inputShape.length; i++) {
            length *= (int) inputShape[i];
        }
        ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(registry, true);
        Random random = new Random(7);
        List<byte[]> values = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            List<Float> features = new ArrayList<>(length);
            for (int j = 0; j < length; j++) {
                features.add(random.nextFloat());
            }
            // Registered under the subject of every input topic the runs use (topic-name strategy).
            values.add(serializer.serialize("bench-in", FeatureRecord.newBuilder().setId("r" + i).setFeatures(features).build()));
        }
        return values;
    }

    /** Records per second of session.run alone, at this batch size, on random inputs. */
    private double modelOnly(InferenceSession session, long[] inputShape, int batch) {
        long[] shape = inputShape.clone();
        shape[0] = batch;
        FloatBatch input = LayerBench.randomBatch(shape, new Random(3));
        session.run(input);
        int runs = Math.max(1, records / batch);
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            session.run(input);
        }
        return runs * (double) batch / ((System.nanoTime() - start) / 1e9);
    }

    private double serviceRun(EmbeddedKafkaBroker broker, String registryUrl, Path state, List<byte[]> values,
            int maxSize, int round) throws Exception {
        String suffix = "-" + maxSize + "-" + round;
        String input = "bench-in";
        String output = "bench-out" + suffix;
        broker.createTopics(1, input + suffix, output, input + suffix + ".dlq");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(broker))) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(input + suffix, ("r" + i).getBytes(StandardCharsets.UTF_8), values.get(i)));
            }
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("application-id", "bench" + suffix);
        overrides.put("topics.input", input + suffix);
        overrides.put("topics.output", output);
        overrides.put("kafka.bootstrap.servers", broker.bootstrapServers());
        overrides.put("kafka.state.dir", state.toString());
        overrides.put("registry.url", registryUrl);
        overrides.put("model.dir", model.toString());
        if (layer != null) {
            overrides.put("model.layer", layer);
        }
        overrides.put("batching.max-size", Integer.toString(maxSize));
        overrides.put("batching.linger-ms", "20");
        overrides.put("processing.guarantee", guarantee);
        overrides.putAll(extra);
        AppConfig config = new ConfigLoader().load(null, Map.of(), overrides);
        try (EmbedService service = EmbedService.start(config)) {
            if (!service.runner().awaitRunning(Duration.ofSeconds(120))) {
                throw new IllegalStateException("the service did not reach RUNNING within 120 s");
            }
            long start = System.nanoTime();
            double inferenceBefore = service.metrics().inferenceSeconds();
            awaitCommitted(broker, output, values.size());
            double seconds = (System.nanoTime() - start) / 1e9;
            spec.commandLine().getErr().printf("bench: max-size %d: %.2f s, of which session.run %.2f s, %d batches%n",
                    maxSize, seconds, service.metrics().inferenceSeconds() - inferenceBefore,
                    service.metrics().batchSize().count());
            return values.size() / seconds;
        }
    }

    /** Reads the output with read_committed until {@code count} records have been seen. */
    static void awaitCommitted(EmbeddedKafkaBroker broker, String topic, int count) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long seen = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (seen < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + seen + " of " + count + " outputs within 10 minutes");
                }
                seen += consumer.poll(Duration.ofMillis(50)).count();
            }
        }
    }

    static Properties producerProps(EmbeddedKafkaBroker broker) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        return props;
    }
}
