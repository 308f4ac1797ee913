package io.embedstream.dev.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BrokerPropertiesTest {
    private static final Path LOG_DIR = Path.of("/tmp/kafka-logs");

    @Test
    void shouldConfigureACombinedBrokerAndControllerWithItsOwnQuorumPort() {
        Properties p = BrokerProperties.of(1, "127.0.0.1", 9092, 9093, LOG_DIR, Map.of());

        assertThat(p)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("node.id", "1")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9092")
                .containsEntry("controller.listener.names", "CONTROLLER")
                .containsEntry("log.dirs", LOG_DIR.toAbsolutePath().toString());
    }

    @Test
    void shouldSetEveryReplicationFactorAndMinIsrToOneForExactlyOnce() {
        Properties p = BrokerProperties.of(1, "127.0.0.1", 9092, 9093, LOG_DIR, Map.of());

        assertThat(p)
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("share.coordinator.state.topic.min.isr", "1")
                .containsEntry("default.replication.factor", "1")
                .containsEntry("min.insync.replicas", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0");
    }

    @Test
    void shouldLetOverridesReplaceDefaultsAndAddProperties() {
        Properties p = BrokerProperties.of(1, "127.0.0.1", 9092, 9093, LOG_DIR,
                Map.of("offsets.topic.num.partitions", "1", "auto.create.topics.enable", "false"));

        assertThat(p)
                .containsEntry("offsets.topic.num.partitions", "1")
                .containsEntry("auto.create.topics.enable", "false");
    }
}
