package io.embedstream.config;

import io.embedstream.testing.TestData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader();

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("application.yaml");
        Files.writeString(file, text);
        return file;
    }

    private static final String MINIMAL = """
            topics:
              input: features
              output: embeddings
            kafka:
              bootstrap.servers: localhost:9092
              security.protocol: SASL_SSL
              linger.ms: 5
            registry:
              url: http://localhost:8081/
            model:
              dir: /models/grenade
              layer: dense_761
            """;

    @Test
    void shouldFillDefaultsAndPassKafkaPropertiesThrough() throws IOException {
        AppConfig config = loader.load(yaml(MINIMAL), Map.of(), Map.of());

        assertThat(config.applicationId()).isEqualTo("embedstream");
        assertThat(config.topics().deadLetter()).isEqualTo("features.dlq");
        assertThat(config.kafka()).containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("linger.ms", "5");
        assertThat(config.registry().url()).isEqualTo("http://localhost:8081");
        assertThat(config.model().name()).isEqualTo("grenade");
        assertThat(config.model().tags()).containsExactly("serve");
        assertThat(config.model().sessions()).isEqualTo(SessionMode.PER_THREAD);
        assertThat(config.model().device()).isEqualTo(Device.CPU);
        assertThat(config.embedding()).isEqualTo(new EmbeddingConfig(Pooling.NONE, Normalization.L2));
        assertThat(config.batching()).isEqualTo(new BatchingConfig(64, 50, 4));
        assertThat(config.processing().guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE_V2);
        assertThat(config.processing().guarantee().toString()).isEqualTo("exactly_once_v2");
        assertThat(config.input().format()).isEqualTo(InputFormat.FEATURE_VECTOR);
    }

    @Test
    void shouldApplyPrecedenceDefaultsThenFileThenEnvThenCommandLine() throws IOException {
        Path file = yaml(MINIMAL + """
                batching:
                  max-size: 16
                  linger-ms: 10
                """);
        Map<String, String> env = Map.of(
                "EMBEDSTREAM_BATCHING_MAX_SIZE", "32",
                "EMBEDSTREAM_MODEL_LAYER", "dense_760",
                "EMBEDSTREAM_KAFKA_SASL_MECHANISM", "PLAIN",
                "PATH", "/usr/bin");
        Map<String, String> cli = new LinkedHashMap<>();
        cli.put("model.layer", "dense_759");
        cli.put("model.tags", "serve, gpu");
        cli.put("kafka.bootstrap.servers", "broker:29092");

        AppConfig config = loader.load(file, env, cli);

        assertThat(config.batching().maxSize()).isEqualTo(32);      // env beats file
        assertThat(config.batching().lingerMs()).isEqualTo(10);     // file beats default
        assertThat(config.model().layer()).isEqualTo("dense_759");  // CLI beats env
        assertThat(config.model().tags()).containsExactly("serve", "gpu");
        assertThat(config.kafka()).containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("bootstrap.servers", "broker:29092");
    }

    @Test
    void shouldRejectUnknownPoolingNamingKeyValueAndChoices() throws IOException {
        Path file = yaml(MINIMAL + "embedding:\n  pooling: avg\n");
        assertThatThrownBy(() -> loader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("embedding.pooling: 'avg' is not valid; allowed: none | flatten | mean | max");
    }

    @Test
    void shouldRejectBatchSizeBelowOne() throws IOException {
        assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of(), Map.of("batching.max-size", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("batching.max-size: '0' is not valid; must be >= 1");
    }

    @Test
    void shouldRejectNonNumericValueWithExpectedType() throws IOException {
        assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of(), Map.of("batching.linger-ms", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("batching.linger-ms: 'soon' is not valid; expected a whole number");
    }

    @Test
    void shouldSuggestNearestKeyForTypo() throws IOException {
        Path file = yaml(MINIMAL + "batching:\n  max-szie: 8\n");
        assertThatThrownBy(() -> loader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown configuration key 'batching.max-szie'; did you mean 'batching.max-size'?");
        assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of(), Map.of("model.layr", "x")))
                .hasMessage("unknown configuration key 'model.layr'; did you mean 'model.layer'?");
        assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of("EMBEDSTREAM_MODEL_LAYR", "x"), Map.of()))
                .hasMessageStartingWith("environment variable EMBEDSTREAM_MODEL_LAYR does not match a configuration key")
                .hasMessageContaining("EMBEDSTREAM_MODEL_LAYER");
    }

    @Test
    void shouldRequireBootstrapServersAndTopicsAndModelDir() throws IOException {
        assertThatThrownBy(() -> loader.load(yaml("""
                topics: {input: a, output: b}
                registry: {url: http://r}
                model: {dir: /m}
                """), Map.of(), Map.of()))
                .hasMessageStartingWith("kafka.bootstrap.servers is required but was not set");
        assertThatThrownBy(() -> loader.load(yaml("""
                topics: {input: a}
                kafka: {bootstrap.servers: k:9092}
                registry: {url: http://r}
                model: {dir: /m}
                """), Map.of(), Map.of()))
                .hasMessage("topics.output is required but was not set");
        assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of(), Map.of("model.dir", "")))
                .hasMessage("model.dir is required but was not set");
    }

    @Test
    void shouldRejectBadEnumsForDeviceSessionsAndGuarantee() throws IOException {
        assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of(), Map.of("model.device", "tpu")))
                .hasMessage("model.device: 'tpu' is not valid; allowed: cpu | gpu | auto");
        assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of(), Map.of("model.sessions", "pooled")))
                .hasMessage("model.sessions: 'pooled' is not valid; allowed: per-thread | shared");
        assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of(), Map.of("processing.guarantee", "exactly_once")))
                .hasMessage("processing.guarantee: 'exactly_once' is not valid; allowed: exactly_once_v2 | at_least_once");
        AppConfig alo = loader.load(yaml(MINIMAL), Map.of(), Map.of("processing.guarantee", "AT-LEAST-ONCE"));
        assertThat(alo.processing().guarantee()).isEqualTo(Guarantee.AT_LEAST_ONCE);
    }

    @Test
    void shouldRejectSameTopicTwiceAndBadRegistryUrl() throws IOException {
        assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of(), Map.of("topics.output", "features")))
                .hasMessageContaining("must be three different topics");
        assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of(), Map.of("registry.url", "localhost:8081")))
                .hasMessage("registry.url: 'localhost:8081' is not valid; expected an http:// or https:// URL");
    }

    @Test
    void shouldHideSecretsInToString() throws IOException {
        AppConfig config = loader.load(yaml(MINIMAL), Map.of(), Map.of(
                "kafka.sasl.jaas.config", "org.apache.kafka...PlainLoginModule required password=\"hunter2\";",
                "registry.basic-auth", "user:hunter2"));
        assertThat(config.toString()).doesNotContain("hunter2").contains("sasl.jaas.config=***");
    }

    @Test
    void shouldExplainFileProblems() throws IOException {
        assertThatThrownBy(() -> loader.load(dir.resolve("missing.yaml"), Map.of(), Map.of()))
                .hasMessageContaining("missing.yaml' is not a readable file");
        assertThatThrownBy(() -> loader.load(yaml("- a\n- b\n"), Map.of(), Map.of()))
                .hasMessageContaining("must hold a YAML mapping at the top level, found array");
    }

    @Test
    void shouldLoadTheShippedImageExampleConfig() {
        AppConfig config = loader.load(TestData.checkoutFile("config/images.yaml"), Map.of(), Map.of());
        assertThat(config.input().format()).isEqualTo(InputFormat.IMAGE_REFERENCE);
        assertThat(config.image().scaling()).isEqualTo(Scaling.UNIT);
        assertThat(config.image().maxConcurrency()).isEqualTo(16);
        assertThat(config.model().layer()).isEqualTo("dense");
    }

    @Test
    void shouldReadImageListsFromTheEnvironmentAsCommaSeparated() throws IOException {
        AppConfig config = loader.load(yaml(MINIMAL), Map.of("EMBEDSTREAM_IMAGE_ALLOW_HOSTS", "cdn.example.com, *.img.example.com",
                "EMBEDSTREAM_IMAGE_MAX_CONCURRENCY", "4"), Map.of());
        assertThat(config.image().allowHosts()).containsExactly("cdn.example.com", "*.img.example.com");
        assertThat(config.image().maxConcurrency()).isEqualTo(4);
    }

    @Test
    void shouldLoadTheShippedExampleConfig() {
        AppConfig config = loader.load(TestData.checkoutFile("config/application.yaml"), Map.of(), Map.of());
        assertThat(config.topics().input()).isNotBlank();
        assertThat(config.model().layer()).isNotBlank();
        assertThat(List.of(config.embedding().pooling())).isNotEmpty();
        assertThat(config.model().dir()).as("resolved against config/, from any working directory")
                .isEqualTo(TestData.model("grenade-mlp").toAbsolutePath().normalize());
        assertThat(config.model().dir().resolve("saved_model.pb")).exists();
        AppConfig images = loader.load(TestData.checkoutFile("config/images.yaml"), Map.of(), Map.of());
        assertThat(images.model().dir().resolve("saved_model.pb")).exists();
    }

    @Test
    void shouldDefaultTheOpsEndpointAndLogging() throws IOException {
        AppConfig config = loader.load(yaml(MINIMAL), Map.of(), Map.of());
        assertThat(config.ops()).isEqualTo(new OpsConfig(true, 8080, "0.0.0.0"));
        assertThat(config.logging()).isEqualTo(new LoggingConfig(LogFormat.TEXT, 30_000));

        AppConfig set = loader.load(yaml(MINIMAL + """
                ops:
                  port: 9400
                  bind-address: 127.0.0.1
                logging:
                  progress-interval-ms: 0
                """), Map.of("EMBEDSTREAM_LOGGING_FORMAT", "json"), Map.of("ops.enabled", "false"));
        assertThat(set.ops()).isEqualTo(new OpsConfig(false, 9400, "127.0.0.1"));
        assertThat(set.logging()).isEqualTo(new LoggingConfig(LogFormat.JSON, 0));
        assertThat(set.toString()).contains("ops=OpsConfig[enabled=false, port=9400", "format=json");
    }

    @Test
    void shouldRejectBadOpsPortAndProgressInterval() throws IOException {
        assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of(), Map.of("ops.port", "70000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("ops.port: '70000' is not valid; expected a TCP port 1-65535, or 0 for any free port");
        assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of(), Map.of("logging.progress-interval-ms", "-1")))
                .hasMessage("logging.progress-interval-ms: '-1' is not valid; must be >= 0");
        assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of(), Map.of("ops.bind-address", " ")))
                .hasMessage("ops.bind-address is required but was not set");
    }

    /**
     * Every enum-typed key of {@link AppConfig}, found by walking its records, rejects a wrong value with the key and
     * every allowed value, and accepts each allowed value in another letter case.
     */
    @Test
    void shouldNameTheKeyAndAllowedValuesForEveryEnumKey() throws IOException {
        Map<String, Class<?>> enumKeys = new TreeMap<>();
        collectEnumKeys(AppConfig.class, "", enumKeys);
        assertThat(enumKeys).containsKeys("input.format", "image.resize", "image.scaling", "model.sessions",
                "model.device", "embedding.pooling", "embedding.normalize", "processing.guarantee", "logging.format");
        for (Map.Entry<String, Class<?>> e : enumKeys.entrySet()) {
            String key = e.getKey();
            List<String> allowed = java.util.Arrays.stream(e.getValue().getEnumConstants()).map(Object::toString).toList();
            assertThatThrownBy(() -> loader.load(yaml(MINIMAL), Map.of(), Map.of(key, "bogus-value")))
                    .as(key).isInstanceOf(ConfigException.class)
                    .hasMessage(key + ": 'bogus-value' is not valid; allowed: " + String.join(" | ", allowed));
            Path file = yaml(MINIMAL + nested(key, "[a, b]"));
            assertThatThrownBy(() -> loader.load(file, Map.of(), Map.of()))
                    .as(key + " given a list").isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(key + ": ").hasMessageContaining(String.join(" | ", allowed));
            for (String value : allowed) {
                Map<String, String> overrides = new java.util.HashMap<>(Map.of(key, value.toUpperCase(java.util.Locale.ROOT)));
                if (key.equals("input.format") && (value.equals("avro") || value.equals("json"))) {
                    overrides.put("input.field", "features"); // the generic formats need a field path
                }
                if (key.equals("output.format") && value.equals("json")) {
                    overrides.put("input.format", "json"); // JSON output needs JSON input
                    overrides.put("input.field", "features");
                }
                loader.load(yaml(MINIMAL), Map.of(), overrides);
            }
        }
    }

    /** {@code a.b} and a value as nested YAML; a key may appear in MINIMAL already, so the value wins by merging. */
    private static String nested(String key, String value) {
        String[] parts = key.split("\\.");
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            yaml.append("  ".repeat(i)).append(parts[i]).append(':');
            yaml.append(i == parts.length - 1 ? " " + value + "\n" : "\n");
        }
        return yaml.toString();
    }

    private static void collectEnumKeys(Class<?> record, String prefix, Map<String, Class<?>> out) {
        for (RecordComponent c : record.getRecordComponents()) {
            String key = prefix + kebab(c.getName());
            if (c.getType().isEnum()) {
                out.put(key, c.getType());
            } else if (c.getType().isRecord()) {
                collectEnumKeys(c.getType(), key + ".", out);
            }
        }
    }

    private static String kebab(String camel) {
        Matcher m = Pattern.compile("([a-z0-9])([A-Z])").matcher(camel);
        return m.replaceAll("$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    @Test
    void shouldResolveRelativePathsInTheFileAgainstItsFolder() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("etc"));
        Path file = sub.resolve("app.yaml");
        Files.writeString(file, """
                topics: {input: features, output: embeddings}
                kafka:
                  bootstrap.servers: localhost:9092
                  state.dir: state
                  ssl.truststore.location: certs/truststore.jks
                  producer.ssl.keystore.location: /abs/keystore.jks
                  sasl.mechanism: PLAIN
                registry: {url: http://localhost:8081}
                model: {dir: ../models/grenade}
                image:
                  roots: [images, /srv/abs]
                """);

        AppConfig config = loader.load(file, Map.of(), Map.of());

        assertThat(config.model().dir()).isEqualTo(dir.resolve("models/grenade").toAbsolutePath().normalize());
        assertThat(config.image().roots()).containsExactly(sub.resolve("images").toAbsolutePath().normalize(),
                Path.of("/srv/abs"));
        assertThat(config.kafka()).containsEntry("state.dir", sub.resolve("state").toAbsolutePath().toString())
                .containsEntry("ssl.truststore.location", sub.resolve("certs/truststore.jks").toAbsolutePath().toString())
                .containsEntry("producer.ssl.keystore.location", "/abs/keystore.jks")
                .containsEntry("sasl.mechanism", "PLAIN");
        // From the command line, a relative path stays relative to the working directory.
        AppConfig cli = loader.load(file, Map.of(), Map.of("model.dir", "relative/model"));
        assertThat(cli.model().dir()).isEqualTo(Path.of("relative/model"));
    }
}
