package io.embedstream.app;

import io.embedstream.config.KafkaClientProperties;
import io.embedstream.stream.ProducerRejections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, on the stream thread that is dying, whether Kafka Streams should replace it rather than stop the
 * instance: yes after the producer refused a record ({@link ProducerRejections}), which the new thread then
 * dead-letters. Before saying yes it removes the dying thread's static member from the consumer group: the new
 * thread joins under a new thread index, and the group would otherwise wait for the old member's session to time
 * out before it hands the partitions on. Thread-safe.
 */
final class ThreadReplacement implements BooleanSupplier {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadReplacement.class);
    private static final Pattern THREAD_INDEX = Pattern.compile("-StreamThread-(\\d+)$");

    private final ProducerRejections rejections;
    private final Properties streams;
    private final String instanceId;

    /**
     * @param streams    the Kafka Streams properties (for an admin client and the group id)
     * @param instanceId the main consumer's group instance id, before Kafka Streams appends the thread index
     */
    ThreadReplacement(ProducerRejections rejections, Properties streams, String instanceId) {
        this.rejections = rejections;
        this.streams = streams;
        this.instanceId = instanceId;
    }

    @Override
    public boolean getAsBoolean() {
        if (!rejections.takeReplacement()) {
            return false;
        }
        Matcher m = THREAD_INDEX.matcher(Thread.currentThread().getName());
        if (instanceId != null && m.find()) {
            removeMember(instanceId + "-" + m.group(1));
        }
        return true;
    }

    private void removeMember(String member) {
        String group = streams.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        try (Admin client = Admin.create(KafkaClientProperties.admin(streams))) {
            client.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(
                    List.of(new MemberToRemove(member)))).all().get(10, TimeUnit.SECONDS);
            LOG.info("Removed the failed stream thread's member {} from group {}, so that its partitions move on at "
                    + "once", member, group);
        } catch (Exception e) {
            LOG.warn("Could not remove the failed stream thread's member {} from group {} ({}); its partitions move "
                    + "on when its session times out", member, group, e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
