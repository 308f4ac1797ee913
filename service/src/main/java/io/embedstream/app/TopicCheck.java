package io.embedstream.app;

import io.embedstream.config.ConfigException;
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
import io.embedstream.stream.TopicRules;

/**
 * Checks at start-up that the configured topics exist, so that a typo fails at once and clearly, and reads
 * what each accepts: the largest record ({@code max.message.bytes}, the broker default when the topic does not set
 * it), whether it needs keys ({@code cleanup.policy}) and which timestamps ({@code message.timestamp.*}).
 */
final class TopicCheck {

    record Topic(String key, String name) {}

    /** What one topic accepts; {@code maxMessageBytes} is null when the broker did not say. */
    record Accepts(Integer maxMessageBytes, TopicRules rules) {}

    private static final long TIMEOUT_SECONDS = 30;

    private TopicCheck() {}

    /**
     * @return what each topic accepts
     * @throws ConfigException       when a topic does not exist
     * @throws IllegalStateException when the cluster cannot be reached within the timeout
     */
    static Map<String, Accepts> requireExisting(Map<String, String> kafka, List<Topic> topics) {
        Properties props = new Properties();
        kafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT_SECONDS * 1000));
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics(new ListTopicsOptions().listInternal(false)).names()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (Topic topic : topics) {
                if (!existing.contains(topic.name())) {
                    throw new ConfigException(topic.key() + ": topic '" + topic.name() + "' does not exist on "
                            + kafka.get("bootstrap.servers") + "; create it first (embedstream does not create topics)");
                }
            }
            List<ConfigResource> resources = topics.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).distinct().toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<String, Accepts> accepts = new HashMap<>();
            configs.forEach((resource, config) -> accepts.put(resource.name(), accepts(config)));
            return accepts;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe the topics on kafka.bootstrap.servers="
                    + kafka.get("bootstrap.servers") + " within " + TIMEOUT_SECONDS + " s: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        }
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
