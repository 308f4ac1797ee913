package io.embedstream.dev.bench.e2e;

import io.embedstream.dev.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The Kafka cluster and schema registry of a bench run: either {@code embedstream sandbox} (an in-JVM broker and
 * registry) started in a JVM of its own, or an external cluster. Creates and deletes the bench's topics. The bench
 * owns it; closing it stops the sandbox. Used by one thread.
 */
final class Cluster implements AutoCloseable {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    private static final String BOOTSTRAP_LINE = "kafka.bootstrap.servers";
    private static final String REGISTRY_LINE = "registry.url";

    /** Where the cluster is: {@code bootstrap.servers} and the registry's URL. */
    private record Addresses(String bootstrap, String registryUrl) {}

    private final Addresses addresses;
    private final ChildJvm sandbox;
    private final Admin admin;

    private Cluster(Addresses addresses, ChildJvm sandbox) {
        this.addresses = addresses;
        this.sandbox = sandbox;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, addresses.bootstrap()));
    }

    static Cluster external(String bootstrap, String registryUrl) {
        return new Cluster(new Addresses(bootstrap, registryUrl), null);
    }

    /** Starts {@code embedstream sandbox} on free ports in a JVM of its own and waits for its addresses. */
    static Cluster sandbox(List<String> jvmOptions, Path log) {
        ChildJvm jvm = ChildJvm.start("sandbox", jvmOptions,
                List.of("sandbox", "--kafka-port", "0", "--registry-port", "0"), log,
                line -> line.strip().startsWith(BOOTSTRAP_LINE) || line.strip().startsWith(REGISTRY_LINE));
        try {
            String bootstrap = null;
            String registry = null;
            while (bootstrap == null || registry == null) {
                String line = jvm.awaitLine(Duration.ofMinutes(2)).strip();
                String value = line.substring(line.indexOf(' ')).strip();
                if (line.startsWith(BOOTSTRAP_LINE)) {
                    bootstrap = value;
                } else {
                    registry = value;
                }
            }
            return new Cluster(new Addresses(bootstrap, registry), jvm);
        } catch (RuntimeException e) {
            jvm.close();
            throw e;
        }
    }

    String bootstrap() {
        return addresses.bootstrap();
    }

    String registryUrl() {
        return addresses.registryUrl();
    }

    /** The sandbox's JVM, for its CPU time; empty for an external cluster. */
    Optional<ChildJvm> broker() {
        return Optional.ofNullable(sandbox);
    }

    /** Creates the topics (replication as the broker's default) and waits until they are served. */
    void createTopics(int partitions, String... names) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, Optional.of(partitions), Optional.empty()));
        }
        Topics.create(admin, topics, ADMIN_TIMEOUT);
    }

    /** Deletes every topic whose name starts with {@code prefix} (a run's own topics and its internal ones). */
    void deleteTopics(String prefix) {
        try {
            List<String> names = admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .stream().filter(n -> n.startsWith(prefix)).toList();
            if (!names.isEmpty()) {
                admin.deleteTopics(names).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot delete the topics " + prefix + "* on " + addresses.bootstrap(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting topics", e);
        }
    }

    /** One line for the report. */
    String describe() {
        return sandbox == null
                ? "external: Kafka at `" + addresses.bootstrap() + "`, registry at `" + addresses.registryUrl() + "`"
                : "`embedstream sandbox` (a KRaft broker and a Confluent-API registry in one JVM of their own, on this machine)";
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
        if (sandbox != null) {
            sandbox.close();
        }
    }
}
