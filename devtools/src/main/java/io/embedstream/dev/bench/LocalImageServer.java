package io.embedstream.dev.bench;

import com.sun.net.httpserver.HttpServer;
import io.embedstream.dev.registry.JdkHttpServers;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on 127.0.0.1 that serves the files under a directory, optionally after a fixed delay
 * per request (to play a slow image host), for {@code bench images} and the tests. Paths that escape
 * the root or do not exist get 404. JDK {@code HttpServer}, no dependencies; the owner closes it.
 */
public final class LocalImageServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();

    static {
        JdkHttpServers.disableNagle();
    }

    public LocalImageServer(Path root, int delayMs) {
        Path base = root.toAbsolutePath().normalize();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 256);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try (exchange) {
                if (delayMs > 0) {
                    Thread.sleep(delayMs);
                }
                Path file = base.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
                if (!file.startsWith(base) || !Files.isRegularFile(file)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    /** {@code http://127.0.0.1:PORT/<relative path>}. */
    public String url(String relativePath) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + relativePath;
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
