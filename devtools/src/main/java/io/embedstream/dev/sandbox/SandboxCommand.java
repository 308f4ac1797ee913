package io.embedstream.dev.sandbox;

import io.embedstream.dev.kafka.EmbeddedKafkaBroker;
import io.embedstream.dev.registry.EmbeddedSchemaRegistry;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code embedstream sandbox}: a Kafka broker (KRaft) and a Confluent-API schema registry in this JVM, with the
 * given topics created, until SIGTERM/SIGINT. For trying {@code run} against something real without Docker, and
 * for benchmarks that want the broker in a JVM of its own. Everything lives in a temporary folder and is gone
 * when it stops.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = "Run a local Kafka broker and schema registry in this JVM until stopped (no Docker needed).")
public final class SandboxCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "Registry port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int registryPort;

    @Option(names = "--topics", split = ",", paramLabel = "NAME", description = "Topics to create (comma-separated).")
    List<String> topics = List.of();

    @Option(names = "--partitions", defaultValue = "1", description = "Partitions per created topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder();
        if (kafkaPort > 0) {
            builder.brokerPort(kafkaPort);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (EmbeddedKafkaBroker broker = builder.build().start();
                EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(registryPort)) {
            if (!topics.isEmpty()) {
                broker.createTopics(partitions, topics.toArray(String[]::new));
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopped.countDown();
                broker.close();
                registry.close();
            }, "sandbox-stop"));
            out.printf("sandbox ready%n  kafka.bootstrap.servers  %s%n  registry.url             %s%n  topics                   %s%n",
                    broker.bootstrapServers(), registry.url(), topics);
            out.flush();
            stopped.await();
        }
        return 0;
    }
}
