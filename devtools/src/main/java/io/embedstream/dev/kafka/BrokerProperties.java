package io.embedstream.dev.kafka;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The server properties of a single-node KRaft broker: one process that is both broker and
 * controller, a controller quorum of itself on its own port, and every replication factor and
 * minimum ISR set to 1 so that internal topics (consumer offsets, transaction state, share-group
 * state) can be created on one node and exactly-once producers and Kafka Streams work.
 */
final class BrokerProperties {
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private BrokerProperties() {
    }

    /**
     * @param overrides applied last, so a caller can change any default set here
     */
    static Properties of(int nodeId, String host, int brokerPort, int controllerPort, Path logDir,
                         Map<String, String> overrides) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(nodeId));
        p.setProperty("controller.quorum.voters", nodeId + "@" + host + ":" + controllerPort);
        p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        p.setProperty("inter.broker.listener.name", BROKER_LISTENER);
        p.setProperty("listeners", BROKER_LISTENER + "://" + host + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        p.setProperty("advertised.listeners", BROKER_LISTENER + "://" + host + ":" + brokerPort);
        p.setProperty("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.setProperty("log.dirs", logDir.toAbsolutePath().toString());

        // One node: every replicated internal topic must fit on it.
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");

        // Fast, small and lean: tests and the demo need no 50-partition internal topics,
        // no 3 s wait before the first rebalance and no 128 MB log-cleaner buffer.
        p.setProperty("offsets.topic.num.partitions", "5");
        p.setProperty("transaction.state.log.num.partitions", "5");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "4");

        overrides.forEach(p::setProperty);
        return p;
    }
}
