package io.embedstream.config;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The settings of a Kafka client the service creates beside Kafka Streams' own (the source reader that re-reads
 * buffered records, the embedding-space check, the start-up topic check): the {@code kafka.*} properties that client
 * knows, and then those under its Kafka Streams client prefix ({@code consumer.}, {@code admin.}) with the prefix
 * removed, which win, as they do for Kafka Streams' clients. So a user who puts security settings under
 * {@code consumer.} reaches every consumer of the service, not only Kafka Streams'. {@code main.consumer.} and
 * {@code restore.consumer.} settings belong to those two Kafka Streams consumers alone and are not applied.
 */
public final class KafkaClientProperties {

    private KafkaClientProperties() {}

    /** The properties of a plain consumer; the caller sets what its job requires (group, isolation) on top. */
    public static Properties consumer(Map<?, ?> kafka) {
        return of(kafka, ConsumerConfig.configNames(), StreamsConfig.CONSUMER_PREFIX);
    }

    /** The properties of an admin client. */
    public static Properties admin(Map<?, ?> kafka) {
        return of(kafka, AdminClientConfig.configNames(), StreamsConfig.ADMIN_CLIENT_PREFIX);
    }

    private static Properties of(Map<?, ?> kafka, Set<String> known, String prefix) {
        Properties props = new Properties();
        kafka.forEach((k, v) -> {
            if (k instanceof String key && v instanceof String && known.contains(key)) {
                props.put(key, v);
            }
        });
        kafka.forEach((k, v) -> {
            if (k instanceof String key && v instanceof String && key.startsWith(prefix)) {
                props.put(key.substring(prefix.length()), v);
            }
        });
        return props;
    }
}
