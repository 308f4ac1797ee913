package io.embedstream.app;

import io.embedstream.config.Levenshtein;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Finds {@code kafka.*} properties that no Kafka client and not Kafka Streams knows, such as
 * {@code bootstrap.server} or {@code consumer.max.poll.record}, and names the nearest known property.
 * Kafka passes unknown properties on silently (plug-ins such as interceptors may read them), so a typo
 * would otherwise go unnoticed. The known names are those of {@link ConsumerConfig}, {@link ProducerConfig},
 * {@link AdminClientConfig} and {@link StreamsConfig}; the client prefixes of Kafka Streams
 * ({@code consumer.}, {@code main.consumer.}, {@code restore.consumer.}, {@code global.consumer.},
 * {@code producer.}, {@code admin.}, {@code topic.}, {@code client.tag.}) are understood. Stateless.
 */
final class KafkaPropertyCheck {

    /** One property no client knows, and the nearest known one if any is close. */
    record Unknown(String key, Optional<String> nearest) {
        /** A log line: {@code kafka.<key> is not a Kafka client or Kafka Streams property; did you mean ...}. */
        String message() {
            return "kafka." + key + " is not a Kafka client or Kafka Streams property"
                    + nearest.map(n -> "; did you mean 'kafka." + n + "'?").orElse(
                            "; it is passed to the Kafka clients as it is, for a plug-in that may read it");
        }
    }

    private static final Set<String> CONSUMER = ConsumerConfig.configNames();
    private static final Set<String> PRODUCER = ProducerConfig.configNames();
    private static final Set<String> ADMIN = AdminClientConfig.configNames();
    private static final Set<String> STREAMS = StreamsConfig.configDef().names();
    private static final Set<String> TOPIC = topicConfigNames();
    /** Names without a prefix: any client's or Kafka Streams'. */
    private static final Set<String> ANY = union(CONSUMER, PRODUCER, ADMIN, STREAMS);
    /** Prefix to the names it may carry, longest prefix first. */
    private static final Map<String, Set<String>> PREFIXED = prefixes();

    private KafkaPropertyCheck() {}

    /** The unknown properties of {@code kafka}, in key order. */
    static List<Unknown> unknown(Map<String, String> kafka) {
        List<Unknown> out = new ArrayList<>();
        for (String key : new TreeSet<>(kafka.keySet())) {
            if (!known(key)) {
                out.add(new Unknown(key, nearest(key)));
            }
        }
        return out;
    }

    private static boolean known(String key) {
        if (key.startsWith(StreamsConfig.CLIENT_TAG_PREFIX)) {
            return true;
        }
        for (Map.Entry<String, Set<String>> prefix : PREFIXED.entrySet()) {
            if (key.startsWith(prefix.getKey())) {
                return prefix.getValue().contains(key.substring(prefix.getKey().length()));
            }
        }
        return ANY.contains(key);
    }

    private static Optional<String> nearest(String key) {
        String prefix = "";
        Set<String> candidates = ANY;
        for (Map.Entry<String, Set<String>> p : PREFIXED.entrySet()) {
            if (key.startsWith(p.getKey())) {
                prefix = p.getKey();
                candidates = p.getValue();
                break;
            }
        }
        String rest = key.substring(prefix.length());
        String found = prefix;
        return candidates.stream()
                .min(Comparator.comparingInt((String c) -> Levenshtein.distance(c, rest)).thenComparing(c -> c))
                .filter(best -> Levenshtein.distance(best, rest) <= Math.max(3, rest.length() / 4))
                .map(best -> found + best);
    }

    private static Map<String, Set<String>> prefixes() {
        Map<String, Set<String>> map = new LinkedHashMap<>();
        map.put(StreamsConfig.MAIN_CONSUMER_PREFIX, CONSUMER);
        map.put(StreamsConfig.RESTORE_CONSUMER_PREFIX, CONSUMER);
        map.put(StreamsConfig.GLOBAL_CONSUMER_PREFIX, CONSUMER);
        map.put(StreamsConfig.CONSUMER_PREFIX, CONSUMER);
        map.put(StreamsConfig.PRODUCER_PREFIX, PRODUCER);
        map.put(StreamsConfig.ADMIN_CLIENT_PREFIX, ADMIN);
        map.put(StreamsConfig.TOPIC_PREFIX, TOPIC);
        return map;
    }

    /** TopicConfig has no name list: its {@code *_CONFIG} constants are the names. */
    private static Set<String> topicConfigNames() {
        Set<String> names = new TreeSet<>();
        for (Field field : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && field.getName().endsWith("_CONFIG")) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read " + field, e);
                }
            }
        }
        return Set.copyOf(names);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return Set.copyOf(all);
    }
}
