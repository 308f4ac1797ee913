package io.embedstream.config;

import java.time.Duration;

/**
 * Micro-batching: records are grouped so that one {@code session.run} serves many of them. The records of all
 * the tasks (partitions) of one stream thread fill the same batch.
 *
 * @param maxSize     a batch is run as soon as it holds this many records
 * @param lingerMs    a batch is run at the latest when its oldest record has waited this long (0 = at once)
 * @param maxInFlight how many batches of one stream thread may be handed to its inference worker and not yet
 *                    finished; when a new batch finds this many, the stream thread waits for the oldest
 */
public record BatchingConfig(int maxSize, long lingerMs, int maxInFlight) {

    /** The shortest time between two checks, so that an idle stream thread does not spin. */
    public static final long MIN_CHECK_INTERVAL_MS = 2;
    /** The longest time between two checks: it also bounds how late a finished batch's results are forwarded. */
    public static final long MAX_CHECK_INTERVAL_MS = 25;

    public BatchingConfig {
        Checks.atLeast("batching.max-size", maxSize, 1);
        Checks.atLeast("batching.linger-ms", lingerMs, 0);
        Checks.atLeast("batching.max-in-flight", maxInFlight, 1);
    }

    /**
     * How often a stream thread checks its batches: whether a partial batch has waited {@code lingerMs}, and
     * whether batches its inference worker finished have results to forward. A quarter of the linger time,
     * between {@value #MIN_CHECK_INTERVAL_MS} and {@value #MAX_CHECK_INTERVAL_MS} ms: a batch runs at most a
     * quarter of its linger time late, and a finished batch waits at most this long for its results to be
     * forwarded when no new record arrives.
     *
     * <p>This is the one place where {@code batching.linger-ms} sets a period: the processor's wall-clock
     * punctuation runs at this interval, and because such a punctuation only runs between polls, the stream
     * thread's {@code poll.ms} defaults to it too.
     */
    public Duration checkInterval() {
        return Duration.ofMillis(Math.max(MIN_CHECK_INTERVAL_MS, Math.min(MAX_CHECK_INTERVAL_MS, lingerMs / 4)));
    }
}
