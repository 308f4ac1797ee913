package io.embedstream.dev.bench;

import io.embedstream.app.EmbedService;
import io.embedstream.config.AppConfig;
import io.embedstream.config.ConfigLoader;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** What the benchmarks share: the model measured alone, random inputs, one timed run of the service. */
public final class BenchRuns {
    private BenchRuns() {}

    /** Records per second of session.run alone at this batch size, on random inputs, over about {@code records} rows. */
    static double modelAlone(InferenceSession session, long[] inputShape, int batch, int records) {
        long[] shape = inputShape.clone();
        shape[0] = batch;
        FloatBatch input = randomBatch(shape, new Random(3));
        session.run(input);
        int runs = Math.max(1, records / batch);
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            session.run(input);
        }
        return runs * (double) batch / ((System.nanoTime() - start) / 1e9);
    }

    /** A batch of uniform random values in [0, 1) of the given shape. */
    public static FloatBatch randomBatch(long[] shape, Random random) {
        float[] data = new float[FloatBatch.rowLengthOf(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextFloat();
        }
        return new FloatBatch(data, shape);
    }

    /** The service configuration of one run: in-JVM broker and registry, the given topics, then {@code extra}. */
    static AppConfig config(EmbeddedKafkaBroker broker, String registryUrl, Path stateDir, String applicationId,
            String input, String output, Path model, String layer, Map<String, String> extra) {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("application-id", applicationId);
        overrides.put("topics.input", input);
        overrides.put("topics.output", output);
        overrides.put("kafka.bootstrap.servers", broker.bootstrapServers());
        overrides.put("kafka.state.dir", stateDir.toString());
        overrides.put("registry.url", registryUrl);
        overrides.put("model.dir", model.toString());
        overrides.put("ops.port", "0"); // any free port: a fixed one may be taken
        if (layer != null) {
            overrides.put("model.layer", layer);
        }
        overrides.putAll(extra);
        return new ConfigLoader().load(null, Map.of(), overrides);
    }

    /**
     * Starts the service on input already in its topic and returns records per second from RUNNING until
     * {@code count} outputs are committed; reports on stderr how much of that was session.run.
     */
    static double timedRun(AppConfig config, EmbeddedKafkaBroker broker, int count, java.io.PrintWriter err) {
        try (EmbedService service = EmbedService.start(config)) {
            if (!service.runner().awaitRunning(Duration.ofSeconds(120))) {
                throw new IllegalStateException("the service did not reach RUNNING within 120 s");
            }
            long start = System.nanoTime();
            double inferenceBefore = service.metrics().inferenceSeconds();
            awaitCommitted(broker, config.topics().output(), count);
            double seconds = (System.nanoTime() - start) / 1e9;
            err.printf("bench: %s: %.2f s, of which session.run %.2f s, %d batches%n", config.applicationId(), seconds,
                    service.metrics().inferenceSeconds() - inferenceBefore, service.metrics().batchSize().count());
            err.flush();
            return count / seconds;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Reads the single-partition output with read_committed until {@code count} records have been seen. */
    private static void awaitCommitted(EmbeddedKafkaBroker broker, String topic, int count) {
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
        return producerProps(broker.bootstrapServers());
    }

    /** A byte-array producer for input records: 10 ms linger, one request in flight per connection. */
    public static Properties producerProps(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        // The topics were created moments ago: keep a retried first batch from landing behind a later one.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return props;
    }
}
