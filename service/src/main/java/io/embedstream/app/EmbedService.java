package io.embedstream.app;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.avro.ImageReference;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigException;
import io.embedstream.config.Guarantee;
import io.embedstream.stream.EnrichedRecordWriter;
import io.embedstream.stream.KafkaSourceReader;
import io.embedstream.stream.OutputWriter;
import io.embedstream.stream.ProducerFailureHandler;
import io.embedstream.stream.RecordLimits;
import io.embedstream.stream.SourceReader;
import io.embedstream.stream.TopicRules;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import io.embedstream.fetch.ImageFetcher;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.ModelDescription;
import io.embedstream.model.ModelLoader;
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
import io.embedstream.stream.EmbeddingTopology;
import io.embedstream.stream.Enricher;
import io.embedstream.stream.FeatureInputHandler;
import io.embedstream.stream.ImageInputHandler;
import io.embedstream.stream.InputHandler;
import io.embedstream.stream.OutputMetadata;
import io.embedstream.stream.StreamMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of the service, wired from its configuration. It checks everything it can
 * at start-up (model, layer, pooling, topics, registry), so that a bad deployment fails before it
 * consumes a record. It owns the model, the sessions and the Kafka Streams runner, and closes them
 * in reverse order.
 */
public final class EmbedService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbedService.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SOURCE_READ_TIMEOUT = Duration.ofSeconds(60);

    private final EmbeddingModel model;
    private final StreamsRunner runner;
    private final StreamMetrics metrics;
    private final List<AutoCloseable> resources;
    private boolean closed;

    private EmbedService(EmbeddingModel model, StreamsRunner runner, StreamMetrics metrics,
            List<AutoCloseable> resources) {
        this.model = model;
        this.runner = runner;
        this.metrics = metrics;
        this.resources = resources;
    }

    /** Starts with its own meter registry. */
    public static EmbedService start(AppConfig config) {
        return start(config, new SimpleMeterRegistry());
    }

    /**
     * Loads the model, checks topics and registry, builds the topology and starts Kafka Streams.
     *
     * @throws ConfigException      when the configuration does not fit the model or the cluster
     * @throws io.embedstream.model.ModelException when the model cannot be loaded
     * @throws io.embedstream.serde.SchemaRegistryException when the registry is unreachable or refuses the schema
     */
    public static EmbedService start(AppConfig config, MeterRegistry meters) {
        LOG.info("Starting embedstream: {}", config);
        Map<String, TopicCheck.Accepts> accepts = TopicCheck.requireExisting(config.kafka(), List.of(
                new TopicCheck.Topic("topics.input", config.topics().input()),
                new TopicCheck.Topic("topics.output", config.topics().output()),
                new TopicCheck.Topic("topics.dead-letter", config.topics().deadLetter())));
        Properties properties = StreamsSettings.of(config);
        RecordLimits limits = limits(config, properties, accepts);

        SchemaRegistryClient registry = new SchemaRegistryClient(config.registry());
        ConfluentAvroSerializer<EnrichedRecord> serializer = new ConfluentAvroSerializer<>(registry,
                SubjectNameStrategy.forValues(config.registry().subjectNameStrategy()), config.registry().autoRegister());
        int schemaId = serializer.schemaId(config.topics().output(), EnrichedRecord.getClassSchema());
        LOG.info("Output schema {} has id {} in {}", EnrichedRecord.getClassSchema().getFullName(), schemaId, registry);

        EmbeddingModel model = ModelLoader.load(config.model(), config.processing().streamThreads());
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            ModelDescription description = model.description();
            Postprocessor postprocessor = new Postprocessor(config.embedding().pooling(), config.embedding().normalize());
            long dimension = postprocessor.dimension(description.output().name(), description.output().shape());
            InputHandler<?> input = inputHandler(config, registry, description, resources);
            LOG.info("Model {} v{}: input {} -> layer {} -> {} pooling, {} normalisation -> {}-d embeddings on {}",
                    description.name(), description.version(), description.input(), description.output(),
                    config.embedding().pooling(), config.embedding().normalize(),
                    dimension < 0 ? "?" : dimension, description.device());
            LOG.info("Record limits: input values up to {} bytes, output records up to {}, dead letters up to {} "
                    + "(larger dead letters carry headers only)", limits.maxInputBytes(), limits.maxOutputBytes(),
                    limits.maxDeadLetterBytes());

            StreamMetrics metrics = new StreamMetrics(meters);
            BatchBuffers buffers = new BatchBuffers();
            OutputMetadata metadata = new OutputMetadata(description.name(), description.version(),
                    config.model().layer() == null ? description.output().name() : config.model().layer(),
                    config.embedding().pooling().toString(), config.embedding().normalize().toString());
            Enricher enricher = new Enricher(metadata, Clock.systemUTC());
            SourceReader sources = new KafkaSourceReader(config.kafka(),
                    config.processing().guarantee() == Guarantee.EXACTLY_ONCE_V2 ? "read_committed" : "read_uncommitted",
                    SOURCE_READ_TIMEOUT);
            resources.add(sources);
            EmbeddingPipeline<?> pipeline = pipeline(input, enricher, serializer, config, model, postprocessor,
                    sources, buffers, metrics, limits);
            resources.add(0, pipeline.batchers()); // closed first: stops the workers before the sessions' model
            Topology topology = EmbeddingTopology.build(config.topics(), config.batching(), pipeline);
            LOG.debug("Topology:\n{}", topology.describe());
            InstanceSlot slot = InstanceSlot.acquire(StaticMembership.configuredStateDir(properties),
                    config.applicationId());
            resources.add(slot); // released last, after Kafka Streams has closed its state directory
            String instanceId = StaticMembership.configure(properties, config, slot,
                    StaticMembership.hostName(System.getenv()));
            LOG.info("Static group membership as {}-<thread> ({}); state directory {}", instanceId, slot,
                    properties.get(StreamsConfig.STATE_DIR_CONFIG));
            properties.putAll(ProducerFailureHandler.properties(pipeline.rejections(), config.topics().deadLetter()));
            StreamsRunner runner = new StreamsRunner(topology, properties, buffers, CLOSE_TIMEOUT,
                    new ThreadReplacement(pipeline.rejections(), properties, instanceId));
            runner.start();
            return new EmbedService(model, runner, metrics, resources);
        } catch (RuntimeException e) {
            closeAll(resources);
            model.close();
            throw e;
        }
    }

    private static <T> EmbeddingPipeline<T> pipeline(InputHandler<T> input, Enricher enricher,
            ConfluentAvroSerializer<EnrichedRecord> serializer, AppConfig config, EmbeddingModel model,
            Postprocessor postprocessor, SourceReader sources, BatchBuffers buffers, StreamMetrics metrics,
            RecordLimits limits) {
        OutputWriter<T> output = new EnrichedRecordWriter<>(enricher, serializer, config.topics().output());
        return EmbeddingPipeline.create(input, output, model, postprocessor, config.batching(), sources, buffers,
                metrics, limits);
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

    private static InputHandler<?> inputHandler(AppConfig config, SchemaRegistryClient registry,
            ModelDescription description, List<AutoCloseable> resources) {
        long[] shape = description.input().shape();
        long[] rowShape = Arrays.copyOfRange(shape, 1, shape.length);
        return switch (config.input().format()) {
            case FEATURE_VECTOR -> {
                if (Arrays.stream(rowShape).anyMatch(d -> d < 0)) {
                    throw new ConfigException("input.format: feature-vector needs a model input of fixed shape, but "
                            + description.input() + " has unknown dimensions; use a model with a fixed input shape");
                }
                yield new FeatureInputHandler(ConfluentAvroDeserializer.specific(registry, FeatureRecord.class), rowShape);
            }
            case IMAGE_REFERENCE -> {
                ImageFetcher fetcher = new ImageFetcher(config.image());
                resources.add(fetcher);
                ImagePreprocessor preprocessor = ImagePreprocessor.of(config.image(), ImageSpec.fromInputShape(shape));
                yield new ImageInputHandler(ConfluentAvroDeserializer.specific(registry, ImageReference.class),
                        new ImagePipeline(fetcher, new ImageDecoder(config.image().maxPixels()), preprocessor));
            }
        };
    }

    public StreamsRunner runner() {
        return runner;
    }

    public StreamMetrics metrics() {
        return metrics;
    }

    /** Blocks until the service stops; returns {@code true} if it stopped because of a failure. */
    public boolean awaitTermination() throws InterruptedException {
        return runner.awaitTermination();
    }

    /** Drains and stops Kafka Streams, then closes the sessions and the model. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("Stopping embedstream");
        runner.close();
        closeAll(resources);
        model.close();
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
