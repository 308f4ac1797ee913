package io.embedstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.config.LogFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Switching a running logback context to JSON, as {@code run} does after reading {@code logging.format}. */
class LogSetupTest {

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private Logger configured() {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        return context.getLogger("io.embedstream.app.EmbedService");
    }

    @Test
    void shouldWriteOneJsonObjectPerLineAfterSwitchingToJson() throws Exception {
        Logger log = configured();
        log.info("before the switch");
        LogSetup.apply(context, LogFormat.JSON);
        log.warn("Progress: {} records", 42);
        log.error("failed", new IllegalStateException("boom"));

        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines[0]).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}([+-]\\d\\d:\\d\\d|Z) INFO  "
                + "\\[main] io\\.embedstream\\.app\\.EmbedService - before the switch");
        ObjectMapper json = new ObjectMapper();
        JsonNode warn = json.readTree(lines[1]);
        assertThat(warn.get("level").asText()).isEqualTo("WARN");
        assertThat(warn.get("loggerName").asText()).isEqualTo("io.embedstream.app.EmbedService");
        assertThat(warn.get("formattedMessage").asText()).isEqualTo("Progress: 42 records");
        assertThat(warn.get("timestamp").asLong()).isPositive();
        assertThat(warn.has("threadName")).isTrue();
        JsonNode error = json.readTree(lines[2]);
        assertThat(error.get("throwable").get("className").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.get("throwable").get("message").asText()).isEqualTo("boom");
        assertThat(lines).hasSize(3);
    }

    @Test
    void shouldLeaveTextAlone() {
        Logger log = configured();
        LogSetup.apply(context, LogFormat.TEXT);
        log.info("plain");
        assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("io.embedstream.app.EmbedService - plain\n");
    }
}
