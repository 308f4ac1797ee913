package io.embedstream.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scripted HTTP server on the loopback interface for client tests: answers each request with the
 * next of a list of responses (the last one repeats) or with a function of the request, and records
 * every request. Thread-safe. Close it.
 */
public final class StubHttpServer implements AutoCloseable {

    /** A recorded request. Header names are lower-case. */
    public record Request(String method, String path, String query, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    /** A scripted answer, sent after {@code delayMs}. */
    public record Response(int status, String body, long delayMs) {
        public static Response of(int status, String body) {
            return new Response(status, body, 0);
        }

        public Response delayedBy(long millis) {
            return new Response(status, body, millis);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

    private StubHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Answers with {@code responses} in order; the last one repeats. */
    public static StubHttpServer start(Response... responses) {
        return start(0, sequence(responses));
    }

    /** Answers every request with {@code handler}'s response, on {@code port} (0 = ephemeral). */
    public static StubHttpServer start(int port, Function<Request, Response> handler) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "stub-http");
            thread.setDaemon(true);
            return thread;
        });
        StubHttpServer stub = new StubHttpServer(server, executor);
        server.setExecutor(executor);
        server.createContext("/", exchange -> stub.handle(exchange, handler));
        server.start();
        return stub;
    }

    /** A handler that answers with {@code responses} in order; the last one repeats. */
    public static Function<Request, Response> sequence(Response... responses) {
        AtomicInteger next = new AtomicInteger();
        return request -> responses[Math.min(next.getAndIncrement(), responses.length - 1)];
    }

    /** A port that nothing listens on (at the time of the call). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The requests received so far, in order. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange, Function<Request, Response> handler) throws IOException {
        try (exchange) {
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), Map.copyOf(headers), body);
            requests.add(request);
            Response response = handler.apply(request);
            if (response.delayMs() > 0) {
                try {
                    Thread.sleep(response.delayMs());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }
}
