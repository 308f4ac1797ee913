package io.embedstream.app;

import io.embedstream.stream.ProducerFailureHandler;
import io.embedstream.stream.TopicRules;
import io.embedstream.avro.EnrichedRecord;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.avro.ImageReference;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigException;
import io.embedstream.config.Guarantee;
import io.embedstream.fetch.ImageFetcher;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelDescription;
import io.embedstream.model.ModelException;
import io.embedstream.model.ModelFingerprint;
import io.embedstream.model.ModelInputException;
import io.embedstream.model.ModelLoader;
import io.embedstream.ops.Health;
import io.embedstream.ops.OpsMeters;
import io.embedstream.ops.OpsServer;
import io.embedstream.ops.ProgressLog;
import io.embedstream.postprocess.Postprocessor;
import io.embedstream.preprocess.image.ImageDecoder;
import io.embedstream.preprocess.image.ImagePipeline;
import io.embedstream.preprocess.image.ImagePreprocessor;
import io.embedstream.preprocess.image.ImageSpec;
import io.embedstream.serde.ConfluentAvroDeserializer;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.serde.SubjectNameStrategy;
import io.embedstream.stream.BatchBuffers;
import io.embedstream.stream.EmbeddingPipeline;
import io.embedstream.stream.EmbeddingSpace;
import io.embedstream.stream.EmbeddingSpaceHeaders;
import io.embedstream.stream.EmbeddingTopology;
import io.embedstream.stream.EnrichedRecordWriter;
import io.embedstream.stream.Enricher;
import io.embedstream.stream.FeatureInputHandler;
import io.embedstream.stream.ImageInputHandler;
import io.embedstream.stream.InputHandler;
import io.embedstream.stream.KafkaSourceReader;
import io.embedstream.stream.OutputMetadata;
import io.embedstream.stream.OutputWriter;
import io.embedstream.stream.RecordLimits;
import io.embedstream.stream.SourceReader;
import io.embedstream.stream.StreamMetrics;
import io.embedstream.stream.generic.GenericFormat;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of the service, wired from its configuration. It checks everything it can
 * at start-up (model, layer, pooling, topics, registry), so that a bad deployment fails before it
 * consumes a record, and warms the model up with one synthetic batch before Kafka Streams starts.
 *
 * <p>It owns, and closes in reverse order: the operations HTTP endpoint ({@code ops.*}: metrics and health,
 * started first so that a probe sees "not ready" while the model loads), the meter registry, the model, the
 * sessions, the image fetcher, the Kafka Streams runner and the progress log. {@link #close()} is thread-safe
 * and idempotent (the shutdown hook calls it).
 */
public final class EmbedService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbedService.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SOURCE_READ_TIMEOUT = Duration.ofSeconds(60);

    private final StreamsRunner runner;
    private final StreamMetrics metrics;
    private final Health health;
    private final OpsMeters meters;
    private final OpsServer ops;
    /** Everything to close, in the order to close it. */
    private final List<AutoCloseable> resources;
    private boolean closed;

    private EmbedService(StreamsRunner runner, StreamMetrics metrics, Health health, OpsMeters meters, OpsServer ops,
            List<AutoCloseable> resources) {
        this.runner = runner;
        this.metrics = metrics;
        this.health = health;
        this.meters = meters;
        this.ops = ops;
        this.resources = resources;
    }

    /**
     * Starts the operations endpoint (unless {@code ops.enabled} is false), checks topics and registry, loads and
     * warms up the model, builds the topology and starts Kafka Streams.
     *
     * @throws ConfigException      when the configuration does not fit the model, the cluster, this host or (avro
     *                              input) the input subject's latest schema, or when the output topic was written
     *                              in another embedding space and {@code output.allow-space-change} is off
     *                              ({@link EmbeddingSpaceGuard})
     * @throws StartupException     when the Kafka cluster cannot be reached
     * @throws io.embedstream.model.ModelException when the model cannot be loaded or fails its warm-up batch
     * @throws io.embedstream.serde.SchemaRegistryException when the registry is unreachable or refuses the schema
     */
    public static EmbedService start(AppConfig config) {
        Health health = new Health();
        OpsMeters meters = new OpsMeters();
        // Closed in reverse order of opening: opened first, closed last.
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(meters);
        try {
            OpsServer ops = config.ops().enabled() ? OpsServer.start(config.ops(), meters.registry(), health) : null;
            if (ops != null) {
                opened.add(ops);
            }
            LOG.info("Starting embedstream: {}", config);
            KafkaPropertyCheck.unknown(config.kafka()).forEach(u -> {
                if (u.nearest().isPresent()) {
                    LOG.warn(u.message());
                } else {
                    LOG.info(u.message());
                }
            });
            Map<String, TopicCheck.Accepts> accepts = TopicCheck.requireExisting(config.kafka(), List.of(
                    new TopicCheck.Topic("topics.input", config.topics().input()),
                    new TopicCheck.Topic("topics.output", config.topics().output()),
                    new TopicCheck.Topic("topics.dead-letter", config.topics().deadLetter())));
            Properties properties = StreamsSettings.of(config);
            RecordLimits limits = limits(config, properties, accepts);

            SchemaRegistryClient registry = config.registry().url() == null ? null
                    : new SchemaRegistryClient(config.registry());
            ConfluentAvroSerializer<EnrichedRecord> serializer = null;
            if (!config.input().format().isGeneric()) {
                // The fixed output schema is known before the model loads: fail fast if the registry refuses it.
                serializer = new ConfluentAvroSerializer<>(registry,
                        SubjectNameStrategy.forValues(config.registry().subjectNameStrategy()),
                        config.registry().autoRegister());
                int schemaId = serializer.schemaId(config.topics().output(), EnrichedRecord.getClassSchema());
                LOG.info("Output schema {} has id {} in {}", EnrichedRecord.getClassSchema().getFullName(), schemaId,
                        registry);
            }

            logNativeLogLevel();
            health.modelLoading("loading " + config.model().dir());
            EmbeddingModel model = ModelLoader.load(config.model(), config.processing().streamThreads());
            opened.add(model);
            ModelDescription description = model.description();
            Postprocessor postprocessor = new Postprocessor(config.embedding().pooling(), config.embedding().normalize());
            long dimension = postprocessor.dimension(description.output().name(), description.output().shape());
            OutputMetadata metadata = new OutputMetadata(description.name(), description.version(),
                    config.model().layer() == null ? description.output().name() : config.model().layer(),
                    config.embedding().pooling().toString(), config.embedding().normalize().toString());
            EmbeddingSpace space = EmbeddingSpace.of(ModelFingerprint.of(config.model().dir()),
                    description.output().op(), metadata, (int) dimension);
            EmbeddingSpaceGuard.check(config.kafka(), config.topics().output(), space,
                    config.output().allowSpaceChange());
            StreamMetrics metrics = new StreamMetrics(meters.registry());
            Enricher enricher = new Enricher(metadata, Clock.systemUTC());
            Format<?> format = format(config, registry, serializer, enricher, description, space, metrics, opened);
            LOG.info("Model {} v{}: input {} -> layer {} -> {} pooling, {} normalisation -> {}-d embeddings on {};"
                    + " embedding space {}", description.name(), description.version(), description.input(),
                    description.output(), config.embedding().pooling(), config.embedding().normalize(),
                    dimension < 0 ? "?" : dimension, description.device(), space.id());
            LOG.info("Record limits: input values up to {} bytes, output records up to {}, dead letters up to {} "
                    + "(larger dead letters carry headers only)", limits.maxInputBytes(), limits.maxOutputBytes(),
                    limits.maxDeadLetterBytes());
            health.modelLoading("warming up");
            health.modelReady(warmUp(model, format.input().rowShape(), config.batching().maxSize()));

            BatchBuffers buffers = new BatchBuffers();
            metrics.gaugeBuffered(buffers);
            metrics.modelInfo(metadata, dimension);
            SourceReader sources = new KafkaSourceReader(config.kafka(),
                    config.processing().guarantee() == Guarantee.EXACTLY_ONCE_V2 ? "read_committed" : "read_uncommitted",
                    SOURCE_READ_TIMEOUT);
            opened.add(sources);
            EmbeddingPipeline<?> pipeline = pipeline(format, space, config, model, postprocessor, sources, buffers,
                    metrics, limits);
            opened.add(pipeline.batchers()); // closed before the model: stops the workers and their sessions
            Topology topology = EmbeddingTopology.build(config.topics(), config.batching(), pipeline);
            LOG.debug("Topology:\n{}", topology.describe());
            InstanceSlot slot = InstanceSlot.acquire(StaticMembership.configuredStateDir(properties),
                    config.applicationId());
            opened.add(slot); // released after Kafka Streams has closed its state directory (closed in reverse)
            String instanceId = StaticMembership.configure(properties, config, slot,
                    StaticMembership.hostName(System.getenv()));
            LOG.info("Static group membership as {}-<thread> ({}); state directory {}", instanceId, slot,
                    properties.get(StreamsConfig.STATE_DIR_CONFIG));
            properties.putAll(ProducerFailureHandler.properties(pipeline.rejections(), config.topics().deadLetter()));
            StreamsRunner runner = new StreamsRunner(topology, properties, buffers, CLOSE_TIMEOUT, health,
                    new ThreadReplacement(pipeline.rejections(), properties, instanceId));
            opened.add(runner);
            meters.bindStreams(runner.streams());
            runner.start();
            long interval = config.logging().progressIntervalMs();
            if (interval > 0) {
                String inputTopic = config.topics().input();
                opened.add(ProgressLog.start(metrics, buffers::pending,
                        () -> ProgressLog.consumerLag(runner.streams().metrics(), inputTopic), interval));
            }
            List<AutoCloseable> closeOrder = new ArrayList<>(opened);
            Collections.reverse(closeOrder);
            return new EmbedService(runner, metrics, health, meters, ops, closeOrder);
        } catch (RuntimeException e) {
            health.fatal("start-up failed: " + e.getMessage());
            Collections.reverse(opened);
            closeAll(opened);
            throw e;
        }
    }

    /** An input format's handler and the writer of its output; they share the payload type. */
    private record Format<T>(InputHandler<T> input, OutputWriter<T> output) {}

    private static <T> EmbeddingPipeline<T> pipeline(Format<T> format, EmbeddingSpace space, AppConfig config,
            EmbeddingModel model, Postprocessor postprocessor, SourceReader sources, BatchBuffers buffers,
            StreamMetrics metrics, RecordLimits limits) {
        OutputWriter<T> output = new EmbeddingSpaceHeaders<>(format.output(), space);
        return EmbeddingPipeline.create(format.input(), output, model, postprocessor, config.batching(), sources,
                buffers, metrics, limits);
    }

    /**
     * What the producers and topics take: a record must fit both the producer's {@code max.request.size} and
     * the topic's {@code max.message.bytes}.
     */
    static RecordLimits limits(AppConfig config, Properties streams, Map<String, TopicCheck.Accepts> accepts) {
        int request = Integer.parseInt(String.valueOf(streams.getOrDefault(
                StreamsConfig.PRODUCER_PREFIX + ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                streams.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576"))));
        TopicCheck.Accepts output = accepts.getOrDefault(config.topics().output(),
                new TopicCheck.Accepts(null, TopicRules.ANY));
        TopicCheck.Accepts deadLetter = accepts.getOrDefault(config.topics().deadLetter(),
                new TopicCheck.Accepts(null, TopicRules.ANY));
        return new RecordLimits(config.input().maxRecordBytes(),
                output.maxMessageBytes() == null ? request : Math.min(request, output.maxMessageBytes()),
                deadLetter.maxMessageBytes() == null ? request : Math.min(request, deadLetter.maxMessageBytes()),
                output.rules(), deadLetter.rules());
    }

    private static Format<?> format(AppConfig config, SchemaRegistryClient registry,
            ConfluentAvroSerializer<EnrichedRecord> serializer, Enricher enricher, ModelDescription description,
            EmbeddingSpace space, StreamMetrics metrics, List<AutoCloseable> resources) {
        long[] shape = description.input().shape();
        long[] rowShape = Arrays.copyOfRange(shape, 1, shape.length);
        String output = config.topics().output();
        return switch (config.input().format()) {
            case FEATURE_VECTOR -> {
                if (Arrays.stream(rowShape).anyMatch(d -> d < 0)) {
                    throw new ConfigException("input.format: feature-vector needs a model input of fixed shape, but "
                            + description.input() + " has unknown dimensions; use a model with a fixed input shape");
                }
                yield new Format<>(new FeatureInputHandler(
                        ConfluentAvroDeserializer.specific(registry, FeatureRecord.class), rowShape),
                        new EnrichedRecordWriter<>(enricher, serializer, output));
            }
            case IMAGE_REFERENCE -> new Format<>(new ImageInputHandler(
                    ConfluentAvroDeserializer.specific(registry, ImageReference.class),
                    imagePipeline(config, ImageSpec.fromInputShape(shape), metrics, resources)),
                    new EnrichedRecordWriter<>(enricher, serializer, output));
            case AVRO -> {
                GenericFormat generic = GenericFormat.avro(config, registry, genericSerializer(config, registry), shape,
                        space, spec -> imagePipeline(config, spec, metrics, resources));
                yield new Format<>(generic.input(), generic.output());
            }
            case JSON -> {
                GenericFormat generic = GenericFormat.json(config,
                        registry == null ? null : genericSerializer(config, registry), shape, space,
                        spec -> imagePipeline(config, spec, metrics, resources));
                yield new Format<>(generic.input(), generic.output());
            }
        };
    }

    private static ConfluentAvroSerializer<GenericRecord> genericSerializer(AppConfig config,
            SchemaRegistryClient registry) {
        return new ConfluentAvroSerializer<>(registry,
                SubjectNameStrategy.forValues(config.registry().subjectNameStrategy()), config.registry().autoRegister());
    }

    /** The fetch, decode and preprocessing pipeline for images of {@code spec}; its fetcher joins {@code resources}. */
    private static ImagePipeline imagePipeline(AppConfig config, ImageSpec spec, StreamMetrics metrics,
            List<AutoCloseable> resources) {
        ImageFetcher fetcher = new ImageFetcher(config.image(), metrics.imageFetches());
        resources.add(fetcher);
        return new ImagePipeline(fetcher, new ImageDecoder(config.image().maxPixels()),
                ImagePreprocessor.of(config.image(), spec));
    }

    /**
     * Runs one zero-filled batch of {@code rows} rows through a session of its own, so that TensorFlow's one-time
     * costs (graph optimisation, kernel selection, memory pools) are paid before the first record, and a model
     * that cannot run fails now instead of on the first batch.
     *
     * @return what the health check shows for the model
     * @throws ModelException when the model fails on the batch
     */
    static String warmUp(EmbeddingModel model, long[] rowShape, int rows) {
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows;
        long size = rows;
        for (int i = 0; i < rowShape.length; i++) {
            shape[i + 1] = rowShape[i];
            size *= rowShape[i];
        }
        long start = System.nanoTime();
        try (InferenceSession session = model.openSession()) {
            session.run(new FloatBatch(new float[Math.toIntExact(size)], shape));
        } catch (ModelInputException e) {
            // The model ran and refused the values (a model that checks its input may refuse zeros): it works.
            LOG.warn("The model refused the zero-filled warm-up batch ({}); it is loaded and runs", e.getMessage());
        } catch (ModelException e) {
            throw new ModelException("the model failed its warm-up batch (zeros, shape " + Arrays.toString(shape)
                    + "): " + e.getMessage(), e);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        String what = "warmed up (zero batch " + Arrays.toString(shape) + " in " + ms + " ms)";
        LOG.info("Model {}", what);
        return what;
    }

    /** TensorFlow reads TF_CPP_MIN_LOG_LEVEL when its native library loads; the JVM cannot set it for itself. */
    private static void logNativeLogLevel() {
        String level = System.getenv("TF_CPP_MIN_LOG_LEVEL");
        if (level == null) {
            LOG.info("TF_CPP_MIN_LOG_LEVEL is not set: TensorFlow's native INFO lines will go to stderr; set "
                    + "TF_CPP_MIN_LOG_LEVEL=1 in the environment to keep them out (the launcher does)");
        } else {
            LOG.debug("TF_CPP_MIN_LOG_LEVEL={}", level);
        }
    }

    public StreamsRunner runner() {
        return runner;
    }

    public StreamMetrics metrics() {
        return metrics;
    }

    /** Readiness and liveness, as {@code /health/*} report them. */
    public Health health() {
        return health;
    }

    /** The registry behind {@code /metrics}. */
    public PrometheusMeterRegistry meterRegistry() {
        return meters.registry();
    }

    /** {@code http://host:port} of the operations endpoint; empty when {@code ops.enabled} is false. */
    public Optional<URI> opsUri() {
        return Optional.ofNullable(ops).map(OpsServer::baseUri);
    }

    /** Blocks until the service stops; returns {@code true} if it stopped because of a failure. */
    public boolean awaitTermination() throws InterruptedException {
        return runner.awaitTermination();
    }

    /**
     * Drains and stops Kafka Streams, then closes the image fetcher, the sessions, the model, the meters and last
     * the operations endpoint (which answers "not ready" meanwhile). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Stopping embedstream");
        health.stopping();
        closeAll(resources);
        LOG.info("Stopped");
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", resource, e.toString());
            }
        }
    }
}
