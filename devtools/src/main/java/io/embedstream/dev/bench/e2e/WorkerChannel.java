package io.embedstream.dev.bench.e2e;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The worker's side of the line protocol between {@code bench e2e} and the JVMs it starts. The worker writes
 * messages to stdout as {@code e2e> KIND JSON} lines (logs go to stderr, and the bench ignores every other line);
 * it reads requests from stdin: {@code snapshot} asks for its counters now, {@code stop} or the end of stdin
 * (the bench closed it, or died) asks it to stop. Thread-safe.
 */
final class WorkerChannel {

    static final String PREFIX = "e2e> ";
    static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter out;

    WorkerChannel(PrintWriter out) {
        this.out = out;
    }

    /** What a worker's snapshot says while it is still starting. */
    static final Map<String, Object> STARTING = Map.of("records", 0L, "starting", true);

    /** Writes one message; messages from different threads do not mix. */
    synchronized void send(String kind, Map<String, ?> values) {
        try {
            out.println(PREFIX + kind + " " + JSON.writeValueAsString(values));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write message " + kind, e);
        }
        out.flush();
    }

    /**
     * From now on, on a thread of its own, answers {@code snapshot} requests with {@code snapshot} messages (the
     * given counters plus this JVM's JIT and GC times) until stdin ends or says {@code stop}; the worker starts this
     * before it starts what it runs, so that the bench can sample it from the start.
     *
     * @return completes when the bench has asked the worker to stop
     */
    CompletableFuture<Void> serve(Supplier<Map<String, Object>> snapshot) {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && !line.strip().equals("stop")) {
                    if (line.strip().equals("snapshot")) {
                        Map<String, Object> values = new LinkedHashMap<>(snapshot.get());
                        values.putAll(jvm());
                        send("snapshot", values);
                    }
                }
                stopped.complete(null);
            } catch (IOException | RuntimeException e) {
                stopped.completeExceptionally(e);
            }
        }, "e2e-worker-requests");
        thread.setDaemon(true);
        thread.start();
        return stopped;
    }

    /** Milliseconds this JVM has spent compiling (JIT) and collecting garbage so far. */
    static Map<String, Object> jvm() {
        long gcMs = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMs += Math.max(0, gc.getCollectionTime());
        }
        var compilation = ManagementFactory.getCompilationMXBean();
        long jitMs = compilation != null && compilation.isCompilationTimeMonitoringSupported()
                ? compilation.getTotalCompilationTime() : 0;
        return Map.of("jitMs", jitMs, "gcMs", gcMs);
    }
}
