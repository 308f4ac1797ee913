package io.embedstream.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 for the image tests (fetch and pipeline): serves handlers by path, counts every
 * request it receives (on any path) and records the Host headers. {@link #delayed} handlers also track how many
 * requests are being served at once. ({@link StubHttpServer} is the scripted one for the registry client.)
 */
public final class TestHttpServer implements AutoCloseable {

    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger serving = new AtomicInteger();
    private final AtomicInteger maxServing = new AtomicInteger();
    private final Map<String, AtomicInteger> perPath = new ConcurrentHashMap<>();
    private final List<String> hostHeaders = new CopyOnWriteArrayList<>();
    private volatile Handler fallback = ex -> respond(ex, 404, new byte[0]);

    public TestHttpServer() {
        this(0);
    }

    /**
     * A server on a given port of 127.0.0.1 (0: any free port), for tests that stop a server and start another on
     * the same port (an outage).
     */
    public TestHttpServer(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            perPath.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger()).incrementAndGet();
            hostHeaders.add(exchange.getRequestHeaders().getFirst("Host"));
            try {
                handlers.getOrDefault(exchange.getRequestURI().getPath(), fallback).handle(exchange);
            } catch (Exception e) {
                // the client went away (e.g. an aborted download); nothing to do
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();

    public TestHttpServer route(String path, Handler handler) {
        handlers.put(path, handler);
        return this;
    }

    public TestHttpServer fallback(Handler handler) {
        this.fallback = handler;
        return this;
    }

    /** Serves {@code bytes} with a Content-Length at {@code path}. */
    public TestHttpServer serve(String path, byte[] bytes) {
        return route(path, ex -> respond(ex, 200, bytes));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT/path}. */
    public String url(String path) {
        return url("127.0.0.1", path);
    }

    public String url(String host, String path) {
        return "http://" + host + ":" + port() + path;
    }

    public int requestCount() {
        return requests.get();
    }

    public int requestCount(String path) {
        AtomicInteger n = perPath.get(path);
        return n == null ? 0 : n.get();
    }

    /**
     * A handler that waits {@code delayMs} and then answers {@code body}. While it waits the request counts as
     * being served; the count drops before the answer is sent, so a client cannot have its next request counted
     * while this one still is (which would over-count concurrency).
     */
    public Handler delayed(int delayMs, byte[] body) {
        return exchange -> {
            int now = serving.incrementAndGet();
            maxServing.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(delayMs);
            } finally {
                serving.decrementAndGet();
            }
            respond(exchange, 200, body);
        };
    }

    /** The most requests that {@link #delayed} handlers were serving at the same moment. */
    public int maxConcurrentlyServed() {
        return maxServing.get();
    }

    public List<String> hostHeaders() {
        return List.copyOf(hostHeaders);
    }

    public static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public static void redirect(HttpExchange exchange, int status, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(status, -1);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
