package io.embedstream.dev.kafka;

import static io.embedstream.testing.KafkaTestClients.bytes;
import static io.embedstream.testing.KafkaTestClients.consumeCommitted;
import static io.embedstream.testing.KafkaTestClients.sendAndWait;
import static io.embedstream.testing.KafkaTestClients.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.embedstream.testing.KafkaTestClients;
import io.embedstream.testing.SharedKafkaExtension;
import io.embedstream.testing.TestTopics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a real KRaft broker in the JVM. Tests that only produce and consume use the shared broker
 * (injected); tests that stop or close a broker build their own.
 */
@ExtendWith(SharedKafkaExtension.class)
class EmbeddedKafkaBrokerIT {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBrokerIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Long enough for clients to notice; a 12 s outage was also checked by hand and passes. */
    private static final Duration OUTAGE = Duration.ofSeconds(2);

    @Test
    void shouldRoundTripRecords(EmbeddedKafkaBroker kafka) {
        String topic = TestTopics.unique("round-trip");
        kafka.createTopics(3, topic);

        KafkaTestClients.produceValues(kafka.bootstrapServers(), topic, "a", "b", "c");

        List<ConsumerRecord<byte[], byte[]>> records =
                KafkaTestClients.consume(kafka.bootstrapServers(), topic, 3, TIMEOUT, IsolationLevel.READ_UNCOMMITTED);
        assertThat(values(records)).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void shouldShowCommittedAndHideAbortedTransactionsToReadCommittedConsumers(EmbeddedKafkaBroker kafka) {
        String topic = TestTopics.unique("transactions");
        kafka.createTopics(1, topic);
        Map<String, Object> config = KafkaTestClients.producerConfig(kafka.bootstrapServers());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestTopics.unique("tx"));

        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, bytes("aborted-1")));
            producer.send(new ProducerRecord<>(topic, bytes("aborted-2")));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, bytes("committed-1")));
            producer.send(new ProducerRecord<>(topic, bytes("committed-2")));
            producer.commitTransaction();
        }

        assertThat(values(consumeCommitted(kafka.bootstrapServers(), topic, 2, TIMEOUT)))
                .containsExactly("committed-1", "committed-2");
        assertThat(values(KafkaTestClients.consume(kafka.bootstrapServers(), topic, 4, TIMEOUT,
                IsolationLevel.READ_UNCOMMITTED)))
                .as("read_uncommitted sees the aborted records too")
                .containsExactly("aborted-1", "aborted-2", "committed-1", "committed-2");
    }

    /**
     * Produces before, during and after an outage with one producer, and reads with one consumer
     * throughout. The sends during the outage run on another thread, as in a stream: while the
     * broker is down {@code send()} may block (up to {@code max.block.ms}) for metadata of the
     * topic, which the producer can drop when the broker shuts down.
     */
    @Test
    void shouldKeepDataAndReconnectClientsWhenRestartedOnTheSamePorts() throws Exception {
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            Path logDir = broker.logDir();
            String topic = TestTopics.unique("restart");
            broker.createTopics(2, topic);
            Producer<byte[], byte[]> producer = KafkaTestClients.producer(bootstrap);
            Consumer<byte[], byte[]> consumer = KafkaTestClients.consumer(bootstrap, IsolationLevel.READ_COMMITTED);
            try {
                List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                sendValues(producer, topic, "before-", 10);
                List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>(KafkaTestClients.poll(consumer, 10, TIMEOUT));

                long restartNanos = System.nanoTime();
                broker.stop();
                assertThat(broker.isRunning()).isFalse();
                Future<?> whileDown = sender.submit(() -> sendValues(producer, topic, "down-", 5));
                sleep(OUTAGE);
                assertThat(whileDown).as("nothing is acknowledged while the broker is down").isNotDone();
                broker.start();
                log.info("Broker bounced (stop, {} down, start) in {} ms", OUTAGE, (System.nanoTime() - restartNanos) / 1_000_000);

                assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
                assertThat(broker.logDir()).isEqualTo(logDir);
                whileDown.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                sendValues(producer, topic, "after-", 10);
                read.addAll(KafkaTestClients.poll(consumer, 15, TIMEOUT));

                assertThat(values(read)).containsExactlyInAnyOrderElementsOf(expectedValues(10, 5, 10));
            } finally {
                sender.shutdownNow();
                producer.close(Duration.ofSeconds(5)); // without a timeout, close() waits out unsent records
                consumer.close(Duration.ofSeconds(5));
            }
            assertThat(values(consumeCommitted(bootstrap, topic, 25, TIMEOUT)))
                    .as("a new client after the restart sees all data: written before, during and after the outage")
                    .containsExactlyInAnyOrderElementsOf(expectedValues(10, 5, 10));
        }
    }

    @Test
    void shouldFailFastWithAClearMessageWhenAFixedPortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName(EmbeddedKafkaBroker.HOST));
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().brokerPort(taken.getLocalPort()).build()) {
            assertThatThrownBy(broker::start)
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageContaining("failed to bind to " + EmbeddedKafkaBroker.HOST + ":" + taken.getLocalPort());
            assertThat(broker.isRunning()).isFalse();
        }
    }

    @Test
    void shouldWaitForItsPortWhenRestartingWhileSomethingHoldsIt() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String topic = TestTopics.unique("rebind");
            broker.createTopics(1, topic);
            broker.stop();
            ServerSocket squatter = new ServerSocket(broker.brokerPort(), 50, InetAddress.getByName(EmbeddedKafkaBroker.HOST));
            Thread releaser = new Thread(() -> {
                sleep(Duration.ofSeconds(2));
                closeQuietly(squatter);
            });
            releaser.start();

            broker.start();

            releaser.join();
            assertThat(squatter.isClosed()).isTrue();
            KafkaTestClients.produceValues(broker.bootstrapServers(), topic, "rebound");
            assertThat(values(consumeCommitted(broker.bootstrapServers(), topic, 1, TIMEOUT))).containsExactly("rebound");
        }
    }

    @Test
    void shouldRunAnExactlyOnceStreamsAppEndToEnd(EmbeddedKafkaBroker kafka, @TempDir Path stateDir) {
        String input = TestTopics.unique("streams-in");
        String output = TestTopics.unique("streams-out");
        kafka.createTopics(2, input, output);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(v -> v.toUpperCase())
                .to(output, Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, TestTopics.unique("eos-app"));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);

        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            KafkaTestClients.produceValues(kafka.bootstrapServers(), input, "one", "two", "three");

            assertThat(values(consumeCommitted(kafka.bootstrapServers(), output, 3, TIMEOUT)))
                    .containsExactlyInAnyOrder("ONE", "TWO", "THREE");
            await().atMost(TIMEOUT).until(() -> streams.state() == KafkaStreams.State.RUNNING);
            streams.close(Duration.ofSeconds(30));
        }
    }

    @Test
    void shouldStartQuicklyAndDeleteItsTemporaryLogDirOnClose() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
        long startNanos = System.nanoTime();
        broker.start();
        long startMillis = (System.nanoTime() - startNanos) / 1_000_000;
        log.info("Embedded Kafka broker start took {} ms", startMillis);
        Path logDir = broker.logDir();
        assertThat(logDir.resolve("meta.properties")).isRegularFile();

        broker.close();
        broker.close(); // idempotent

        assertThat(logDir).doesNotExist();
        assertThat(broker.isRunning()).isFalse();
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("CLOSED");
        assertThat(startMillis).as("start time in ms").isLessThan(TIMEOUT.toMillis());
    }

    @Test
    void shouldKeepACallerOwnedLogDirAndItsTopicsForTheNextBroker(@TempDir Path dir) {
        Path logDir = dir.resolve("kafka");
        String topic = TestTopics.unique("kept");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(logDir).build().start()) {
            broker.createTopics(1, topic);
            KafkaTestClients.produceValues(broker.bootstrapServers(), topic, "kept");
        }
        assertThat(logDir.resolve("meta.properties")).isRegularFile();

        try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.builder().logDir(logDir).build().start()) {
            assertThat(values(consumeCommitted(again.bootstrapServers(), topic, 1, TIMEOUT))).containsExactly("kept");
        }
        assertThat(Files.isDirectory(logDir)).isTrue();
    }

    private static void sendValues(Producer<byte[], byte[]> producer, String topic, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            sendAndWait(producer, new ProducerRecord<>(topic, bytes("k" + i), bytes(prefix + i)));
        }
    }

    private static List<String> expectedValues(int before, int down, int after) {
        List<String> expected = new ArrayList<>();
        IntStream.range(0, before).forEach(i -> expected.add("before-" + i));
        IntStream.range(0, down).forEach(i -> expected.add("down-" + i));
        IntStream.range(0, after).forEach(i -> expected.add("after-" + i));
        return expected;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.warn("Could not close {}", socket, e);
        }
    }
}
