package io.embedstream.config;

/**
 * Micro-batching: records are grouped so that one {@code session.run} serves many of them.
 *
 * @param maxSize  a batch is run as soon as it holds this many records
 * @param lingerMs a batch is run at the latest when its oldest record has waited this long
 */
public record BatchingConfig(int maxSize, long lingerMs) {
    public BatchingConfig {
        Checks.atLeast("batching.max-size", maxSize, 1);
        Checks.atLeast("batching.linger-ms", lingerMs, 0);
    }
}
