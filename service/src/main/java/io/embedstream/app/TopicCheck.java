package io.embedstream.app;

import io.embedstream.config.ConfigException;
import io.embedstream.config.KafkaClientProperties;
import io.embedstream.stream.TopicRules;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Checks at start-up that the configured topics exist, so that a typo fails at once and clearly, reads what each
 * accepts (the largest record, {@code max.message.bytes}; whether it needs keys, {@code cleanup.policy}; which
 * timestamps, {@code message.timestamp.*}), and checks that the
 * cluster can be reached at all: it waits up to {@code kafka.default.api.timeout.ms} (30 s unless set) and then
 * fails with the bootstrap servers and the time it waited.
 */
final class TopicCheck {

    record Topic(String key, String name) {}

    static final long DEFAULT_TIMEOUT_MS = 30_000;

    /** What one topic accepts; {@code maxMessageBytes} is null when the broker did not say. */
    record Accepts(Integer maxMessageBytes, TopicRules rules) {}

    private TopicCheck() {}

    /**
     * @return what each topic accepts
     * @throws StartupException when the cluster cannot be reached or answers with an error
     * @throws ConfigException  when a topic does not exist
     */
    static Map<String, Accepts> requireExisting(Map<String, String> kafka, List<Topic> topics) {
        Properties props = KafkaClientProperties.admin(kafka);
        long timeoutMs = timeoutMs(kafka);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(timeoutMs, 30_000)));
        String servers = kafka.get("bootstrap.servers");
        String waited = "within " + seconds(timeoutMs) + " (kafka.default.api.timeout.ms)";
        Set<String> existing;
        Map<ConfigResource, Config> configs;
        Admin admin = Admin.create(props);
        try {
            existing = admin.listTopics(new ListTopicsOptions().listInternal(false)).names()
                    .get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
            requireAll(existing, topics, servers);
            configs = admin.describeConfigs(topics.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).distinct().toList()).all()
                    .get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unreachable(servers, waited, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(servers, waited, e.getCause());
            }
            throw new StartupException("Kafka at kafka.bootstrap.servers=" + servers + " could not list topics: "
                    + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage()
                    + " (check the security settings: kafka.security.protocol, kafka.sasl.*, kafka.ssl.*, and the "
                    + "ACLs of this principal)", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while listing the topics on " + servers, e);
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
        Map<String, Accepts> accepts = new HashMap<>();
        configs.forEach((resource, config) -> accepts.put(resource.name(), accepts(config)));
        return accepts;
    }

    private static void requireAll(Set<String> existing, List<Topic> topics, String servers) {
        for (Topic topic : topics) {
            if (!existing.contains(topic.name())) {
                throw new ConfigException(topic.key() + ": topic '" + topic.name() + "' does not exist on "
                        + servers + "; create it first (embedstream does not create topics)");
            }
        }
    }

    private static StartupException unreachable(String servers, String waited, Throwable cause) {
        return new StartupException("cannot reach Kafka at kafka.bootstrap.servers=" + servers + ": no answer "
                + waited + ". Check that the brokers run and that this host can reach them (DNS, firewall, "
                + "advertised.listeners), and the security settings (kafka.security.protocol, kafka.sasl.*, "
                + "kafka.ssl.*)", cause);
    }

    /** {@code kafka.default.api.timeout.ms} if set (and a positive number), else {@value #DEFAULT_TIMEOUT_MS}. */
    static long timeoutMs(Map<String, String> kafka) {
        String value = kafka.get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
        if (value == null) {
            return DEFAULT_TIMEOUT_MS;
        }
        try {
            long ms = Long.parseLong(value.trim());
            if (ms > 0) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ConfigException.invalid("kafka.default.api.timeout.ms", value, "expected a whole number of ms > 0");
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    static Accepts accepts(Config config) {
        String maxBytes = value(config, TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        String cleanup = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
        String type = value(config, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
        String before = value(config, TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
        String after = value(config, TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
        TopicRules rules = new TopicRules(
                cleanup != null && cleanup.toLowerCase(java.util.Locale.ROOT).contains(TopicConfig.CLEANUP_POLICY_COMPACT),
                type == null || type.equalsIgnoreCase("CreateTime"),
                before == null ? Long.MAX_VALUE : Long.parseLong(before),
                after == null ? Long.MAX_VALUE : Long.parseLong(after));
        return new Accepts(maxBytes == null ? null : Integer.parseInt(maxBytes), rules);
    }

    private static String value(Config config, String name) {
        ConfigEntry entry = config.get(name);
        return entry == null || entry.value() == null || entry.value().isBlank() ? null : entry.value().trim();
    }
}
