package io.embedstream.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.embedstream.testing.TestData;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image, the compose stack and the Kubernetes example, checked without a Docker engine (there is
 * none on the build machines): the files are parsed and held against the service's own configuration loader and
 * against each other. Every {@code EMBEDSTREAM_*} variable they set must load as a configuration key (the loader
 * refuses unknown names; {@code EMBEDSTREAM_KAFKA_*} ones must be Kafka client properties), every path the compose
 * file mounts must exist in the checkout, and the image must carry only the service and run it as a non-root user
 * with a readiness health check. Where {@code docker-compose} is installed, {@code docker-compose config} must
 * accept the compose file too.
 */
class DeploymentFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String OPS_PORT = "8080";

    @TempDir
    Path tmp;

    private final ConfigLoader loader = new ConfigLoader();

    // ---------------------------------------------------------------------------------------------- Dockerfile

    /** One instruction of a Dockerfile, continuation lines joined, in the stage it belongs to (0 = first). */
    record Instruction(int stage, String keyword, String args) {}

    static List<Instruction> dockerfile() throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int stage = -1;
        for (String line : Files.readAllLines(TestData.checkoutFile("Dockerfile"), StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue; // comments (also inside continued instructions, as Docker reads them) and blank lines
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String text = current.toString().strip();
            current.setLength(0);
            String[] parts = text.split("\\s+", 2);
            String keyword = parts[0].toUpperCase();
            if (keyword.equals("FROM")) {
                stage++;
            }
            instructions.add(new Instruction(stage, keyword, parts.length > 1 ? parts[1] : ""));
        }
        return instructions;
    }

    private static List<Instruction> runtimeStage(List<Instruction> all) {
        int last = all.stream().mapToInt(Instruction::stage).max().orElseThrow();
        return all.stream().filter(i -> i.stage() == last).toList();
    }

    private static List<Instruction> buildStage(List<Instruction> all) {
        return all.stream().filter(i -> i.stage() == 0).toList();
    }

    /** {@code ENV A=1 B=2} of the runtime stage. */
    private static Map<String, String> imageEnv(List<Instruction> runtime) {
        Map<String, String> env = new LinkedHashMap<>();
        Pattern assignment = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)");
        runtime.stream().filter(i -> i.keyword().equals("ENV")).forEach(i -> {
            Matcher matcher = assignment.matcher(i.args());
            while (matcher.find()) {
                env.put(matcher.group(1), matcher.group(2).replace("\"", ""));
            }
        });
        return env;
    }

    private static List<String> jsonArray(Instruction instruction) throws IOException {
        List<String> out = new ArrayList<>();
        new ObjectMapper().readTree(instruction.args()).forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Instruction only(List<Instruction> stage, String keyword) {
        List<Instruction> found = stage.stream().filter(i -> i.keyword().equals(keyword)).toList();
        assertThat(found).as("%s instructions in the runtime stage", keyword).hasSize(1);
        return found.get(0);
    }

    @Test
    void shouldCopyOnlyTheServiceArtifactIntoTheRuntimeImage() throws IOException {
        List<Instruction> all = dockerfile();
        List<Instruction> runtime = runtimeStage(all);

        assertThat(all.stream().filter(i -> i.keyword().equals("FROM")).count()).as("multi-stage").isEqualTo(2);
        assertThat(runtime).noneMatch(i -> i.keyword().equals("ADD"));
        assertThat(runtime.stream().filter(i -> i.keyword().equals("COPY")).map(Instruction::args))
                .containsExactly("--from=build /src/service/target/embedstream.jar /opt/embedstream/embedstream.jar",
                        "--from=build /src/service/target/lib/ /opt/embedstream/lib/");
        assertThat(buildStage(all).stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::args))
                .contains("mvn -B -pl service -am -DskipTests package")
                .anyMatch(run -> run.contains("dependency:go-offline"));
        assertThat(runtime.stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::args))
                .as("the runtime stage checks glibc >= 2.34 for TF Java 1.1.0")
                .anyMatch(run -> run.contains("getconf GNU_LIBC_VERSION") && run.contains("2.34"));
    }

    @Test
    void shouldRunAsNonRootWithAReadinessHealthCheckAndTheLaunchersTensorFlowSettings() throws IOException {
        List<Instruction> runtime = runtimeStage(dockerfile());

        List<Instruction> users = runtime.stream().filter(i -> i.keyword().equals("USER")).toList();
        assertThat(users).isNotEmpty();
        String user = users.get(users.size() - 1).args().split(":")[0];
        assertThat(user).isNotIn("root", "0").matches("\\d+");
        int userIndex = runtime.indexOf(users.get(users.size() - 1));
        assertThat(runtime.subList(userIndex, runtime.size())).as("nothing runs as root after USER")
                .noneMatch(i -> i.keyword().equals("USER") && i.args().startsWith("0"));

        assertThat(only(runtime, "HEALTHCHECK").args()).contains("CMD curl")
                .contains("http://127.0.0.1:${EMBEDSTREAM_OPS_PORT:-" + OPS_PORT + "}/health/ready");
        assertThat(only(runtime, "EXPOSE").args()).isEqualTo(OPS_PORT);

        List<String> entrypoint = jsonArray(only(runtime, "ENTRYPOINT"));
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size()))
                .containsExactly("-jar", "/opt/embedstream/embedstream.jar");
        assertThat(jsonArray(only(runtime, "CMD"))).containsExactly("run", "--config", "/config/application.yaml");
        assertThat(jsonArray(only(runtime, "VOLUME"))).contains("/models", "/config");

        // The JavaCPP cache the build fills is the one the ENTRYPOINT uses.
        String cacheDir = entrypoint.stream().filter(a -> a.startsWith("-Dorg.bytedeco.javacpp.cachedir="))
                .findFirst().orElseThrow().substring("-Dorg.bytedeco.javacpp.cachedir=".length());
        assertThat(runtime.stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::args))
                .anyMatch(run -> run.contains("-Dorg.bytedeco.javacpp.cachedir=" + cacheDir + " ")
                        && run.contains(" inspect "));

        // The same TensorFlow settings as the ./embedstream launcher's defaults.
        String launcher = Files.readString(TestData.checkoutFile("embedstream"));
        Map<String, String> env = imageEnv(runtime);
        for (String name : List.of("TF_OVERRIDE_GLOBAL_THREADPOOL", "TF_CPP_MIN_LOG_LEVEL")) {
            Matcher m = Pattern.compile(name + ":-(\\w+)").matcher(launcher);
            assertThat(m.find()).as("launcher sets %s", name).isTrue();
            assertThat(env).containsEntry(name, m.group(1));
        }
    }

    @Test
    void shouldLetTheDockerignoreKeepEverythingTheBuildReads() throws IOException {
        List<Instruction> all = dockerfile();
        List<String> sources = new ArrayList<>();
        buildStage(all).stream().filter(i -> i.keyword().equals("COPY")).forEach(i -> {
            String[] words = i.args().split("\\s+");
            for (int w = 0; w < words.length - 1; w++) {
                sources.add(words[w]);
            }
        });
        Matcher bind = Pattern.compile("--mount=type=bind,source=([^,\\s]+)").matcher(
                all.stream().map(Instruction::args).collect(Collectors.joining("\n")));
        while (bind.find()) {
            sources.add(bind.group(1));
        }
        assertThat(sources).contains("pom.xml", "service/src/", "schemas/", "testdata/models/grenade-mlp");

        List<String> kept = Files.readAllLines(TestData.checkoutFile(".dockerignore")).stream()
                .map(String::strip).filter(l -> l.startsWith("!")).map(l -> trimSlash(l.substring(1))).toList();
        for (String source : sources) {
            assertThat(TestData.checkoutFile(source)).as("build input %s", source).exists();
            assertThat(kept).as(".dockerignore keeps %s", source)
                    .anyMatch(k -> trimSlash(source).equals(k) || trimSlash(source).startsWith(k + "/"));
        }
    }

    private static String trimSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    // ------------------------------------------------------------------------------------------------ compose

    private static JsonNode compose() throws IOException {
        return YAML.readTree(TestData.checkoutFile("docker-compose.yml").toFile());
    }

    /** A service's environment, in either of compose's two forms (mapping or list of NAME=value). */
    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new TreeMap<>();
        JsonNode node = service.path("environment");
        if (node.isArray()) {
            node.forEach(e -> {
                String[] kv = e.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            });
        } else {
            node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        return env;
    }

    /** Short-syntax volumes {@code host:container[:mode]} whose host side is a path: container path -> host path. */
    private static Map<String, String> bindMounts(JsonNode service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        service.path("volumes").forEach(v -> {
            String[] parts = v.asText().split(":");
            if (parts[0].startsWith(".") || parts[0].startsWith("/")) {
                mounts.put(parts[1], parts[0]);
            }
        });
        return mounts;
    }

    private static Set<String> kafkaClientProperties() {
        Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return names;
    }

    /** The host port that compose publishes for {@code containerPort} of {@code service}. */
    private static String hostPort(JsonNode service, String containerPort) {
        for (JsonNode port : service.path("ports")) {
            String[] parts = port.asText().split(":");
            if (parts[parts.length - 1].equals(containerPort)) {
                return parts[parts.length - 2];
            }
        }
        throw new AssertionError("no port publishes container port " + containerPort + " of " + service);
    }

    @Test
    void shouldMapEveryEnvironmentVariableOfTheEmbedstreamServiceToAConfigurationKey() throws IOException {
        JsonNode services = compose().path("services");
        JsonNode embedstream = services.path("embedstream");
        Map<String, String> env = new TreeMap<>(imageEnv(runtimeStage(dockerfile())));
        env.putAll(environment(embedstream));
        Map<String, String> mounts = bindMounts(embedstream);
        Path configFile = TestData.checkoutFile(mounts.get("/config/application.yaml"));

        assertThat(env.keySet().stream().filter(n -> !n.startsWith("TF_"))).allMatch(n -> n.startsWith("EMBEDSTREAM_"));
        // The loader refuses an EMBEDSTREAM_* name that is no key; kafka.* ones it passes on, so check those here.
        AppConfig config = loader.load(configFile, env, Map.of());
        Set<String> kafkaNames = kafkaClientProperties();
        env.keySet().stream().filter(n -> n.startsWith("EMBEDSTREAM_KAFKA_")).forEach(name -> {
            String property = name.substring("EMBEDSTREAM_KAFKA_".length()).toLowerCase().replace('_', '.');
            assertThat(kafkaNames).as("%s sets kafka.%s, a Kafka client property", name, property).contains(property);
            assertThat(config.kafka()).containsEntry(property, env.get(name));
        });

        // What the variables say fits the rest of the stack.
        assertThat(config.kafka().get("state.dir")).isEqualTo("/var/lib/embedstream");
        assertThat(mounts).containsKey(config.model().dir().toString());
        assertThat(TestData.checkoutFile(mounts.get(config.model().dir().toString())).resolve("saved_model.pb"))
                .exists();
        String bootstrap = config.kafka().get("bootstrap.servers");
        assertThat(environment(services.path(bootstrap.split(":")[0])).get("KAFKA_ADVERTISED_LISTENERS"))
                .contains("://" + bootstrap);
        URI registry = URI.create(config.registry().url());
        assertThat(services.has(registry.getHost())).as("registry host is a compose service").isTrue();
        assertThat(services.path(registry.getHost()).path("image").asText()).startsWith("apicurio/");
        assertThat(registry.getPath()).isEqualTo("/apis/ccompat/v7");
        assertThat(services.path(registry.getHost()).path("ports").toString()).contains(":" + registry.getPort() + "\"");
    }

    @Test
    void shouldShipAnExampleConfigThatReachesTheComposeStackFromTheHost() throws IOException {
        JsonNode services = compose().path("services");
        AppConfig example = loader.load(TestData.checkoutFile("config/application.yaml"), Map.of(), Map.of());

        assertThat(example.kafka().get("bootstrap.servers"))
                .isEqualTo("localhost:" + hostPort(services.path("kafka"), "9092"));
        assertThat(environment(services.path("kafka")).get("KAFKA_ADVERTISED_LISTENERS")).contains("://localhost:9092");
        assertThat(example.registry().url())
                .isEqualTo("http://localhost:" + hostPort(services.path("registry"), "8080") + "/apis/ccompat/v7");

        String topicsScript = services.path("topics").path("command").toString();
        for (String topic : List.of(example.topics().input(), example.topics().output(), example.topics().deadLetter())) {
            assertThat(topicsScript).as("the topics service creates %s", topic).contains("--topic " + topic + " ");
        }
        assertThat(topicsScript).contains("/opt/kafka/bin/kafka-topics.sh");
        assertThat(services.path("topics").path("image").asText()).isEqualTo(services.path("kafka").path("image").asText());
        assertThat(services.path("embedstream").path("depends_on").path("topics").path("condition").asText())
                .isEqualTo("service_completed_successfully");
        assertThat(services.path("embedstream").path("ports").toString()).contains(OPS_PORT + ":" + OPS_PORT);
    }

    @Test
    void shouldMountOnlyPathsThatExistAndScrapeTheOpsPort() throws IOException {
        JsonNode services = compose().path("services");
        List<String> hostPaths = new ArrayList<>();
        services.fields().forEachRemaining(s -> hostPaths.addAll(bindMounts(s.getValue()).values()));

        assertThat(hostPaths).contains("./testdata/models/grenade-mlp", "./config/application.yaml",
                "./deploy/prometheus/prometheus.yml");
        for (String hostPath : hostPaths) {
            assertThat(hostPath).as("relative to the compose file").startsWith("./");
            assertThat(TestData.checkoutFile(hostPath.substring(2))).exists();
        }
        assertThat(services.path("embedstream").path("build").asText()).isEqualTo(".");

        JsonNode prometheus = YAML.readTree(TestData.checkoutFile("deploy/prometheus/prometheus.yml").toFile());
        JsonNode job = prometheus.path("scrape_configs").get(0);
        assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
        assertThat(job.path("static_configs").get(0).path("targets").get(0).asText())
                .isEqualTo("embedstream:" + OPS_PORT);
    }

    @Test
    void shouldPassDockerComposeConfigWhereItIsInstalled() throws Exception {
        Path compose = TestData.checkoutFile("docker-compose.yml");
        assertThat(compose().path("services").size()).isEqualTo(5);
        Path command = onPath("docker-compose");
        if (command == null) {
            return; // no docker-compose here: the parsing tests above are all the checking this machine can do
        }
        Process process = new ProcessBuilder(command.toString(), "-f", compose.toString(), "config")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("docker-compose config:\n%s", output).isZero();
        assertThat(output).contains("embedstream:", "kafka:", "registry:", "topics:", "prometheus:");
    }

    private static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    // --------------------------------------------------------------------------------------------- Kubernetes

    private static JsonNode k8s(String file) throws IOException {
        return YAML.readTree(TestData.checkoutFile("deploy/k8s/" + file).toFile());
    }

    @Test
    void shouldLoadTheKubernetesConfigMapWithTheDeploymentsEnvironment() throws IOException {
        JsonNode deployment = k8s("deployment.yaml");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        Map<String, String> env = new TreeMap<>(imageEnv(runtimeStage(dockerfile())));
        container.path("env").forEach(e -> env.put(e.path("name").asText(), "value-of-" + e.path("name").asText()));
        Path file = tmp.resolve("application.yaml");
        Files.writeString(file, k8s("configmap.yaml").path("data").path("application.yaml").asText());

        AppConfig config = loader.load(file, env, Map.of());

        Set<String> kafkaNames = kafkaClientProperties();
        env.keySet().stream().filter(n -> n.startsWith("EMBEDSTREAM_KAFKA_")).forEach(name -> assertThat(kafkaNames)
                .contains(name.substring("EMBEDSTREAM_KAFKA_".length()).toLowerCase().replace('_', '.')));
        assertThat(config.registry().bearerToken()).isEqualTo("value-of-EMBEDSTREAM_REGISTRY_BEARER_TOKEN");
        Map<String, String> mounts = new TreeMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
        assertThat(config.model().dir().toString()).startsWith(mounts.get("models") + "/");
        assertThat(mounts.get("state")).isEqualTo(config.kafka().get("state.dir"));
        assertThat(mounts.get("config") + "/application.yaml")
                .isEqualTo(jsonList(container.path("args")).get(2));
        int cpus = Integer.parseInt(container.path("resources").path("requests").path("cpu").asText());
        assertThat(config.model().intraOpThreads() * config.processing().streamThreads()).isEqualTo(cpus);
        assertThat(container.path("resources").path("limits").path("cpu").asText()).isEqualTo(String.valueOf(cpus));
        assertThat(container.path("resources").path("limits").path("memory").asText()).isNotBlank();
    }

    @Test
    void shouldProbeTheOpsPortAsTheImagesUserInTheKubernetesExample() throws IOException {
        JsonNode pod = k8s("deployment.yaml").path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);

        assertThat(container.path("ports").get(0).path("containerPort").asText()).isEqualTo(OPS_PORT);
        String portName = container.path("ports").get(0).path("name").asText();
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(container.path(probe).path("httpGet").path("port").asText()).as(probe).isEqualTo(portName);
        }
        String imageUser = runtimeStage(dockerfile()).stream().filter(i -> i.keyword().equals("USER"))
                .reduce((a, b) -> b).orElseThrow().args().split(":")[0];
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("runAsUser").asText()).isEqualTo(imageUser);
        assertThat(pod.path("volumes").findValuesAsText("name")).contains("config", "models", "state");
        JsonNode state = pod.path("volumes").findParents("name").stream()
                .filter(v -> v.path("name").asText().equals("state")).findFirst().orElseThrow();
        assertThat(state.has("emptyDir")).isTrue();

        JsonNode service = k8s("service.yaml");
        assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo(portName);
        for (JsonNode resource : k8s("kustomization.yaml").path("resources")) {
            assertThat(TestData.checkoutFile("deploy/k8s/" + resource.asText())).exists();
        }
    }

    private static List<String> jsonList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
