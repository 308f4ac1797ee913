package io.embedstream.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Whether this instance is alive and ready, and why not. The service reports into it as it starts
 * ({@link #modelReady}), as Kafka Streams changes state ({@link #streamsState}), when something fatal happens
 * ({@link #fatal}) and when it stops ({@link #stopping}); the HTTP endpoint reads it.
 *
 * <p><b>Ready</b> when the model is loaded and warmed up with one synthetic batch, Kafka Streams is RUNNING,
 * nothing fatal happened and the service is not stopping. Not ready while it starts, during a rebalance, after a
 * fatal error, and while it shuts down. <b>Live</b> unless a fatal error happened: a process that is merely
 * starting or rebalancing must not be restarted.
 *
 * <p>Thread-safe: written by the starting thread, Kafka Streams' threads and the shutdown hook, read by the HTTP
 * threads.
 */
public final class Health {

    private static final ObjectMapper JSON = new ObjectMapper();

    private volatile String model = "loading";
    private volatile boolean modelReady;
    private volatile KafkaStreams.State streams;
    private volatile String fatal;
    private volatile boolean stopping;

    /** The answer to one probe: 200 with {@code status UP}, or 503 with {@code status DOWN} and a reason. */
    public record Report(boolean up, String reason, Map<String, String> checks) {
        public int httpStatus() {
            return up ? 200 : 503;
        }

        /** {@code {"status":"UP"|"DOWN","reason":...,"checks":{...}}}; no reason when up. */
        public String toJson() {
            ObjectNode node = JSON.createObjectNode();
            node.put("status", up ? "UP" : "DOWN");
            if (reason != null) {
                node.put("reason", reason);
            }
            ObjectNode c = node.putObject("checks");
            checks.forEach(c::put);
            return node.toString();
        }
    }

    /** The model is loading (the state before {@link #modelReady}). */
    public void modelLoading(String what) {
        model = what;
    }

    /** The model is loaded and a synthetic batch ran through it. */
    public void modelReady(String what) {
        model = what;
        modelReady = true;
    }

    /** Kafka Streams' current state. */
    public void streamsState(KafkaStreams.State state) {
        streams = state;
    }

    /** Something happened that this instance does not recover from; it is shutting down. The first reason wins. */
    public synchronized void fatal(String reason) {
        if (fatal == null) {
            fatal = reason;
        }
    }

    /** The service is shutting down gracefully (still live, no longer ready). */
    public void stopping() {
        stopping = true;
    }

    public Report readiness() {
        String fatalReason = fatal;
        KafkaStreams.State state = streams;
        Map<String, String> checks = checks(state, fatalReason);
        if (fatalReason != null) {
            return new Report(false, "fatal error: " + fatalReason, checks);
        }
        if (stopping) {
            return new Report(false, "shutting down", checks);
        }
        if (!modelReady) {
            return new Report(false, "the model is not warmed up yet (" + model + ")", checks);
        }
        if (state != KafkaStreams.State.RUNNING) {
            return new Report(false, state == null ? "Kafka Streams has not started yet"
                    : state == KafkaStreams.State.REBALANCING ? "Kafka Streams is REBALANCING (partitions are being assigned)"
                    : "Kafka Streams is " + state, checks);
        }
        return new Report(true, null, checks);
    }

    public Report liveness() {
        String fatalReason = fatal;
        KafkaStreams.State state = streams;
        if (fatalReason != null) {
            return new Report(false, "fatal error: " + fatalReason, checks(state, fatalReason));
        }
        if (state == KafkaStreams.State.ERROR) {
            return new Report(false, "Kafka Streams is in ERROR", checks(state, null));
        }
        return new Report(true, null, checks(state, null));
    }

    private Map<String, String> checks(KafkaStreams.State state, String fatalReason) {
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("model", model);
        checks.put("streams", state == null ? "NOT_STARTED" : state.name());
        if (fatalReason != null) {
            checks.put("fatal", fatalReason);
        }
        return checks;
    }
}
