package io.embedstream.dev.bench;

import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ModelConfig;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.dev.registry.EmbeddedSchemaRegistry;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelLoader;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * End-to-end throughput of the service for several {@code batching.max-size} values, side by side in
 * one run, against the model alone: in-JVM broker and registry, N feature records produced before the
 * service starts, throughput measured from RUNNING to the last committed output. Configurations run in
 * interleaved rounds; the report gives medians and ratios.
 *
 * <p>{@code --input-formats feature-vector,avro} runs the very same {@code FeatureRecord} bytes through the fixed
 * path ({@code input.format: feature-vector}, output {@code EnrichedRecord}) and through generic enrichment
 * ({@code input.format: avro}, {@code input.field: features}, output = the FeatureRecord plus its embedding), so the
 * ratio is the cost of generic enrichment over the fixed path on the same input, in the same run.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = "Service throughput for several batch sizes (and input formats) vs the model alone (medians, ratios).")
public final class StreamBench implements Callable<Integer> {

    private static final List<String> FORMATS = List.of("feature-vector", "avro");

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

    @Option(names = "--input-formats", defaultValue = "feature-vector", split = ",",
            description = "input.format values run on the same FeatureRecords: feature-vector (the fixed path) and/or"
                    + " avro (generic enrichment with input.field features) (default: ${DEFAULT-VALUE}).")
    List<String> inputFormats;

    @Option(names = "--rounds", defaultValue = "3", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--guarantee", defaultValue = "exactly_once_v2", description = "processing.guarantee (default: ${DEFAULT-VALUE}).")
    String guarantee;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Extra configuration for the service runs (repeatable).")
    Map<String, String> extra = new LinkedHashMap<>();

    /** One measured configuration. */
    private record Run(String format, int maxSize) {
        String label() {
            return format + ", max-size " + maxSize;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (String format : inputFormats) {
            if (!FORMATS.contains(format)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--input-formats: '" + format
                        + "' is not valid; allowed: " + String.join(", ", FORMATS));
            }
        }
        List<Run> runs = new ArrayList<>();
        for (int size : batchSizes) {
            for (String format : inputFormats) {
                runs.add(new Run(format, size));
            }
        }
        double[][] serviceRate = new double[runs.size()][rounds];
        double[][] modelRate = new double[runs.size()][rounds];
        Path state = Files.createTempDirectory("embedstream-bench");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
                EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start();
                EmbeddingModel direct = ModelLoader.load(ModelConfig.of(model, layer), 1);
                InferenceSession session = direct.openSession()) {
            long[] rowShape = direct.description().input().shape().clone();
            SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(registryServer.url()));
            List<byte[]> values = values(rowShape, registry);
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < runs.size(); i++) {
                    Run run = runs.get(i);
                    modelRate[i][r] = BenchRuns.modelAlone(session, rowShape, run.maxSize(), records);
                    serviceRate[i][r] = serviceRun(broker, registryServer.url(), state, values, run, r);
                    out.printf("round %d, %s: service %.0f records/s, model alone %.0f records/s%n",
                            r + 1, run.label(), serviceRate[i][r], modelRate[i][r]);
                    out.flush();
                }
            }
        }
        double baseline = Stats.median(serviceRate[0]);
        out.printf("%nmodel %s, layer %s, %d records per run, %s, %d rounds (medians)%n", model,
                layer == null ? "(signature output)" : layer, records, guarantee, rounds);
        out.printf("  %-16s %-10s %16s %18s %16s %24s%n", "input.format", "max-size", "service rec/s",
                "model-alone rec/s", "service/model", "vs " + runs.get(0).label());
        for (int i = 0; i < runs.size(); i++) {
            double service = Stats.median(serviceRate[i]);
            double alone = Stats.median(modelRate[i]);
            out.printf("  %-16s %-10d %16.0f %18.0f %16.2f %24.2f%n", runs.get(i).format(), runs.get(i).maxSize(),
                    service, alone, service / alone, service / baseline);
        }
        if (inputFormats.contains("feature-vector") && inputFormats.contains("avro")) {
            for (int size : batchSizes) {
                double fixed = Stats.median(serviceRate[runs.indexOf(new Run("feature-vector", size))]);
                double generic = Stats.median(serviceRate[runs.indexOf(new Run("avro", size))]);
                out.printf("  max-size %d: generic avro enrichment / fixed FeatureRecord path = %.2f%n", size,
                        generic / fixed);
            }
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

    private double serviceRun(EmbeddedKafkaBroker broker, String registryUrl, Path state, List<byte[]> values,
            Run run, int round) throws Exception {
        String suffix = "-" + run.format() + "-" + run.maxSize() + "-" + round;
        String input = "bench-in";
        String output = "bench-out" + suffix;
        broker.createTopics(1, input + suffix, output, input + suffix + ".dlq");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(BenchRuns.producerProps(broker))) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(input + suffix, ("r" + i).getBytes(StandardCharsets.UTF_8), values.get(i)));
            }
        }
        Map<String, String> extraConfig = new LinkedHashMap<>();
        extraConfig.put("batching.max-size", Integer.toString(run.maxSize()));
        extraConfig.put("batching.linger-ms", "20");
        extraConfig.put("processing.guarantee", guarantee);
        extraConfig.put("input.format", run.format());
        if (run.format().equals("avro")) {
            // The same FeatureRecord bytes, read as any Avro record: the model input is its 'features' field.
            extraConfig.put("input.field", "features");
        }
        extraConfig.putAll(extra);
        AppConfig config = BenchRuns.config(broker, registryUrl, state, "bench" + suffix, input + suffix, output, model,
                layer, extraConfig);
        return BenchRuns.timedRun(config, broker, values.size(), spec.commandLine().getErr());
    }
}
