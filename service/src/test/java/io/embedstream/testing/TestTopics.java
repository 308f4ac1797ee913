package io.embedstream.testing;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Unique names for topics and Kafka Streams application ids, so that tests sharing one broker
 * never see each other's records, offsets or internal topics.
 */
public final class TestTopics {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestTopics() {
    }

    /**
     * {@code prefix-<n>-<random>}, for example {@code input-3-5f1c2a}: unique within the JVM by the
     * counter and across JVMs (re-runs on a kept log dir) by the random part. Characters outside
     * Kafka's allowed {@code [a-zA-Z0-9._-]} in the prefix become {@code _}.
     */
    public static String unique(String prefix) {
        String safe = prefix.replaceAll("[^a-zA-Z0-9._-]", "_");
        return safe + "-" + COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6);
    }
}
