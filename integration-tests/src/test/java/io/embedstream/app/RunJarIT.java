package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.avro.FeatureRecord;
import io.embedstream.config.RegistryConfig;
import io.embedstream.serde.ConfluentAvroSerializer;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.StubHttpServer;
import io.embedstream.testing.TestData;
import io.embedstream.testing.TestTopics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service jar as a container runs it: {@code java -jar service/target/embedstream.jar} with its own
 * {@code logback.xml} and manifest, as a child process whose whole console output the test reads.
 */
class RunJarIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** TensorFlow's own log format (tsl), which TF_CPP_MIN_LOG_LEVEL controls. */
    private static final Pattern TF_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: [IWEF] .*");
    /**
     * The two lines TensorFlow 2.18's absl logging writes once per process at the first session run
     * ("MLIR V1 optimization pass is not enabled"); no environment variable reaches absl's threshold.
     */
    private static final Pattern ABSL_LINE = Pattern.compile(
            "^(WARNING: All log messages before absl::InitializeLog\\(\\) is called are written to STDERR"
                    + "|I\\d{4} [\\d:.]+ +\\d+ mlir_graph_optimization_pass\\.cc:\\d+\\] .*)$");

    @TempDir
    Path work;

    private record Run(int exit, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("embedstream.service.jar", "../service/target/embedstream.jar"));
        assertThat(jar).as("the service jar; build it with mvn package (mvn verify does)").exists();
        return jar;
    }

    private ProcessBuilder java(Map<String, String> env, String... args) {
        // The child's temp folder is target/run-jar-tmp, so that the state directory (target/run-jar-state) is
        // outside it also when the clone itself lies under /tmp, as CI's may.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.io.tmpdir=" + childTempDir(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(work.toFile());
        builder.environment().remove("TF_CPP_MIN_LOG_LEVEL");
        builder.environment().keySet().removeIf(k -> k.startsWith("EMBEDSTREAM_"));
        builder.environment().putAll(env);
        return builder;
    }

    private Run runToEnd(Map<String, String> env, String... args) throws Exception {
        Path log = work.resolve("out-" + System.nanoTime() + ".log");
        Process process = java(env, args).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
        return new Run(process.exitValue(), Files.readAllLines(log));
    }

    @Test
    void shouldPrintTheVersionFromTheJarManifest() throws Exception {
        String expected = System.getProperty("embedstream.version");
        assertThat(expected).as("set by failsafe from the project version").isNotBlank();
        Run run = runToEnd(Map.of(), "--version");
        assertThat(run.exit()).isZero();
        assertThat(run.lines()).containsExactly("embedstream " + expected);
    }

    @Test
    void shouldNameTheBrokerAndTheWaitWithoutStackTraceOrFloodWhenKafkaIsUnreachable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Run run = runToEnd(Map.of(), "run", "--set", "topics.input=in", "--set", "topics.output=out",
                "--set", "kafka.bootstrap.servers=127.0.0.1:" + port, "--set", "kafka.default.api.timeout.ms=5000",
                "--set", "registry.url=http://127.0.0.1:9", "--set", "model.dir=/nonexistent", "--set", "ops.port=0");
        Files.writeString(Path.of("target", "unreachable-broker-sample.txt"), run.text());
        assertThat(run.exit()).as(run.text()).isEqualTo(1);
        assertThat(run.lines().get(run.lines().size() - 1)).isEqualTo("embedstream: cannot reach Kafka at "
                + "kafka.bootstrap.servers=127.0.0.1:" + port + ": no answer within 5 s (kafka.default.api.timeout.ms). "
                + "Check that the brokers run and that this host can reach them (DNS, firewall, advertised.listeners), "
                + "and the security settings (kafka.security.protocol, kafka.sasl.*, kafka.ssl.*)");
        assertThat(run.text()).doesNotContain("\tat ").doesNotContain("Exception in thread");
        assertThat(run.lines().stream().filter(l -> l.contains("could not be established"))).as(run.text())
                .hasSizeBetween(1, 3);
        assertThat(run.text()).contains("similar lines from this logger are suppressed for the next 60 s");
        assertThat(run.lines().subList(0, run.lines().size() - 1))
                .as("every log line starts with a date").allMatch(l -> l.matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:.*"));
    }

    @Test
    void shouldLogJsonAndNoStartupNoiseInARealRun() throws Exception {
        String input = TestTopics.unique("jar-in");
        String output = TestTopics.unique("jar-out");
        String bootstrap = SharedKafka.broker().bootstrapServers();
        SharedKafka.broker().createTopics(1, input, output, input + ".dlq");
        String registryUrl = ApicurioRegistry.shared().ccompatUrl();
        int opsPort = StubHttpServer.freePort();
        Path log = work.resolve("run.log");
        Process process = java(Map.of("TF_CPP_MIN_LOG_LEVEL", "1", "EMBEDSTREAM_LOGGING_FORMAT", "json"),
                "run", "--set", "application-id=" + TestTopics.unique("jar-app"),
                "--set", "topics.input=" + input, "--set", "topics.output=" + output,
                "--set", "kafka.bootstrap.servers=" + bootstrap, "--set", "kafka.state.dir=" + stateDir(),
                "--set", "kafka.max.poll.record=100",
                "--set", "registry.url=" + registryUrl, "--set", "model.dir=" + TestData.model("grenade-mlp"),
                "--set", "model.layer=dense_761", "--set", "logging.progress-interval-ms=1000",
                "--set", "ops.port=" + opsPort, "--set", "ops.bind-address=127.0.0.1")
                .redirectOutput(log.toFile()).start();
        int exit;
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI ready = URI.create("http://127.0.0.1:" + opsPort + "/health/ready");
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                            .statusCode() == 200);
            SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(registryUrl));
            ConfluentAvroSerializer<FeatureRecord> serializer = new ConfluentAvroSerializer<>(registry, true);
            try (Producer<byte[], byte[]> producer = KafkaTestClients.producer(bootstrap)) {
                for (int i = 0; i < 20; i++) {
                    List<Float> f = new ArrayList<>();
                    for (int j = 0; j < 12; j++) {
                        f.add((i + j) / 30f);
                    }
                    producer.send(new ProducerRecord<>(input, bytes("j" + i),
                            serializer.serialize(input, FeatureRecord.newBuilder().setId("j" + i).setFeatures(f).build())));
                }
            }
            assertThat(KafkaTestClients.consume(bootstrap, output, 20, Duration.ofSeconds(60),
                    IsolationLevel.READ_COMMITTED)).hasSize(20);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> progressWith20(log));
        } finally {
            process.destroy(); // SIGTERM, as docker stop / Kubernetes do
            boolean stopped = process.waitFor(90, TimeUnit.SECONDS);
            Files.copy(log, Path.of("target", "json-run-sample.txt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(stopped).isTrue();
            exit = process.exitValue();
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(exit).as("graceful stop on SIGTERM: 128 + 15").isEqualTo(143);

        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            if (ABSL_LINE.matcher(line).matches()) {
                continue;
            }
            assertThat(TF_LINE.matcher(line).matches()).as("TensorFlow line with TF_CPP_MIN_LOG_LEVEL=1: %s", line)
                    .isFalse();
            events.add(JSON.readTree(line)); // every other line is one JSON event
        }
        List<String> warnings = events.stream().filter(e -> e.get("level").asText().matches("WARN|ERROR"))
                .map(e -> e.get("loggerName").asText() + ": " + e.get("formattedMessage").asText()).toList();
        assertThat(warnings).as("the only warning is the one the user can act on").containsExactly(
                "io.embedstream.app.EmbedService: kafka.max.poll.record is not a Kafka client or Kafka Streams "
                        + "property; did you mean 'kafka.max.poll.records'?");
        List<String> messages = events.stream().map(e -> e.get("formattedMessage").asText()).toList();
        assertThat(messages).anyMatch(m -> m.startsWith("Operations endpoint on http://127.0.0.1:" + opsPort))
                .anyMatch(m -> m.startsWith("Model warmed up (zero batch [64, 12] in "))
                .anyMatch(m -> m.startsWith("This instance holds 1 partition(s): " + input + "[0]; 1 active task(s)"))
                .anyMatch(m -> m.matches("Progress \\(last \\d+ s\\): received \\d+, enriched \\d+, dead-lettered 0 "
                        + "\\(totals 20 / 20 / 0\\); .* consumer lag \\d+"))
                .anyMatch(m -> m.equals("Stopped"));
        assertThat(events).allMatch(e -> e.get("timestamp").asLong() > 0 && e.has("threadName"));
    }

    private static boolean progressWith20(Path log) throws IOException {
        return Files.readString(log).contains("(totals 20 \\/ 20 \\/ 0)"); // JSON escapes the slash
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A state directory outside the child's temp folder: Kafka Streams rightly warns about a state directory there (the
     * OS may clear it), and this run is to show a start without warnings the user cannot act on.
     */
    private static Path childTempDir() {
        try {
            return Files.createDirectories(Path.of("target", "run-jar-tmp")).toAbsolutePath();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path stateDir() throws java.io.IOException {
        return Files.createDirectories(Path.of("target", "run-jar-state")).toAbsolutePath()
                .resolve(java.util.UUID.randomUUID().toString());
    }
}
