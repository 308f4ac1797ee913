package io.embedstream.dev.registry;

import com.sun.net.httpserver.HttpServer;
import io.embedstream.dev.registry.InMemorySchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small schema registry inside the JVM, speaking the subset of the Confluent REST API that clients
 * use (see {@link ConfluentApiHandler} for the routes), so that {@code embedstream demo} needs nothing
 * external. Schemas live in an {@link InMemorySchemaRegistry}; nothing is persisted. Built on the
 * JDK's {@link HttpServer}, no extra dependencies.
 *
 * <p>Lifecycle: {@link #start()} binds and serves (port 0 = an ephemeral port, on the loopback
 * interface by default); {@link #close()} stops it. The creator owns it and must close it.
 * Thread-safe.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    static {
        JdkHttpServers.disableNagle();
    }
    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private final InMemorySchemaRegistry store;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String url;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedSchemaRegistry(InMemorySchemaRegistry store, HttpServer server, ExecutorService executor,
            String url) {
        this.store = store;
        this.server = server;
        this.executor = executor;
        this.url = url;
    }

    /** Starts on an ephemeral port on the loopback interface. */
    public static EmbeddedSchemaRegistry start() {
        return start(0);
    }

    /** Starts on {@code port} (0 = ephemeral) on the loopback interface. */
    public static EmbeddedSchemaRegistry start(int port) {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), new InMemorySchemaRegistry());
    }

    /**
     * Starts on {@code address}, serving {@code store}.
     *
     * @throws UncheckedIOException when the address cannot be bound
     */
    public static EmbeddedSchemaRegistry start(InetSocketAddress address, InMemorySchemaRegistry store) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(store, "store");
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded schema registry on " + address + ": "
                    + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(4, daemonThreads());
        server.setExecutor(executor);
        server.createContext("/", new ConfluentApiHandler(store));
        server.start();
        InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().isAnyLocalAddress() ? "localhost" : bound.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        String url = "http://" + host + ":" + bound.getPort();
        log.info("Embedded schema registry listening on {}", url);
        return new EmbeddedSchemaRegistry(store, server, executor, url);
    }

    /** The base URL for clients, e.g. {@code http://127.0.0.1:41234} (no trailing slash). */
    public String url() {
        return url;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The schemas it serves; changes through it are visible over HTTP at once. */
    public InMemorySchemaRegistry store() {
        return store;
    }

    /** Stops serving and releases the port. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        log.info("Embedded schema registry on {} stopped", url);
    }

    @Override
    public String toString() {
        return "EmbeddedSchemaRegistry[" + url + "]";
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "embedded-schema-registry-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
