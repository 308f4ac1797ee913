package io.embedstream.dev.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What can be checked without starting a broker; the broker itself is tested by EmbeddedKafkaBrokerIT. */
class EmbeddedKafkaBrokerTest {

    @Test
    void shouldWriteNothingAndBindNothingUntilStarted() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();

        assertThat(broker.isRunning()).isFalse();
        assertThat(broker.logDir()).isNull();
        assertThat(broker.brokerPort()).isZero();
        assertThatThrownBy(broker::bootstrapServers)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
        assertThatThrownBy(() -> broker.createTopics(1, "t"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("NEW");
        broker.close();
        broker.close();
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("CLOSED");
    }

    @Test
    void shouldKeepBuilderChosenPortsAndLogDir(@TempDir Path dir) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .brokerPort(19092).controllerPort(19093).logDir(dir).build();

        assertThat(broker.brokerPort()).isEqualTo(19092);
        assertThat(broker.controllerPort()).isEqualTo(19093);
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(broker.logDir()).isEqualTo(dir.toAbsolutePath());
        broker.close();
        assertThat(dir).as("a caller-owned log dir is kept").isDirectory();
    }

    @Test
    void shouldRejectInvalidPortsWithTheNameAndValue() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerPort(70000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("brokerPort").hasMessageContaining("70000");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerPort(9092).controllerPort(9092).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9092");
    }

    @Test
    void shouldRecogniseABindFailureAnywhereInTheCauseChain() {
        Exception kafkaStyle = new KafkaException("Socket server failed to bind to 127.0.0.1:9092",
                new BindException("Address already in use"));

        assertThat(PortInUseException.isBindFailure(new RuntimeException(kafkaStyle))).isTrue();
        assertThat(PortInUseException.isBindFailure(new KafkaException("other", new IOException("x")))).isFalse();
    }

    @Test
    void shouldFormatALogDirOnceAndKeepItsClusterId(@TempDir Path dir) throws IOException {
        Path logDir = dir.resolve("logs");
        var props = BrokerProperties.of(1, "127.0.0.1", 19092, 19093, logDir, Map.of());

        String first = StorageFormatter.formatIfNeeded(props, logDir, "AAAAAAAAAAAAAAAAAAAAAA");
        String second = StorageFormatter.formatIfNeeded(props, logDir, "BBBBBBBBBBBBBBBBBBBBBB");

        assertThat(first).isEqualTo("AAAAAAAAAAAAAAAAAAAAAA");
        assertThat(second).as("an already formatted dir keeps its cluster id").isEqualTo(first);
        assertThat(Files.readString(logDir.resolve("meta.properties"))).contains("cluster.id=" + first);
    }

    @Test
    void shouldReportAFailedFormatWithTheToolsMessage(@TempDir Path dir) {
        Path logDir = dir.resolve("logs");
        var props = BrokerProperties.of(1, "127.0.0.1", 19092, 19093, logDir, Map.of());
        props.remove("process.roles"); // not a KRaft node any more: the storage tool refuses

        assertThatThrownBy(() -> StorageFormatter.formatIfNeeded(props, logDir, "AAAAAAAAAAAAAAAAAAAAAA"))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining(logDir.toString())
                .hasMessageContaining("process.roles");
    }
}
