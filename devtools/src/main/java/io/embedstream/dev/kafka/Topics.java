package io.embedstream.dev.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics with an {@link Admin} client and waits until every partition has a leader, on any cluster. The
 * caller owns the client. Stateless; safe to call from any thread.
 */
public final class Topics {
    private static final Logger log = LoggerFactory.getLogger(Topics.class);

    private Topics() {}

    /**
     * Creates the topics (those that already exist are left as they are) and waits until the broker serves every
     * partition. Creation returns when the controller has committed a topic, a little before the broker serves it;
     * an idempotent producer whose first batch meets NOT_LEADER_OR_FOLLOWER while its second is accepted is then
     * stuck on OUT_OF_ORDER_SEQUENCE_NUMBER for good, hence the wait for leaders.
     *
     * @throws EmbeddedKafkaException if a topic cannot be created or gets no leader within {@code timeout}
     */
    public static void create(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            awaitTopic(result.getKey(), result.getValue(), timeout);
        }
        List<String> names = new ArrayList<>();
        topics.forEach(t -> names.add(t.name()));
        awaitLeaders(admin, names, timeout);
    }

    private static void awaitLeaders(Admin admin, List<String> names, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                boolean ready = admin.describeTopics(names).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .values().stream().flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (ready) {
                    return;
                }
            } catch (ExecutionException e) {
                log.debug("Topics {} not described yet: {}", names, e.getCause().toString());
            } catch (TimeoutException e) {
                throw new EmbeddedKafkaException("Topics " + names + " got no leader within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedKafkaException("Interrupted while waiting for leaders of " + names, e);
            }
            if (System.nanoTime() > deadline) {
                throw new EmbeddedKafkaException("Topics " + names + " got no leader within " + timeout);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedKafkaException("Interrupted while waiting for leaders of " + names, e);
            }
        }
    }

    private static void awaitTopic(String name, KafkaFuture<Void> creation, Duration timeout) {
        try {
            creation.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                log.debug("Topic {} already exists", name);
                return;
            }
            throw new EmbeddedKafkaException("Could not create topic " + name + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new EmbeddedKafkaException("Creating topic " + name + " took longer than " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("Interrupted while creating topic " + name, e);
        }
    }
}
