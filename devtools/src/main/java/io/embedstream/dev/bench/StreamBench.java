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
                    modelRate[b][r] = BenchRuns.modelAlone(session, rowShape, batchSizes.get(b), records);
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

    private double serviceRun(EmbeddedKafkaBroker broker, String registryUrl, Path state, List<byte[]> values,
            int maxSize, int round) throws Exception {
        String suffix = "-" + maxSize + "-" + round;
        String input = "bench-in";
        String output = "bench-out" + suffix;
        broker.createTopics(1, input + suffix, output, input + suffix + ".dlq");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(BenchRuns.producerProps(broker))) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(input + suffix, ("r" + i).getBytes(StandardCharsets.UTF_8), values.get(i)));
            }
        }
        Map<String, String> extraConfig = new LinkedHashMap<>();
        extraConfig.put("batching.max-size", Integer.toString(maxSize));
        extraConfig.put("batching.linger-ms", "20");
        extraConfig.put("processing.guarantee", guarantee);
        extraConfig.putAll(extra);
        AppConfig config = BenchRuns.config(broker, registryUrl, state, "bench" + suffix, input + suffix, output, model,
                layer, extraConfig);
        return BenchRuns.timedRun(config, broker, values.size(), spec.commandLine().getErr());
    }
}
