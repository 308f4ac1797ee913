package io.embedstream.dev.bench;

import io.embedstream.avro.ImageReference;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ImageConfig;
import io.embedstream.config.ModelConfig;
import io.embedstream.config.RegistryConfig;
import io.embedstream.config.Scaling;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.dev.registry.EmbeddedSchemaRegistry;
import io.embedstream.fetch.ImageFetcher;
import io.embedstream.fetch.ImageRequest;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelLoader;
import io.embedstream.preprocess.image.ImageDecoder;
import io.embedstream.preprocess.image.ImagePipeline;
import io.embedstream.preprocess.image.ImagePreprocessor;
import io.embedstream.preprocess.image.ImageSpec;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Image-reference throughput, all in one run: fetch+decode+resize alone, the model alone, and the
 * whole service (in-JVM broker) with images served by a local HTTP server that adds a fixed latency
 * per image. Shows whether fetching keeps the model waiting. Configurations run in interleaved
 * rounds; the report gives medians.
 */
@Command(name = "images", mixinStandardHelpOptions = true,
        description = "Image fetch/decode/resize vs model vs service throughput, with HTTP latency (medians).")
public final class ImageBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR")
    Path model;

    @Option(names = "--layer", paramLabel = "NAME")
    String layer;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Directory of PNG/JPEG files to serve.")
    Path images;

    @Option(names = "--latency-ms", defaultValue = "0,50", split = ",", description = "Per-image server latency (default: ${DEFAULT-VALUE}).")
    List<Integer> latencies;

    @Option(names = "--records", defaultValue = "1000", description = "Images per measurement (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--rounds", defaultValue = "3", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--max-concurrency", defaultValue = "16", description = "image.max-concurrency (default: ${DEFAULT-VALUE}).")
    int maxConcurrency;

    @Option(names = "--batch-size", defaultValue = "64", description = "batching.max-size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> files = files();
        int n = latencies.size();
        double[][] pipelineRate = new double[n][rounds];
        double[][] serviceRate = new double[n][rounds];
        double[] modelRate = new double[rounds];
        ImageConfig imageConfig = ImageConfig.defaults().toBuilder().allowHosts(List.of("127.0.0.1"))
                .maxConcurrency(maxConcurrency).scaling(Scaling.UNIT).build();
        Path state = Files.createTempDirectory("embedstream-bench");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
                EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start();
                EmbeddingModel direct = ModelLoader.load(ModelConfig.of(model, layer), 1);
                InferenceSession session = direct.openSession();
                ImageFetcher fetcher = new ImageFetcher(imageConfig)) {
            long[] inputShape = direct.description().input().shape();
            ImagePipeline pipeline = new ImagePipeline(fetcher, new ImageDecoder(imageConfig.maxPixels()),
                    ImagePreprocessor.of(imageConfig, ImageSpec.fromInputShape(inputShape)));
            SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(registryServer.url()));
            for (int r = 0; r < rounds; r++) {
                modelRate[r] = BenchRuns.modelAlone(session, inputShape, batchSize, records);
                for (int l = 0; l < n; l++) {
                    try (LocalImageServer server = new LocalImageServer(images, latencies.get(l))) {
                        pipelineRate[l][r] = pipelineOnly(pipeline, server, files);
                        serviceRate[l][r] = service(broker, registryServer.url(), registry, state, server, files, l, r);
                    }
                    out.printf("round %d, latency %d ms: fetch+decode+resize %.0f img/s, service %.0f img/s, model alone %.0f img/s%n",
                            r + 1, latencies.get(l), pipelineRate[l][r], serviceRate[l][r], modelRate[r]);
                    out.flush();
                }
            }
        }
        double alone = Stats.median(modelRate);
        out.printf("%nmodel %s, layer %s, %d images per run, batch %d, image.max-concurrency %d, %d rounds (medians)%n",
                model, layer == null ? "(signature output)" : layer, records, batchSize, maxConcurrency, rounds);
        out.printf("  model alone (session.run, batch %d): %.0f img/s%n", batchSize, alone);
        out.printf("  %-12s %24s %16s %16s %22s%n", "latency ms", "fetch+decode+resize/s", "service img/s",
                "service/model", "bound conc/latency");
        for (int l = 0; l < n; l++) {
            int latency = latencies.get(l);
            out.printf("  %-12d %24.0f %16.0f %16.3f %22s%n", latency, Stats.median(pipelineRate[l]),
                    Stats.median(serviceRate[l]), Stats.median(serviceRate[l]) / alone,
                    latency == 0 ? "-" : String.format(Locale.ROOT, "%.0f", maxConcurrency * 1000.0 / latency));
        }
        out.flush();
        return 0;
    }

    private List<String> files() throws IOException {
        try (Stream<Path> list = Files.list(images)) {
            List<String> names = list.map(p -> p.getFileName().toString())
                    .filter(f -> f.toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|gif|bmp)")).sorted().toList();
            if (names.isEmpty()) {
                throw new io.embedstream.config.ConfigException("--images: '" + images + "' holds no PNG/JPEG/GIF/BMP files");
            }
            return names;
        }
    }

    /** Fetch+decode+resize of {@code records} images in batches, as the service's flush does them. */
    private double pipelineOnly(ImagePipeline pipeline, LocalImageServer server, List<String> files) {
        long start = System.nanoTime();
        for (int from = 0; from < records; from += batchSize) {
            List<ImageRequest> batch = new ArrayList<>();
            for (int i = from; i < Math.min(records, from + batchSize); i++) {
                String file = files.get(i % files.size());
                batch.add(ImageRequest.of(file, server.url(file)));
            }
            pipeline.process(batch);
        }
        return records / ((System.nanoTime() - start) / 1e9);
    }

    private double service(EmbeddedKafkaBroker broker, String registryUrl, SchemaRegistryClient registry, Path state,
            LocalImageServer server, List<String> files, int l, int r) throws Exception {
        String suffix = "-" + l + "-" + r;
        String input = "img-bench-in" + suffix;
        String output = "img-bench-out" + suffix;
        broker.createTopics(1, input, output, input + ".dlq");
        ConfluentAvroSerializer<ImageReference> serializer = new ConfluentAvroSerializer<>(registry, true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(BenchRuns.producerProps(broker))) {
            for (int i = 0; i < records; i++) {
                String file = files.get(i % files.size());
                producer.send(new ProducerRecord<>(input, ("i" + i).getBytes(StandardCharsets.UTF_8), serializer.serialize(
                        input, ImageReference.newBuilder().setId("i" + i).setUri(server.url(file)).build())));
            }
        }
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("input.format", "image-reference");
        extra.put("image.allow-hosts", "127.0.0.1");
        extra.put("image.scaling", "unit");
        extra.put("image.max-concurrency", Integer.toString(maxConcurrency));
        extra.put("batching.max-size", Integer.toString(batchSize));
        extra.put("batching.linger-ms", "20");
        AppConfig config = BenchRuns.config(broker, registryUrl, state, "img-bench" + suffix, input, output, model, layer,
                extra);
        return BenchRuns.timedRun(config, broker, records, spec.commandLine().getErr());
    }
}
