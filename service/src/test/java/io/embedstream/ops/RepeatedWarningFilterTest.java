package io.embedstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The flood filter in a logback context of its own, with a clock the test moves. */
class RepeatedWarningFilterTest {

    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger kafka;
    private Logger ours;

    @BeforeEach
    void setUp() {
        RepeatedWarningFilter filter = new RepeatedWarningFilter();
        filter.setContext(context);
        filter.setBurst(3);
        filter.setIntervalMs(60_000);
        filter.setLoggerPrefix("org.apache.kafka");
        filter.setClock(nowMs::get);
        filter.start();
        context.addTurboFilter(filter);
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        kafka = context.getLogger("org.apache.kafka.clients.NetworkClient");
        ours = context.getLogger("io.embedstream.app.StreamsRunner");
    }

    private List<String> messages() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** As Kafka logs it: already formatted, with the client's prefix. */
    private void connectionWarning(String client, int node) {
        kafka.warn("[" + client + "] Connection to node " + node + " (/127.0.0.1:9092) could not be established. "
                + "Node may not be available.");
    }

    @Test
    void shouldLetTheFirstThreeThroughThenSayItSuppressesThenSummarise() {
        for (int i = 0; i < 100; i++) {
            connectionWarning(i % 2 == 0 ? "AdminClient clientId=a" : "Producer clientId=p-" + i, -1);
            nowMs.addAndGet(100);
        }
        assertThat(messages()).hasSize(4);
        assertThat(messages().subList(0, 3)).allMatch(m -> m.contains("could not be established"));
        assertThat(messages().get(3)).isEqualTo("the line above repeated 3 times; similar lines from this logger are "
                + "suppressed for the next 60 s, then counted");

        nowMs.addAndGet(60_000);
        connectionWarning("Consumer clientId=c", -1);
        assertThat(messages()).hasSize(6);
        assertThat(messages().get(4)).startsWith("suppressed 97 similar lines in the last 70 s; the last: "
                + "[Producer clientId=p-99] Connection to node -1");
        assertThat(appender.list.get(4).getLevel()).isEqualTo(Level.WARN);
        assertThat(appender.list.get(4).getLoggerName()).isEqualTo("org.apache.kafka.clients.NetworkClient");
        assertThat(messages().get(5)).startsWith("[Consumer clientId=c] Connection to node -1");
    }

    @Test
    void shouldWriteTheSummaryAtTheNextInfoLineWhenTheOutageIsOver() {
        for (int i = 0; i < 10; i++) {
            connectionWarning("AdminClient clientId=a", 1);
        }
        assertThat(messages()).hasSize(4);
        nowMs.addAndGet(61_000);
        ours.info("Progress (last 30 s): ...");
        assertThat(messages()).hasSize(6);
        assertThat(messages().get(4)).startsWith("suppressed 7 similar lines in the last 61 s");
        assertThat(messages().get(5)).isEqualTo("Progress (last 30 s): ...");
        ours.info("next");
        assertThat(messages()).as("each summary once").hasSize(7);
    }

    @Test
    void shouldTreatDifferentMessagesAndOtherLoggersAndLevelsSeparately() {
        for (int i = 0; i < 10; i++) {
            kafka.warn("[Producer clientId=p] Bootstrap broker 127.0.0.1:9092 (id: -1) disconnected");
            connectionWarning("AdminClient clientId=a", 1);
            ours.warn("Dead-lettered UNDECODABLE: record t-0@" + i);
            kafka.info("not a warning " + i);
        }
        List<String> m = messages();
        assertThat(m.stream().filter(s -> s.contains("Bootstrap broker"))).hasSize(3);
        assertThat(m.stream().filter(s -> s.contains("could not be established"))).hasSize(3);
        assertThat(m.stream().filter(s -> s.startsWith("Dead-lettered"))).as("outside the prefix: all").hasSize(10);
        assertThat(m.stream().filter(s -> s.startsWith("the line above"))).hasSize(2);
    }

    @Test
    void shouldSummariseErrorsAtErrorLevel() {
        for (int i = 0; i < 5; i++) {
            kafka.error("[Consumer clientId=c] Offset commit failed on partition t-" + i);
        }
        nowMs.addAndGet(60_000);
        ours.info("tick");
        ILoggingEvent summary = appender.list.stream().filter(e -> e.getFormattedMessage().startsWith("suppressed"))
                .findFirst().orElseThrow();
        assertThat(summary.getLevel()).isEqualTo(Level.ERROR);
        assertThat(summary.getFormattedMessage()).startsWith("suppressed 2 similar lines");
    }
}
