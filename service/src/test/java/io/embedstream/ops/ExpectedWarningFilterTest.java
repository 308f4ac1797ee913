package io.embedstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The filters as the shipped {@code logback.xml} configures them, in a logback context of the test's own. */
class ExpectedWarningFilterTest {

    private static final String RETRY = "[Producer clientId=app-StreamThread-1-producer, transactionalId=app-1] Got "
            + "error produce response with correlation id 20 on topic-partition out-0, retrying (2147483646 attempts "
            + "left). Error: CONCURRENT_TRANSACTIONS";

    private ListAppender<ILoggingEvent> configured(LoggerContext context) throws Exception {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try (InputStream xml = ExpectedWarningFilterTest.class.getResourceAsStream("/logback.xml")) {
            configurator.doConfigure(xml);
        }
        assertThat(context.getTurboFilterList()).extracting(f -> f.getClass().getSimpleName())
                .containsExactly("ExpectedWarningFilter", "ExpectedWarningFilter", "ExpectedWarningFilter",
                        "RepeatedWarningFilter", "RepeatedWarningFilter");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return appender;
    }

    @Test
    void shouldDemoteTheTransientTransactionRetryToDebugAndLeaveOtherWarnings() throws Exception {
        LoggerContext context = new LoggerContext();
        ListAppender<ILoggingEvent> appender = configured(context);
        Logger sender = context.getLogger("org.apache.kafka.clients.producer.internals.Sender");

        sender.warn(RETRY);
        sender.warn(RETRY.replace("CONCURRENT_TRANSACTIONS", "NOT_LEADER_OR_FOLLOWER"));
        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly(RETRY.replace("CONCURRENT_TRANSACTIONS", "NOT_LEADER_OR_FOLLOWER"));

        sender.setLevel(Level.DEBUG);
        sender.warn(RETRY);
        assertThat(appender.list).hasSize(2);
        assertThat(appender.list.get(1).getLevel()).isEqualTo(Level.DEBUG);
        assertThat(appender.list.get(1).getFormattedMessage()).isEqualTo(RETRY);
    }

    @Test
    void shouldPassTenDeadLetterLinesPerMinuteAndThenSayTheRestAreSuppressed() throws Exception {
        LoggerContext context = new LoggerContext();
        ListAppender<ILoggingEvent> appender = configured(context);
        Logger processor = context.getLogger("io.embedstream.stream.EmbeddingProcessor");
        for (int i = 0; i < 50; i++) {
            processor.warn("Dead-lettered {}: {}", "UNDECODABLE", "record in-0@" + i + ": not Avro");
        }
        assertThat(appender.list).filteredOn(e -> e.getFormattedMessage().startsWith("Dead-lettered"))
                .hasSize(10);
        assertThat(appender.list).filteredOn(e -> e.getFormattedMessage().contains("suppressed")).hasSize(1);
    }
}
