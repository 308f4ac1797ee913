package io.embedstream.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * The whole service configuration, immutable. Built by {@link ConfigLoader}, which documents the
 * precedence of its sources (defaults &lt; YAML file &lt; environment &lt; command line).
 *
 * @param applicationId Kafka Streams {@code application.id}: instances with the same id share the work
 * @param output        the output's embedding field, metadata field, format and key (avro and json input) and the
 *                      embedding-space guard
 * @param image         fetching and preprocessing of image references (used when input.format is image-reference,
 *                      or avro or json with an image field)
 * @param kafka         Kafka client properties passed through as they are (bootstrap.servers, security.protocol,
 *                      sasl.*, ssl.*, ...), to the streams, producer, consumer and admin clients
 * @param ops           the operations HTTP endpoint (metrics, health); defaults when absent
 * @param logging       log format and progress summary; defaults when absent
 */
public record AppConfig(
        String applicationId,
        TopicsConfig topics,
        InputConfig input,
        OutputConfig output,
        ImageConfig image,
        Map<String, String> kafka,
        RegistryConfig registry,
        ModelConfig model,
        EmbeddingConfig embedding,
        BatchingConfig batching,
        ProcessingConfig processing,
        OpsConfig ops,
        LoggingConfig logging) {

    public AppConfig {
        applicationId = Checks.requireText("application-id", applicationId);
        Checks.required("topics", topics);
        Checks.required("input", input);
        output = output == null ? OutputConfig.defaults() : output;
        image = image == null ? ImageConfig.defaults() : image;
        kafka = kafka == null ? Map.of() : Map.copyOf(new TreeMap<>(kafka));
        if (!kafka.containsKey("bootstrap.servers")) {
            throw new ConfigException("kafka.bootstrap.servers is required but was not set "
                    + "(set it in the YAML file under kafka:, or with EMBEDSTREAM_KAFKA_BOOTSTRAP_SERVERS)");
        }
        Checks.required("registry", registry);
        output.checkAgainst(input, registry);
        if (registry.url() == null && needsRegistry(input, output)) {
            throw new ConfigException("registry.url is required but was not set");
        }
        Checks.required("model", model);
        Checks.required("embedding", embedding);
        Checks.required("batching", batching);
        Checks.required("processing", processing);
        ops = ops == null ? OpsConfig.defaults() : ops;
        logging = logging == null ? LoggingConfig.defaults() : logging;
    }

    /** Whether this input and output use a schema registry: all but JSON in, JSON out. */
    public static boolean needsRegistry(InputConfig input, OutputConfig output) {
        return !(input.format() == InputFormat.JSON && output.formatFor(InputFormat.JSON) == OutputFormat.JSON);
    }

    /** Hides Kafka properties that carry secrets (passwords, JAAS configs). */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        kafka.forEach((k, v) -> shown.put(k, isSecret(k) ? "***" : v));
        return "AppConfig[applicationId=" + applicationId + ", topics=" + topics + ", input=" + input
                + ", output=" + output + (input.format() != InputFormat.FEATURE_VECTOR ? ", image=" + image : "") + ", kafka=" + shown
                + ", registry=" + registry + ", model=" + model + ", embedding=" + embedding
                + ", batching=" + batching + ", processing=" + processing + ", ops=" + ops + ", logging=" + logging + "]";
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("token")
                || k.endsWith(".key");
    }
}
