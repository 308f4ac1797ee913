package io.embedstream.app;

import io.embedstream.avro.EnrichedRecord;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.avro.ImageReference;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigException;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.ModelDescription;
import io.embedstream.model.ModelLoader;
import io.embedstream.postprocess.Postprocessor;
import io.embedstream.preprocess.image.ImageDecoder;
import io.embedstream.preprocess.image.ImageFetcher;
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
import io.embedstream.stream.ThreadSessions;
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

    private final EmbeddingModel model;
    private final ThreadSessions sessions;
    private final StreamsRunner runner;
    private final StreamMetrics metrics;
    private final List<AutoCloseable> resources;
    private boolean closed;

    private EmbedService(EmbeddingModel model, ThreadSessions sessions, StreamsRunner runner, StreamMetrics metrics,
            List<AutoCloseable> resources) {
        this.model = model;
        this.sessions = sessions;
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
        TopicCheck.requireExisting(config.kafka(), List.of(
                new TopicCheck.Topic("topics.input", config.topics().input()),
                new TopicCheck.Topic("topics.output", config.topics().output()),
                new TopicCheck.Topic("topics.dead-letter", config.topics().deadLetter())));

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

            ThreadSessions sessions = new ThreadSessions(model);
            StreamMetrics metrics = new StreamMetrics(meters);
            BatchBuffers buffers = new BatchBuffers();
            OutputMetadata metadata = new OutputMetadata(description.name(), description.version(),
                    config.model().layer() == null ? description.output().name() : config.model().layer(),
                    config.embedding().pooling().toString(), config.embedding().normalize().toString());
            EmbeddingPipeline pipeline = new EmbeddingPipeline(input, sessions, postprocessor,
                    new Enricher(metadata, Clock.systemUTC()), serializer, buffers, metrics);
            Topology topology = EmbeddingTopology.build(config.topics(), config.batching(), pipeline);
            LOG.debug("Topology:\n{}", topology.describe());
            Properties properties = StreamsSettings.of(config);
            StreamsRunner runner = new StreamsRunner(topology, properties, buffers, CLOSE_TIMEOUT);
            runner.start();
            return new EmbedService(model, sessions, runner, metrics, resources);
        } catch (RuntimeException e) {
            closeAll(resources);
            model.close();
            throw e;
        }
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
        sessions.close();
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
