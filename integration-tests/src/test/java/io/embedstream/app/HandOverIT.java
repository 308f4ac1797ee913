package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.config.RegistryConfig;
import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.serde.SchemaRegistryClient;
import io.embedstream.testing.ApicurioRegistry;
import io.embedstream.testing.OutputReader;
import io.embedstream.testing.PacedFeatureProducer;
import io.embedstream.testing.ServiceProcess;
import io.embedstream.testing.SharedKafka;
import io.embedstream.testing.TestData;
import io.embedstream.testing.TestTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fast, clean hand-over (issue 11): two instances of one application (child JVMs on this host, sharing the default
 * layout of one state directory, so they take instance slots 0 and 1) share the input; one is stopped with SIGTERM.
 * It drains its buffers, commits and leaves the consumer group at once, so the other holds every input partition
 * within seconds (a static member that just closed would hold its partitions until its session timed out; before
 * this, a Kafka Streams member never left on close, and the hand-over took 43 s). Every id comes out exactly once.
 */
class HandOverIT {

    private static final Logger LOG = LoggerFactory.getLogger(HandOverIT.class);
    private static final int PARTITIONS = 4;
    private static final int RECORDS_PER_SECOND = 200;

    @TempDir
    Path work;

    @Test
    void shouldHandAllPartitionsToTheOtherInstanceWithinSecondsOfSigterm() throws Exception {
        EmbeddedKafkaBroker broker = SharedKafka.broker();
        ApicurioRegistry apicurio = ApicurioRegistry.shared();
        String input = TestTopics.unique("handover-in");
        String output = TestTopics.unique("handover-out");
        String applicationId = TestTopics.unique("handover-app");
        broker.createTopics(PARTITIONS, input, output, input + ".dlq");
        Path config = work.resolve("handover.yaml");
        Files.writeString(config, """
                application-id: %s
                topics: {input: %s, output: %s}
                kafka: {bootstrap.servers: "%s", state.dir: "%s"}
                registry: {url: "%s"}
                model: {dir: "%s", layer: dense_761}
                """.formatted(applicationId, input, output, broker.bootstrapServers(), work.resolve("state"),
                apicurio.ccompatUrl(), TestData.model("grenade-mlp")));
        SchemaRegistryClient registry = new SchemaRegistryClient(RegistryConfig.of(apicurio.ccompatUrl()));
        Set<TopicPartition> inputPartitions = java.util.stream.IntStream.range(0, PARTITIONS)
                .mapToObj(p -> new TopicPartition(input, p)).collect(Collectors.toSet());

        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicInteger produced = new AtomicInteger();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        Thread producer = new Thread(() -> PacedFeatureProducer.run(broker.bootstrapServers(), input, registry,
                "h", 8, RECORDS_PER_SECOND, producing, produced, producerFailure), "handover-producer");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
                OutputReader committed = new OutputReader(broker.bootstrapServers(), output, PARTITIONS,
                        IsolationLevel.READ_COMMITTED, registry)) {
            producer.start();
            ServiceProcess first = ServiceProcess.start(config, work.resolve("first.log"));
            assertThat(OutputReader.await(() -> committed.total() > 0 || !first.isAlive(), Duration.ofSeconds(120)))
                    .as("first instance processing; see %s", first.log()).isTrue();
            ServiceProcess second = ServiceProcess.start(config, work.resolve("second.log"));
            assertThat(OutputReader.await(() -> members(admin, applicationId).size() == 2
                    && members(admin, applicationId).stream().allMatch(m -> !inputPartitionsOf(m, input).isEmpty()),
                    Duration.ofSeconds(120))).as("both instances hold input partitions; see %s and %s", first.log(),
                    second.log()).isTrue();
            Thread.sleep(2000);
            String secondMember = members(admin, applicationId).stream()
                    .filter(m -> m.groupInstanceId().orElse("").endsWith("-1-1")).map(MemberDescription::consumerId)
                    .findFirst().orElseThrow(() -> new AssertionError("no member of instance slot 1 in "
                            + members(admin, applicationId)));

            long stopped = System.nanoTime();
            first.terminate();
            boolean handedOver = OutputReader.await(() -> {
                Collection<MemberDescription> members = members(admin, applicationId);
                return members.size() == 1 && members.iterator().next().consumerId().equals(secondMember)
                        && inputPartitionsOf(members.iterator().next(), input).equals(inputPartitions);
            }, Duration.ofSeconds(60));
            long handOverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
            assertThat(handedOver).as("the second instance holds all partitions; see %s", second.log()).isTrue();
            assertThat(first.awaitExit(Duration.ofSeconds(90))).as("exit code after SIGTERM").isIn(0, 143);
            assertThat(Files.readString(first.log())).contains("Stopped");
            LOG.info("SIGTERM hand-over: the other instance held all {} partitions after {} ms", PARTITIONS,
                    handOverMs);
            Files.writeString(Path.of("target", "hand-over.txt"),
                    "SIGTERM to all partitions held by the other instance: " + handOverMs + " ms\n");

            producing.set(false);
            producer.join();
            assertThat(producerFailure.get()).isNull();
            boolean complete = OutputReader.await(() -> committed.distinct() >= produced.get(), Duration.ofMinutes(2));
            Thread.sleep(2000); // let any late duplicate show up
            int exit = second.stop();
            assertThat(complete).as("all %d ids committed; see %s", produced.get(), second.log()).isTrue();
            assertThat(exit).isIn(0, 143);
            assertThat(committed.counts().values()).as("each id exactly once").containsOnly(1);
            assertThat(committed.distinct()).isEqualTo(produced.get());
            assertThat(handOverMs).as("SIGTERM to hand-over, ms").isLessThanOrEqualTo(10_000);
        }
    }

    private static Collection<MemberDescription> members(Admin admin, String group) {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups()
                    .get(group).get(10, TimeUnit.SECONDS);
            return description.members();
        } catch (Exception e) {
            return List.of();
        }
    }

    private static Set<TopicPartition> inputPartitionsOf(MemberDescription member, String input) {
        return member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(input))
                .collect(Collectors.toSet());
    }
}
