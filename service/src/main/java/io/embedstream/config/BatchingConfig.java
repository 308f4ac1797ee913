package io.embedstream.config;

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
    public BatchingConfig {
        Checks.atLeast("batching.max-size", maxSize, 1);
        Checks.atLeast("batching.linger-ms", lingerMs, 0);
        Checks.atLeast("batching.max-in-flight", maxInFlight, 1);
    }

    /**
     * How often a stream thread checks for a lingering batch and for finished ones, in milliseconds: a quarter of
     * the linger time, between 1 and 100 ms. It is both the processor's wall-clock punctuation interval and the
     * stream thread's longest poll ({@code poll.ms}), because a punctuation only runs between polls. So a partial
     * batch runs at most about {@code linger-ms + linger-ms/4} after its first record arrived, and a finished
     * batch's results are forwarded within this interval.
     */
    public long checkIntervalMs() {
        return Math.max(1, Math.min(100, lingerMs / 4));
    }
}
