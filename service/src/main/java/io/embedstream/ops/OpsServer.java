package io.embedstream.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.embedstream.config.ConfigException;
import io.embedstream.config.OpsConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations HTTP endpoint (the JDK's {@code com.sun.net.httpserver}, no servlet container):
 *
 * <ul>
 *   <li>{@code GET /metrics}: every meter in Prometheus text format (version 0.0.4);</li>
 *   <li>{@code GET /health/live}: 200 unless a fatal error happened, else 503;</li>
 *   <li>{@code GET /health/ready}: 200 when ready to process (see {@link Health}), else 503;</li>
 * </ul>
 * the health answers carry a JSON body that says why ({@code {"status":"DOWN","reason":...,"checks":{...}}}).
 * {@code HEAD} works like {@code GET} without a body; other methods get 405, other paths 404.
 *
 * <p>Owns its listening socket and two daemon threads ({@code embedstream-ops-N}); whoever starts it closes it.
 * Thread-safe.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";

    private final HttpServer server;
    private final ExecutorService threads;

    private OpsServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * Binds {@code ops.bind-address:ops.port} and starts serving.
     *
     * @throws ConfigException when the address is unknown or the port is taken (names the key and what to do)
     */
    public static OpsServer start(OpsConfig config, PrometheusMeterRegistry registry, Health health) {
        InetAddress address;
        try {
            address = InetAddress.getByName(config.bindAddress());
        } catch (UnknownHostException e) {
            throw ConfigException.invalid("ops.bind-address", config.bindAddress(),
                    "expected an address of this host, such as 0.0.0.0 (all interfaces) or 127.0.0.1");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, config.port()), 0);
        } catch (BindException e) {
            throw new ConfigException("ops.port: cannot listen on " + config.bindAddress() + ":" + config.port()
                    + " (" + e.getMessage() + "); another process holds the port, or the address is not this host's. "
                    + "Set ops.port to a free port (0 = any), or ops.enabled: false", e);
        } catch (IOException e) {
            throw new ConfigException("ops.port: cannot listen on " + config.bindAddress() + ":" + config.port()
                    + ": " + e, e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "embedstream-ops-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", exchange -> handle(exchange, registry, health));
        server.start();
        OpsServer ops = new OpsServer(server, threads);
        LOG.info("Operations endpoint on {} : GET /metrics, /health/live, /health/ready", ops.baseUri());
        return ops;
    }

    /** The port it listens on (the chosen one when {@code ops.port} was 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * {@code http://host:port}, with 127.0.0.1 for a wildcard bind address, as a client on this host would call it.
     */
    public URI baseUri() {
        InetAddress address = server.getAddress().getAddress();
        String host = address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port());
    }

    /** Stops listening at once; requests in flight are cut off. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private static void handle(HttpExchange exchange, PrometheusMeterRegistry registry, Health health)
            throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            boolean known = path.equals("/metrics") || path.equals("/health/live") || path.equals("/health/ready");
            if (!known) {
                send(exchange, 404, "text/plain; charset=utf-8",
                        "not found; try GET /metrics, /health/live or /health/ready\n");
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "method " + method + " not allowed; use GET\n");
                return;
            }
            switch (path) {
                case "/metrics" -> send(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
                case "/health/live" -> report(exchange, health.liveness());
                default -> report(exchange, health.readiness());
            }
        } catch (RuntimeException e) {
            LOG.warn("Operations endpoint failed on {}: {}", exchange.getRequestURI(), e.toString());
        }
    }

    private static void report(HttpExchange exchange, Health.Report report) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, report.httpStatus(), JSON, report.toJson() + "\n");
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
