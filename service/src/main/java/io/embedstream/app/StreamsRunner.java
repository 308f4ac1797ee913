package io.embedstream.app;

import io.embedstream.ops.Health;
import io.embedstream.stream.BatchBuffers;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the {@link KafkaStreams} instance: starts it, waits for it, and stops it. A stream thread
 * that dies of an exception (an infrastructure fault: bad input never gets that far) shuts the
 * whole instance down with one clear log line, and {@link #awaitTermination()} reports failure so
 * that the process exits non-zero instead of hanging. {@link #close()} first drains the batch
 * buffers, so that a graceful stop leaves no record waiting. It reports every state change and a fatal
 * error to the {@link Health} that readiness is read from, and logs the partitions this instance holds
 * whenever they change. Thread-safe.
 */
public final class StreamsRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);

    private final KafkaStreams streams;
    private final BatchBuffers buffers;
    private final Duration closeTimeout;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch running = new CountDownLatch(1);
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final AssignmentLog assignments = new AssignmentLog();

    /**
     * @param health        told every state change and the fatal error, if any
     * @param replaceThread asked when a stream thread dies: true replaces the thread instead of stopping the instance
     *                      (for a record the producer refused, which the new thread dead-letters; see
     *                      {@link io.embedstream.stream.ProducerRejections})
     */
    public StreamsRunner(Topology topology, Properties properties, BatchBuffers buffers, Duration closeTimeout,
            Health health, BooleanSupplier replaceThread) {
        this.streams = new KafkaStreams(topology, properties);
        this.buffers = buffers;
        this.closeTimeout = closeTimeout;
        health.streamsState(streams.state());
        streams.setUncaughtExceptionHandler(e -> {
            if (replaceThread.getAsBoolean()) {
                LOG.warn("A stream thread stopped because the producer refused a record; it is replaced, processes "
                        + "again from the last commit and dead-letters that record: {}", rootMessage(e));
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            fatal.compareAndSet(null, e);
            health.fatal("a stream thread failed: " + rootMessage(e));
            LOG.error("FATAL: a stream thread failed and this instance is shutting down: {}", rootMessage(e), e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((newState, oldState) -> {
            LOG.info("Kafka Streams state {} -> {}", oldState, newState);
            health.streamsState(newState);
            if (newState == KafkaStreams.State.ERROR) {
                health.fatal("Kafka Streams is in ERROR");
            }
            if (newState == KafkaStreams.State.RUNNING) {
                logAssignment();
                running.countDown();
            }
            if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
                running.countDown();
                stopped.countDown();
            }
        });
    }

    public void start() {
        streams.start();
    }

    /** The Kafka Streams instance, for its metrics; the runner owns its lifecycle. */
    public KafkaStreams streams() {
        return streams;
    }

    private void logAssignment() {
        try {
            assignments.changed(AssignmentLog.Assignment.of(streams.metadataForLocalThreads())).ifPresent(LOG::info);
        } catch (RuntimeException e) {
            LOG.debug("Cannot read the task assignment: {}", e.toString());
        }
    }

    /** Waits until the instance is RUNNING; returns false on timeout or if it stopped instead. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && streams.state() == KafkaStreams.State.RUNNING;
    }

    /** Blocks until the instance stops; returns {@code true} if it stopped because of a failure. */
    public boolean awaitTermination() throws InterruptedException {
        stopped.await();
        return failure() != null;
    }

    /** The exception that stopped the instance, or {@code null}. */
    public Throwable failure() {
        return fatal.get() != null ? fatal.get()
                : streams.state() == KafkaStreams.State.ERROR ? new IllegalStateException("Kafka Streams is in ERROR") : null;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Drains the batch buffers (bounded by the close timeout), then closes Kafka Streams and leaves the consumer
     * group, so that the partitions move to other instances at once. Idempotent.
     */
    @Override
    public void close() {
        if (streams.state() == KafkaStreams.State.RUNNING || streams.state() == KafkaStreams.State.REBALANCING) {
            buffers.drain();
            try {
                if (!buffers.awaitEmpty(closeTimeout)) {
                    LOG.warn("{} records were still buffered after {}; they stay in the durable buffer and run at "
                            + "the next start", buffers.pending(), closeTimeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Leave the group at once, so that other instances take the partitions within seconds: a static member
        // (StaticMembership) would otherwise hold them until its session timed out.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(closeTimeout));
        stopped.countDown();
    }

    /**
     * What went wrong, in one line: the message of the outermost embedstream exception in the cause chain (ours
     * name the key, the URL or the model), else of the root cause.
     */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        Throwable ours = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (ours == null && t.getClass().getName().startsWith("io.embedstream.")) {
                ours = t;
            }
            root = t;
        }
        Throwable shown = ours != null ? ours : root;
        return shown.getClass().getSimpleName() + ": " + shown.getMessage();
    }
}
