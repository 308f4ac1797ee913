package io.embedstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.embedstream.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams 4.4 warns about {@code processing.exception.handler.global.enabled} on every start unless its
 * partition assignor, too, sees the setting; the settings must reach it. Builds a real {@link KafkaStreams} (no
 * broker needed: nothing connects before {@code start}).
 */
class StreamsStartupWarningsTest {

    @TempDir
    Path stateDir;

    @Test
    void shouldNotWarnAboutTheGlobalProcessingExceptionHandler() {
        Properties props = StreamsSettings.of(new ConfigLoader().load(null, Map.of(), Map.of("topics.input", "in",
                "topics.output", "out", "kafka.bootstrap.servers", "127.0.0.1:9", "registry.url", "http://r",
                "model.dir", "/m", "kafka.state.dir", stateDir.toString())));
        Topology topology = new Topology();
        topology.addSource("source", "in");
        topology.addSink("sink", "out", "source");

        Logger streamsConfig = (Logger) LoggerFactory.getLogger("org.apache.kafka.streams.StreamsConfig");
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        streamsConfig.addAppender(warnings);
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.CREATED);
            streams.close(Duration.ZERO);
        } finally {
            streamsConfig.detachAppender(warnings);
        }
        assertThat(warnings.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }
}
