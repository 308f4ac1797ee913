package io.embedstream.app;

import io.embedstream.config.ConfigException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;

/** Checks at start-up that the configured topics exist, so that a typo fails at once and clearly. */
final class TopicCheck {

    record Topic(String key, String name) {}

    private static final long TIMEOUT_SECONDS = 30;

    private TopicCheck() {}

    static void requireExisting(Map<String, String> kafka, List<Topic> topics) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT_SECONDS * 1000));
        Set<String> existing;
        try (Admin admin = Admin.create(props)) {
            existing = admin.listTopics(new ListTopicsOptions().listInternal(false)).names()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list topics on kafka.bootstrap.servers="
                    + kafka.get("bootstrap.servers") + " within " + TIMEOUT_SECONDS + " s: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        }
        for (Topic topic : topics) {
            if (!existing.contains(topic.name())) {
                throw new ConfigException(topic.key() + ": topic '" + topic.name() + "' does not exist on "
                        + kafka.get("bootstrap.servers") + "; create it first (embedstream does not create topics)");
            }
        }
    }
}
