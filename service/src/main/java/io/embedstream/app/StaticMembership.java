package io.embedstream.app;

import io.embedstream.config.AppConfig;
import java.io.File;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Static group membership, so that an instance restarted after a crash is processing again within seconds: it
 * rejoins under the group instance id it had, and the group coordinator hands it its partitions back without
 * waiting for the old member's session to time out and without moving partitions to other instances.
 *
 * <p>The id is {@code processing.group-instance-id} when set, else one that is stable across restarts on one host
 * and unique among the application's instances there: {@code <host name>-<state.dir hash>-<slot>}, where the slot
 * is the lowest free {@link InstanceSlot} under {@code state.dir} and the hash (six hex digits of the absolute
 * {@code state.dir}) keeps instances apart that use different state directories on one host. Kafka Streams appends
 * {@code -<thread index>} for each stream thread's consumer. A {@code group.instance.id} given among the
 * {@code kafka.*} properties is kept as it is.
 *
 * <p>The consumer's session timeout defaults to {@value #DEFAULT_SESSION_TIMEOUT_MS} ms: how long the partitions of
 * an instance that crashed and does not come back wait before they move. A graceful stop leaves the group at once
 * ({@link StreamsRunner#close()}), whatever the timeout. Stateless.
 */
final class StaticMembership {

    static final int DEFAULT_SESSION_TIMEOUT_MS = 60_000;
    private static final String MAIN = StreamsConfig.MAIN_CONSUMER_PREFIX;
    private static final String CONSUMER = StreamsConfig.CONSUMER_PREFIX;

    private StaticMembership() {}

    /** The {@code state.dir} the user configured, or Kafka Streams' default. */
    static Path configuredStateDir(Properties props) {
        Object dir = props.get(StreamsConfig.STATE_DIR_CONFIG);
        return Path.of(dir != null ? dir.toString()
                : System.getProperty("java.io.tmpdir") + File.separator + "kafka-streams");
    }

    /**
     * Points Kafka Streams at the slot's state directory and sets the group instance id and session timeout,
     * unless the user set them.
     *
     * @return the group instance id of the main consumer (before Kafka Streams appends the thread index)
     */
    static String configure(Properties props, AppConfig config, InstanceSlot slot, String hostName) {
        Path base = configuredStateDir(props);
        props.put(StreamsConfig.STATE_DIR_CONFIG, slot.stateDir().toString());
        String id = config.processing().groupInstanceId();
        if (id != null) {
            props.put(MAIN + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id);
        } else {
            id = userSet(props, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
            if (id == null) {
                id = defaultId(hostName, base, slot.index());
                props.put(MAIN + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id);
            }
        }
        if (userSet(props, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG) == null) {
            props.put(MAIN + ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(DEFAULT_SESSION_TIMEOUT_MS));
        }
        return id;
    }

    /** {@code <host>-<six hex digits of the state directory>-<slot>}, in the characters Kafka allows. */
    static String defaultId(String hostName, Path stateDir, int slot) {
        String host = hostName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        return host + "-" + hash(stateDir.toAbsolutePath().normalize().toString()) + "-" + slot;
    }

    /** This host's name: {@code $HOSTNAME} (set in containers and by most shells), else what the JVM resolves. */
    static String hostName(Map<String, String> env) {
        String name = env.get("HOSTNAME");
        if (name != null && !name.isBlank()) {
            return name.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The value the user set for a main-consumer property, with or without a client prefix, or null. */
    private static String userSet(Properties props, String key) {
        for (String name : new String[] {MAIN + key, CONSUMER + key, key}) {
            Object value = props.get(name);
            if (value != null && !value.toString().isBlank()) {
                return value.toString();
            }
        }
        return null;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
