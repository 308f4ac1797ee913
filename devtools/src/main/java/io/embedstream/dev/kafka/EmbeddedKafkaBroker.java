package io.embedstream.dev.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Kafka broker running inside this JVM: KRaft mode, one process that is both
 * broker and controller (node id 1), plaintext listeners on {@code 127.0.0.1}, every replication
 * factor and minimum ISR set to 1 so that transactions and exactly-once Kafka Streams work.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   build() ──► NEW ──start()──► RUNNING ──stop()──► STOPPED ──start()──► RUNNING ...
 *                 └────────────────────────close()───────────────────────► CLOSED
 * </pre>
 * <ul>
 *   <li>The first {@link #start()} fixes the ports (free ephemeral ones unless the builder chose
 *       them) and formats the log directory. Later starts reuse both, so topics, records and
 *       committed offsets survive {@link #stop()} / {@link #restart()}, and clients that keep the
 *       same {@link #bootstrapServers()} reconnect on their own.</li>
 *   <li>Whoever builds the broker owns it and must {@link #close()} it. {@code close()} stops the
 *       broker and deletes the log directory if the broker created it (a temporary directory);
 *       a directory passed to {@link Builder#logDir(Path)} belongs to the caller and is kept.
 *       {@code close()} is idempotent. A closed broker cannot be started again.</li>
 *   <li>The broker owns no client: the {@link Admin} used by {@link #createTopics} is opened and
 *       closed inside that call. Producers, consumers and Kafka Streams apps that connect to it
 *       are their creators' to close, preferably before the broker.</li>
 * </ul>
 *
 * <p>Lifecycle methods are {@code synchronized}; the broker is safe to share between threads
 * and test classes (see {@code io.embedstream.testing.SharedKafka} in the test sources).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** The node id of the single broker-and-controller. */
    public static final int NODE_ID = 1;
    /** The host the listeners bind to and advertise. */
    public static final String HOST = "127.0.0.1";

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final int FIRST_START_ATTEMPTS = 3;
    private static final int REBIND_RETRY_SECONDS = 10;
    private static final Duration REBIND_PAUSE = Duration.ofMillis(250);

    private enum State { NEW, RUNNING, STOPPED, CLOSED }

    private final Map<String, String> overrides;
    private final boolean ownsLogDir;
    private final boolean autoBrokerPort;
    private final boolean autoControllerPort;
    private final String requestedClusterId;
    private Path logDir; // a temporary one is created at the first start
    private String clusterId;
    private int brokerPort;
    private int controllerPort;

    private State state = State.NEW;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(Builder builder) {
        this.overrides = Map.copyOf(builder.overrides);
        this.brokerPort = builder.brokerPort;
        this.controllerPort = builder.controllerPort;
        this.autoBrokerPort = builder.brokerPort == 0;
        this.autoControllerPort = builder.controllerPort == 0;
        this.ownsLogDir = builder.logDir == null;
        this.logDir = ownsLogDir ? null : builder.logDir.toAbsolutePath();
        this.requestedClusterId = builder.clusterId != null ? builder.clusterId : Uuid.randomUuid().toString();
    }

    /** A builder with the defaults: free ports, a temporary log dir, no extra properties. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the broker and returns once it is unfenced and accepting connections. On the first
     * call this picks the ports and formats the log dir; after {@link #stop()} it starts again on
     * the same ports and the same data.
     *
     * <p>Ports that cannot be bound are handled so that bounces do not flake. On the first start,
     * if the builder fixed neither port, taken free-picked ports are replaced by other free ones
     * (3 attempts). On a later start the same ports are retried for up to 10 s, since something
     * else (say a client's outgoing connection) may briefly hold one while the broker is down. A
     * port the builder fixed that is taken at the first start fails at once.
     *
     * @return this broker, for chaining
     * @throws IllegalStateException if it is running or closed
     * @throws PortInUseException if a port stays taken (see above)
     * @throws EmbeddedKafkaException if formatting or startup fails; the broker is then stopped
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (state == State.RUNNING || state == State.CLOSED) {
            throw new IllegalStateException("Cannot start the embedded Kafka broker: it is " + state);
        }
        long startNanos = System.nanoTime();
        boolean firstStart = state == State.NEW;
        long rebindDeadline = startNanos + TimeUnit.SECONDS.toNanos(REBIND_RETRY_SECONDS);
        if (logDir == null) {
            logDir = TempDirs.create("embedded-kafka-");
        }
        for (int attempt = 1; ; attempt++) {
            pickFreePortsWhereUnset();
            Properties properties = serverProperties();
            clusterId = StorageFormatter.formatIfNeeded(properties, logDir, requestedClusterId);
            try {
                server = startServer(properties);
                break;
            } catch (PortInUseException e) {
                if (firstStart && autoBrokerPort && autoControllerPort && attempt < FIRST_START_ATTEMPTS) {
                    log.info("{}; trying other free ports", e.getMessage());
                    brokerPort = 0;
                    controllerPort = 0;
                } else if (!firstStart && System.nanoTime() < rebindDeadline) {
                    log.info("{}; retrying the same ports", e.getMessage());
                    sleep(REBIND_PAUSE);
                } else {
                    throw e;
                }
            }
        }
        state = State.RUNNING;
        log.info("Embedded Kafka broker started on {} in {} ms (controller port {}, log dir {})",
                bootstrapAddress(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                controllerPort, logDir);
        return this;
    }

    private KafkaRaftServer startServer(Properties properties) {
        KafkaRaftServer candidate;
        try {
            candidate = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException("Invalid embedded Kafka broker configuration " + overrides
                    + ": " + e.getMessage(), e);
        }
        try {
            candidate.startup();
            return candidate;
        } catch (Exception e) { // Scala code: checked exceptions may arrive undeclared
            shutdownQuietly(candidate);
            String where = bootstrapAddress() + " (controller port " + controllerPort + ", log dir " + logDir + ")";
            if (PortInUseException.isBindFailure(e)) {
                throw new PortInUseException("Embedded Kafka broker could not bind its ports " + where, e);
            }
            throw new EmbeddedKafkaException("Embedded Kafka broker failed to start on " + where + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Shuts the broker down cleanly (controlled shutdown, logs flushed) and keeps its ports and
     * log dir for a later {@link #start()}. Does nothing unless it is running.
     *
     * @throws EmbeddedKafkaException if Kafka fails to shut down
     */
    public synchronized void stop() {
        if (state != State.RUNNING) {
            return;
        }
        long startNanos = System.nanoTime();
        KafkaRaftServer running = server;
        server = null;
        state = State.STOPPED;
        try {
            running.shutdown();
            running.awaitShutdown();
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException("Embedded Kafka broker on " + bootstrapAddress()
                    + " did not shut down cleanly: " + e.getMessage(), e);
        }
        log.info("Embedded Kafka broker on {} stopped in {} ms", bootstrapAddress(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    /** {@link #stop()} then {@link #start()}: same ports, same data. */
    public synchronized EmbeddedKafkaBroker restart() {
        stop();
        return start();
    }

    /**
     * Stops the broker if it runs and deletes the log dir if this broker created it. Idempotent.
     *
     * @throws EmbeddedKafkaException if the broker did not shut down cleanly (the temporary
     *     directory is deleted all the same)
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        try {
            stop();
        } finally {
            state = State.CLOSED;
            if (ownsLogDir && logDir != null) {
                TempDirs.deleteRecursively(logDir);
                log.debug("Deleted embedded Kafka log dir {}", logDir);
            }
        }
    }

    /**
     * Creates topics with replication factor 1 and waits until the broker has created them.
     * Topics that already exist are left as they are.
     *
     * @throws IllegalStateException if the broker is not running
     * @throws EmbeddedKafkaException if a topic cannot be created
     */
    public void createTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions: '" + partitions + "' is not valid; allowed: 1 or more");
        }
        String bootstrap;
        synchronized (this) {
            if (state != State.RUNNING) {
                throw new IllegalStateException("Cannot create topics: the embedded Kafka broker is " + state);
            }
            bootstrap = bootstrapAddress();
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Topics.create(admin, topics, ADMIN_TIMEOUT);
        }
    }

    /**
     * {@code host:port} of the client listener, for {@code bootstrap.servers}. Stable across
     * {@link #stop()} and {@link #restart()}.
     *
     * @throws IllegalStateException before the first {@link #start()}
     */
    public synchronized String bootstrapServers() {
        if (brokerPort == 0) {
            throw new IllegalStateException("The embedded Kafka broker has no port yet: call start() first");
        }
        return bootstrapAddress();
    }

    /** Whether the broker is running now. */
    public synchronized boolean isRunning() {
        return state == State.RUNNING;
    }

    /** The client listener's port; 0 until the first start if the builder left it free. */
    public synchronized int brokerPort() {
        return brokerPort;
    }

    /** The controller quorum listener's port; 0 until the first start if left free. */
    public synchronized int controllerPort() {
        return controllerPort;
    }

    /**
     * The log dir (the broker's data and its KRaft metadata log); {@code null} before the first
     * start if the broker creates a temporary one.
     */
    public synchronized Path logDir() {
        return logDir;
    }

    /**
     * The cluster id in the log dir: the one it was formatted with, which is an earlier one for a
     * reused log dir; {@code null} before the first start.
     */
    public synchronized String clusterId() {
        return clusterId;
    }

    /**
     * The full server properties the broker runs with.
     *
     * @throws IllegalStateException before the first {@link #start()}
     */
    public synchronized Properties serverProperties() {
        if (brokerPort == 0 || controllerPort == 0 || logDir == null) {
            throw new IllegalStateException("The embedded Kafka broker has no ports or log dir yet: call start() first");
        }
        return BrokerProperties.of(NODE_ID, HOST, brokerPort, controllerPort, logDir, overrides);
    }

    @Override
    public synchronized String toString() {
        return "EmbeddedKafkaBroker[" + state + ", " + bootstrapAddress() + ", logDir=" + logDir + "]";
    }

    private void pickFreePortsWhereUnset() {
        if (brokerPort == 0) {
            do {
                brokerPort = FreePorts.pick(HOST);
            } while (brokerPort == controllerPort);
        }
        if (controllerPort == 0) {
            do {
                controllerPort = FreePorts.pick(HOST);
            } while (controllerPort == brokerPort);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("Interrupted while waiting to start the embedded Kafka broker", e);
        }
    }

    private String bootstrapAddress() {
        return HOST + ":" + brokerPort;
    }

    private static void shutdownQuietly(KafkaRaftServer candidate) {
        try {
            candidate.shutdown();
            candidate.awaitShutdown();
        } catch (Throwable e) {
            log.warn("Shutting down a broker that failed to start failed as well", e);
        }
    }

    /**
     * Options for an {@link EmbeddedKafkaBroker}. Ports default to 0 (free ones chosen at the
     * first start); the log dir defaults to a new temporary directory owned by the broker.
     */
    public static final class Builder {
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private int brokerPort;
        private int controllerPort;
        private Path logDir;
        private String clusterId;

        private Builder() {
        }

        /** The client listener's port; 0 (the default) picks a free one. */
        public Builder brokerPort(int port) {
            this.brokerPort = checkPort("brokerPort", port);
            return this;
        }

        /** The controller quorum listener's port; 0 (the default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort("controllerPort", port);
            return this;
        }

        /**
         * Keep the data in this directory instead of a temporary one. The caller owns it: close()
         * leaves it in place, and a later broker on the same directory finds the same topics.
         */
        public Builder logDir(Path dir) {
            this.logDir = Objects.requireNonNull(dir, "logDir");
            return this;
        }

        /** The cluster id to format a new log dir with; a random one by default. */
        public Builder clusterId(String id) {
            this.clusterId = Objects.requireNonNull(id, "clusterId");
            return this;
        }

        /** An extra or overriding broker property, e.g. {@code auto.create.topics.enable=false}. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Extra or overriding broker properties; later calls win. */
        public Builder brokerProperties(Map<String, String> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        /**
         * A broker in state NEW: no port is bound and nothing is written (not even the temporary
         * log dir) until {@link EmbeddedKafkaBroker#start()}.
         */
        public EmbeddedKafkaBroker build() {
            if (brokerPort != 0 && brokerPort == controllerPort) {
                throw new IllegalArgumentException("brokerPort and controllerPort: both are " + brokerPort
                        + "; allowed: two different ports (or 0 for free ones)");
            }
            return new EmbeddedKafkaBroker(this);
        }

        private static int checkPort(String name, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + ": '" + port + "' is not valid; allowed: 0 (free port) to 65535");
            }
            return port;
        }
    }
}
