package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.avro.ImageReference;
import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.stream.DeadLetterHeaders;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.DeadLetterReader;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.OutputReader;
import io.embedstream.testing.ServiceProcess;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestData;
import io.embedstream.testing.TestHttpServer;
import io.embedstream.testing.TestTopics;
import io.embedstream.testing.TopicConfigs;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poison-pill suite (issue 9): records that used to stop the service for good, on the in-JVM broker with a real
 * Apicurio registry and the real mnist-cnn model, the service in a child JVM at default settings. One after
 * another: a 5 MB record that is not an ImageReference; a burst of valid 1.5 MB inline images; records of exactly
 * one byte under and one byte over {@code input.max-record-bytes} (8 MiB); an image server that refuses
 * connections for 10 s and then recovers. After each, the service is restarted (alternately kill -9 and SIGTERM).
 * The input topic takes records of up to 12 MiB; the dead-letter and output topics keep the broker's default of
 * 1 MiB. The service must never exit by itself, and every input id must be accounted for: enriched exactly once
 * (read_committed), or in the dead-letter topic, exactly once, with the expected reason.
 */
class PoisonPillIT {

    private static final Logger LOG = LoggerFactory.getLogger(PoisonPillIT.class);
    private static final int PARTITIONS = 2;
    private static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;
    private static final int INPUT_TOPIC_MAX_BYTES = 12 * 1024 * 1024;
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path work;

    private final Map<String, String> expected = new LinkedHashMap<>(); // id -> ENRICHED or a dead-letter reason

    @Test
    void shouldAccountForEveryRecordAndNeverStop() throws Exception {
        long suiteStart = System.nanoTime();
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        ApicurioRegistry apicurio = ApicurioRegistry.shared();
        String input = TestTopics.unique("poison-in");
        String output = TestTopics.unique("poison-out");
        String deadLetter = input + ".dlq";
        broker.createTopics(PARTITIONS, input, output, deadLetter);
        TopicConfigs.set(broker.bootstrapServers(), input,
                Map.of("max.message.bytes", Integer.toString(INPUT_TOPIC_MAX_BYTES)));
        int imagePort = freePort();
        Path config = work.resolve("poison.yaml");
        Files.writeString(config, """
                application-id: %s
                topics: {input: %s, output: %s}
                input: {format: image-reference}
                image: {allow-hosts: [127.0.0.1], scaling: unit}
                kafka: {bootstrap.servers: "%s", state.dir: "%s"}
                registry: {url: "%s"}
                model: {dir: "%s", layer: dense}
                """.formatted(TestTopics.unique("poison-app"), input, output, broker.bootstrapServers(),
                work.resolve("state"), apicurio.ccompatUrl(), TestData.model("mnist-cnn")));
        SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl()));
        ConfluentAvroSerializer<ImageReference> serializer = new ConfluentAvroSerializer<>(registry, true);
        byte[] digit = Files.readAllBytes(TestData.mnistSample().resolve("images").resolve("00000.png"));

        try (Producer<byte[], byte[]> producer = largeRecordProducer(broker.bootstrapServers());
                OutputReader outputs = new OutputReader(broker.bootstrapServers(), output, PARTITIONS,
                        IsolationLevel.READ_COMMITTED, registry);
                DeadLetterReader deadLetters = new DeadLetterReader(broker.bootstrapServers(), deadLetter, PARTITIONS,
                        IsolationLevel.READ_COMMITTED)) {
            ServiceProcess service = ServiceProcess.start(config, work.resolve("service-0.log"));

            // 1. A 5 MB record that is not an ImageReference, between two good ones.
            send(producer, input, "before-5mb", inline(serializer, input, "before-5mb", digit), "ENRICHED");
            byte[] garbage = new byte[5_000_000];
            new Random(1).nextBytes(garbage);
            garbage[0] = 7; // not the Confluent magic byte
            send(producer, input, "invalid-5mb", garbage, "UNDECODABLE");
            send(producer, input, "after-5mb", inline(serializer, input, "after-5mb", digit), "ENRICHED");
            service = awaitAccountedThenRestart(service, outputs, deadLetters, true, 1);
            assertThat(deadLetters.byKey().get("invalid-5mb").get(0).header(DeadLetterHeaders.ORIGINAL_SIZE))
                    .as("the 5 MB value does not fit the 1 MiB dead-letter topic: headers only").isEqualTo("5000000");

            // 2. A burst of valid 1.5 MB inline images, 30 ms apart.
            byte[] large = noisePng(710, 710, new Random(2));
            assertThat(large.length).isBetween(1_400_000, 1_700_000);
            for (int i = 0; i < 20; i++) {
                String id = "large-" + i;
                send(producer, input, id, inline(serializer, input, id, large), "ENRICHED");
                Thread.sleep(30);
            }
            service = awaitAccountedThenRestart(service, outputs, deadLetters, false, 2);

            // 3. One byte under and one byte over input.max-record-bytes.
            send(producer, input, "just-under", ofSize(serializer, input, "just-under", digit, MAX_RECORD_BYTES),
                    "ENRICHED");
            send(producer, input, "just-over", ofSize(serializer, input, "just-over", digit, MAX_RECORD_BYTES + 1),
                    "RECORD_TOO_LARGE");
            service = awaitAccountedThenRestart(service, outputs, deadLetters, true, 3);

            // 4. The image server refuses connections for 10 s, then comes back.
            String url = "http://127.0.0.1:" + imagePort + "/digit-%d.png";
            long outageStart = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                String id = "outage-" + i;
                send(producer, input, id, serializer.serialize(input, ImageReference.newBuilder().setId(id)
                        .setUri(url.formatted(i)).build()), "ENRICHED");
                Thread.sleep(1000);
            }
            Thread.sleep(Math.max(0, 10_000 - Duration.ofNanos(System.nanoTime() - outageStart).toMillis()));
            try (TestHttpServer images = new TestHttpServer(imagePort)) {
                for (int i = 0; i < 10; i++) {
                    images.serve("/digit-" + i + ".png", digit);
                }
                service = awaitAccountedThenRestart(service, outputs, deadLetters, false, 4);
                assertThat(images.requestCount()).as("every image fetched once the server was back").isEqualTo(10);
            }

            // The restarted service goes on.
            send(producer, input, "final", inline(serializer, input, "final", digit), "ENRICHED");
            awaitAccounted(outputs, deadLetters, service);
            Thread.sleep(2000); // let any late duplicate show up
            assertThat(service.isAlive()).as("service still running; see %s", service.log()).isTrue();
            assertThat(service.stop()).isIn(0, 143);
            assertAccounted(outputs, deadLetters);
            for (int i = 0; i <= 4; i++) {
                assertThat(Files.readString(work.resolve("service-" + i + ".log"))).as("service-%d.log", i)
                        .doesNotContain("FATAL");
            }
        }
        LOG.info("poison-pill suite: {} records accounted for in {} s", expected.size(),
                Duration.ofNanos(System.nanoTime() - suiteStart).toSeconds());
    }

    /** Waits until every id sent so far is accounted for, checks the service is up, then restarts it. */
    private ServiceProcess awaitAccountedThenRestart(ServiceProcess service, OutputReader outputs,
            DeadLetterReader deadLetters, boolean kill, int next) throws Exception {
        awaitAccounted(outputs, deadLetters, service);
        assertThat(service.isAlive()).as("service still running; see %s", service.log()).isTrue();
        if (kill) {
            service.kill();
        } else {
            assertThat(service.stop()).as("exit code after SIGTERM; see %s", service.log()).isIn(0, 143);
        }
        return ServiceProcess.start(service.log().resolveSibling("poison.yaml"), work.resolve("service-" + next + ".log"));
    }

    private void awaitAccounted(OutputReader outputs, DeadLetterReader deadLetters, ServiceProcess service)
            throws InterruptedException {
        boolean accounted = OutputReader.await(() -> !service.isAlive() || expected.keySet().stream()
                .allMatch(id -> outputs.counts().containsKey(id) || deadLetters.byKey().containsKey(id)),
                PHASE_TIMEOUT);
        assertThat(service.isAlive()).as("the service exited; see %s", service.log()).isTrue();
        assertThat(accounted).as("all of %s accounted for within %s; enriched %s, dead-lettered %s; see %s",
                expected.keySet(), PHASE_TIMEOUT, outputs.counts().keySet(), deadLetters.byKey().keySet(),
                service.log()).isTrue();
    }

    private void assertAccounted(OutputReader outputs, DeadLetterReader deadLetters) {
        Map<String, Integer> enriched = outputs.counts();
        Map<String, List<DeadLetterReader.DeadLetter>> dead = deadLetters.byKey();
        expected.forEach((id, outcome) -> {
            if (outcome.equals("ENRICHED")) {
                assertThat(enriched.get(id)).as("%s enriched exactly once", id).isEqualTo(1);
                assertThat(dead).as("%s not dead-lettered", id).doesNotContainKey(id);
            } else {
                assertThat(enriched).as("%s not enriched", id).doesNotContainKey(id);
                assertThat(dead.get(id)).as("%s dead-lettered exactly once", id).hasSize(1);
                DeadLetterReader.DeadLetter letter = dead.get(id).get(0);
                assertThat(letter.header(DeadLetterHeaders.REASON)).as("%s reason", id).isEqualTo(outcome);
                assertThat(letter.header(DeadLetterHeaders.TOPIC)).isNotBlank();
                assertThat(letter.header(DeadLetterHeaders.OFFSET)).isNotBlank();
            }
        });
        assertThat(enriched.keySet()).as("nothing enriched that was not sent").isSubsetOf(expected.keySet());
        assertThat(dead.keySet()).as("nothing dead-lettered that was not sent").isSubsetOf(expected.keySet());
    }

    private void send(Producer<byte[], byte[]> producer, String topic, String id, byte[] value, String outcome) {
        expected.put(id, outcome);
        KafkaTestClients.sendAndWait(producer, new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value));
    }

    private static byte[] inline(ConfluentAvroSerializer<ImageReference> serializer, String topic, String id,
            byte[] image) {
        return serializer.serialize(topic, ImageReference.newBuilder().setId(id).setUri("")
                .setBytes(ByteBuffer.wrap(image)).build());
    }

    /**
     * An ImageReference of exactly {@code size} bytes: a valid PNG followed by zeros, which decoders ignore after
     * the image's end.
     */
    private static byte[] ofSize(ConfluentAvroSerializer<ImageReference> serializer, String topic, String id,
            byte[] png, int size) {
        int padding = size - inline(serializer, topic, id, png).length;
        for (int attempt = 0; attempt < 5; attempt++) {
            byte[] value = inline(serializer, topic, id, Arrays.copyOf(png, png.length + padding));
            if (value.length == size) {
                return value;
            }
            padding += size - value.length; // the length prefix grew by a byte or two
        }
        throw new IllegalStateException("cannot make a record of exactly " + size + " bytes");
    }

    private static byte[] noisePng(int width, int height, Random random) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static Producer<byte[], byte[]> largeRecordProducer(String bootstrap) {
        Map<String, Object> config = KafkaTestClients.producerConfig(bootstrap);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, INPUT_TOPIC_MAX_BYTES);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        return new KafkaProducer<>(config);
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }
}
