package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.Guarantee;
import io.embedstream.config.ModelConfig;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.FloatBatch;
import io.embedstream.model.InferenceSession;
import io.embedstream.model.ModelLoader;
import io.embedstream.postprocess.Postprocessor;
import io.embedstream.config.Normalization;
import io.embedstream.config.Pooling;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.OutputReader;
import io.embedstream.testing.PacedFeatureProducer;
import io.embedstream.testing.ServiceProcess;
import io.embedstream.testing.TestData;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durability proof: the service runs in its own JVM and is killed with SIGKILL at least ten
 * times at random moments while records stream in (so kills land mid-batch, with records in the
 * buffer whose offsets may already be committed), and restarted each time. A read_committed reader
 * must then find every input id exactly once under exactly_once_v2 and at least once under
 * at_least_once, with embeddings equal to direct inference. Both run with commits every 200 ms (the
 * at-least-once default of 30 s would mean no commit ever happens between two kills, and the buffer
 * would never hold a record whose offset is committed).
 */
class CrashRecoveryIT {

    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryIT.class);
    private static final String ID_PREFIX = "c";
    private static final long SEED = 99;
    private static final int KILLS = 10;
    private static final int PARTITIONS = 4;
    private static final int RECORDS_PER_SECOND = 400;
    private static final String LAYER = "dense_761";

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void shouldLoseNothingWhenKilledRepeatedly(Guarantee guarantee) throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        ApicurioRegistry apicurio = ApicurioRegistry.shared();
        String input = TestTopics.unique("crash-in");
        String output = TestTopics.unique("crash-out");
        broker.createTopics(PARTITIONS, input, output, input + ".dlq");
        Path modelDir = TestData.model("grenade-mlp");
        Path config = work.resolve("crash.yaml");
        Files.writeString(config, """
                application-id: %s
                topics: {input: %s, output: %s}
                kafka:
                  bootstrap.servers: %s
                  state.dir: %s
                  session.timeout.ms: 6000
                  heartbeat.interval.ms: 1000
                  main.consumer.group.instance.id: crash-test-instance
                  commit.interval.ms: 200
                registry: {url: %s}
                model: {dir: %s, layer: %s}
                batching: {max-size: 64, linger-ms: 50}
                processing: {guarantee: %s}
                """.formatted(TestTopics.unique("crash-app"), input, output, broker.bootstrapServers(),
                work.resolve("state"), apicurio.ccompatUrl(), modelDir, LAYER, guarantee));

        SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl()));

        int kills = 0;
        // Records stream in until the last kill, however long the restarts take on this machine: a fixed number
        // sent at a fixed rate could run out before the last kill, leaving that instance nothing to process.
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicInteger produced = new AtomicInteger();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        Thread producer = new Thread(() -> PacedFeatureProducer.run(broker.bootstrapServers(), input, registry,
                ID_PREFIX, SEED, RECORDS_PER_SECOND, producing, produced, producerFailure), "crash-producer");
        try (OutputReader progress = new OutputReader(broker.bootstrapServers(), output, PARTITIONS,
                IsolationLevel.READ_UNCOMMITTED, registry)) {
            producer.start();
            Random random = new Random(guarantee.ordinal() + 11);
            while (kills < KILLS) {
                ServiceProcess service = ServiceProcess.start(config, work.resolve("service-" + kills + ".log"));
                long before = progress.total();
                // Kill only once this instance is visibly processing, so the kill lands mid-stream.
                boolean processing = OutputReader.await(() -> progress.total() >= before + 64 || !service.isAlive(),
                        Duration.ofSeconds(90));
                assertThat(service.isAlive()).as("service %d died by itself; see %s", kills, service.log()).isTrue();
                assertThat(processing).as("service %d made no progress; see %s", kills, service.log()).isTrue();
                Thread.sleep(random.nextInt(1500));
                service.kill();
                kills++;
                LOG.info("{}: kill -9 #{} after {} output records (read_uncommitted)", guarantee, kills, progress.total());
            }
            producing.set(false);
            producer.join();
            assertThat(producerFailure.get()).isNull();
            int records = produced.get();
            Map<String, float[]> features = PacedFeatureProducer.features(ID_PREFIX, SEED, records);
            Map<String, float[]> reference = reference(modelDir, features);

            ServiceProcess last = ServiceProcess.start(config, work.resolve("service-final.log"));
            try (OutputReader committed = new OutputReader(broker.bootstrapServers(), output, PARTITIONS,
                    IsolationLevel.READ_COMMITTED, registry)) {
                boolean complete = OutputReader.await(() -> committed.distinct() >= records, Duration.ofMinutes(4));
                Thread.sleep(2000); // let any late duplicate show up
                int exit = last.stop();
                assertThat(complete).as("all ids committed; see %s", last.log()).isTrue();
                // 143 = 128 + SIGTERM: the JVM's status for a signal-initiated shutdown; the hook still ran.
                assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
                assertThat(Files.readString(last.log())).as("graceful stop logged").contains("Stopped");

                Map<String, Integer> counts = committed.counts();
                long duplicates = counts.values().stream().mapToLong(c -> c - 1).sum();
                long restored = restoredFromBuffer(work);
                LOG.info("{}: {} kills, {} inputs, {} distinct outputs, {} committed outputs, {} duplicates, "
                        + "{} records restored from the durable buffer", guarantee, kills, records, counts.size(),
                        committed.total(), duplicates, restored);
                Files.writeString(Path.of("target", "crash-test-" + guarantee + ".txt"), String.format(
                        "guarantee=%s kills=%d inputs=%d distinct=%d committed=%d duplicates=%d restored-from-buffer=%d%n",
                        guarantee, kills, records, counts.size(), committed.total(), duplicates, restored));
                // Some kills landed while records sat in the buffer with their input offsets already committed:
                // those records exist only in the buffer's changelog, and they were restored and processed.
                assertThat(restored).as("records restored from the durable buffer after kills").isPositive();

                assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(features.keySet());
                if (guarantee == Guarantee.EXACTLY_ONCE_V2) {
                    assertThat(counts.values()).as("each id exactly once").containsOnly(1);
                } else {
                    assertThat(counts.values()).as("each id at least once").allMatch(c -> c >= 1);
                }
                Map<String, float[]> embeddings = committed.embeddings();
                for (Map.Entry<String, float[]> e : reference.entrySet()) {
                    float[] actual = embeddings.get(e.getKey());
                    assertThat(actual).as(e.getKey()).hasSameSizeAs(e.getValue());
                    for (int i = 0; i < actual.length; i++) {
                        assertThat(Math.abs(actual[i] - e.getValue()[i])).as("%s[%d]", e.getKey(), i).isLessThanOrEqualTo(1e-5f);
                    }
                }
            }
        }
        assertThat(kills).isGreaterThanOrEqualTo(10);
    }

    /** Sums the "restored N buffered records" lines that restarted instances logged. */
    private static long restoredFromBuffer(Path work) throws java.io.IOException {
        java.util.regex.Pattern restored = java.util.regex.Pattern.compile("restored (\\d+) buffered records");
        long total = 0;
        try (var logs = Files.list(work)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                java.util.regex.Matcher m = restored.matcher(Files.readString(log));
                while (m.find()) {
                    total += Long.parseLong(m.group(1));
                }
            }
        }
        return total;
    }

    /** What an undisturbed run computes: the layer, run directly, L2-normalised like the service. */
    private static Map<String, float[]> reference(Path modelDir, Map<String, float[]> features) {
        Map<String, float[]> reference = new LinkedHashMap<>();
        Postprocessor post = new Postprocessor(Pooling.NONE, Normalization.L2);
        List<String> ids = new ArrayList<>(features.keySet());
        try (EmbeddingModel model = ModelLoader.load(ModelConfig.of(modelDir, LAYER), 1);
                InferenceSession session = model.openSession()) {
            for (int from = 0; from < ids.size(); from += 1000) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
                float[][] rows = chunk.stream().map(features::get).toArray(float[][]::new);
                float[][] out = post.apply(session.run(FloatBatch.ofRows(rows, 12)));
                for (int i = 0; i < chunk.size(); i++) {
                    reference.put(chunk.get(i), out[i]);
                }
            }
        }
        return reference;
    }
}
