package io.embedstream.testing;

import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One embedded Kafka broker for all test classes of a JVM (a Surefire or Failsafe fork), started
 * on first use and closed by a JVM shutdown hook.
 *
 * <p>Ownership: this class owns the broker. Tests must not close it; tests that stop, restart or
 * otherwise disturb a broker should build their own {@link EmbeddedKafkaBroker} instead, since
 * other test classes share this one. Tests keep apart by using unique topic names and
 * application ids ({@link TestTopics}). If a test left it stopped anyway, the next
 * {@link #broker()} call starts it again.
 *
 * <p>Use it directly ({@code SharedKafka.broker().bootstrapServers()}) or through
 * {@link SharedKafkaExtension}, which injects it as a test method or constructor parameter.
 */
public final class SharedKafka {
    private static final Logger log = LoggerFactory.getLogger(SharedKafka.class);
    private static EmbeddedKafkaBroker broker;

    private SharedKafka() {
    }

    /** The shared broker, running; starts it on the first call. */
    public static synchronized EmbeddedKafkaBroker broker() {
        if (broker == null) {
            EmbeddedKafkaBroker created = EmbeddedKafkaBroker.builder().build();
            long startNanos = System.nanoTime();
            try {
                created.start();
            } catch (RuntimeException e) {
                created.close();
                throw e;
            }
            log.info("Shared embedded Kafka broker at {} started in {} ms", created.bootstrapServers(),
                    (System.nanoTime() - startNanos) / 1_000_000);
            Runtime.getRuntime().addShutdownHook(new Thread(created::close, "shared-kafka-shutdown"));
            broker = created;
        } else if (!broker.isRunning()) {
            log.warn("The shared embedded Kafka broker was left stopped by a test; starting it again");
            broker.start();
        }
        return broker;
    }
}
