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

/**
 * Checks at start-up that the configured topics exist, so that a typo fails at once and clearly, and reads
 * the largest record each accepts ({@code max.message.bytes}, the broker default when the topic does not set it).
 */
final class TopicCheck {

    record Topic(String key, String name) {}

    private static final long TIMEOUT_SECONDS = 30;

    private TopicCheck() {}

    /**
     * @return each topic's {@code max.message.bytes}
     * @throws ConfigException       when a topic does not exist
     * @throws IllegalStateException when the cluster cannot be reached within the timeout
     */
    static Map<String, Integer> requireExisting(Map<String, String> kafka, List<Topic> topics) {
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
            Map<String, Integer> maxMessageBytes = new HashMap<>();
            configs.forEach((resource, config) -> {
                ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (entry != null && entry.value() != null) {
                    maxMessageBytes.put(resource.name(), Integer.parseInt(entry.value()));
                }
            });
            return maxMessageBytes;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe the topics on kafka.bootstrap.servers="
                    + kafka.get("bootstrap.servers") + " within " + TIMEOUT_SECONDS + " s: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        }
    }
}
