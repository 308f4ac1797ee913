package io.embedstream.config;

import java.time.Duration;

/**
 * Micro-batching: records are grouped so that one {@code session.run} serves many of them.
 *
 * @param maxSize  a batch is run as soon as it holds this many records
 * @param lingerMs a batch is run at the latest when its oldest record has waited this long
 */
public record BatchingConfig(int maxSize, long lingerMs) {

    /** The longest time between two linger checks: Kafka Streams' default {@code poll.ms}. */
    public static final long MAX_CHECK_INTERVAL_MS = 100;

    public BatchingConfig {
        Checks.atLeast("batching.max-size", maxSize, 1);
        Checks.atLeast("batching.linger-ms", lingerMs, 0);
    }

    /**
     * How often a partial batch is checked for having waited {@code lingerMs}: a quarter of it, so that a batch
     * runs at most a quarter of its linger time late, and between 1 ms and {@value #MAX_CHECK_INTERVAL_MS} ms. With
     * {@code lingerMs} 0 no record waits (each batch runs as its record arrives), and the check only picks up
     * records restored after a crash and drains the buffer on shutdown: every {@value #MAX_CHECK_INTERVAL_MS} ms.
     *
     * <p>This is the one place where {@code batching.linger-ms} sets a period: the processor's wall-clock
     * punctuation runs at this interval, and because such a punctuation only runs between polls, the stream
     * thread's {@code poll.ms} defaults to it too.
     */
    public Duration lingerCheckInterval() {
        if (lingerMs == 0) {
            return Duration.ofMillis(MAX_CHECK_INTERVAL_MS);
        }
        return Duration.ofMillis(Math.max(1, Math.min(MAX_CHECK_INTERVAL_MS, lingerMs / 4)));
    }
}
