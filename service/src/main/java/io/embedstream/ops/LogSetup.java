package io.embedstream.ops;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import io.embedstream.config.LogFormat;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code logging.format} at start-up, after the configuration is read (logback has long been initialised
 * by then, from {@code logback.xml}): with {@code json}, every appender that writes a stream (the console, files)
 * gets logback's {@link JsonEncoder}, so each event becomes one JSON object per line with {@code timestamp},
 * {@code level}, {@code threadName}, {@code loggerName}, {@code formattedMessage}, and {@code throwable} when
 * there is one. With {@code text} nothing changes. Reconfiguring the running context, rather than choosing a
 * file before logback starts, works whatever was logged before and with a user's own {@code logback.xml}.
 *
 * <p>Called once, from {@code main}'s thread, before the service starts its threads.
 */
public final class LogSetup {

    private static volatile boolean json;

    private LogSetup() {}

    /** Switches the JVM's logback context to {@code format}; false if logback is not the SLF4J binding. */
    public static boolean apply(LogFormat format) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return false;
        }
        apply(context, format);
        json = format == LogFormat.JSON;
        return true;
    }

    /** Switches {@code context}: with JSON, replaces the encoder of each stream appender of every logger. */
    public static void apply(LoggerContext context, LogFormat format) {
        if (format != LogFormat.JSON) {
            return;
        }
        for (OutputStreamAppender<ILoggingEvent> appender : streamAppenders(context)) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(context);
            encoder.setWithSequenceNumber(false);
            encoder.setWithNanoseconds(false);
            encoder.setWithContext(false);
            encoder.setWithMessage(false);
            encoder.setWithArguments(false);
            encoder.setWithFormattedMessage(true);
            encoder.start();
            // Swapped in place: stopping the appender would close its stream, and only some appenders reopen theirs.
            appender.setEncoder(encoder);
        }
    }

    /** Whether the JVM's logging is JSON, so that the command line reports its last error as a log event too. */
    public static boolean isJson() {
        return json;
    }

    private static List<OutputStreamAppender<ILoggingEvent>> streamAppenders(LoggerContext context) {
        List<OutputStreamAppender<ILoggingEvent>> out = new ArrayList<>();
        for (ch.qos.logback.classic.Logger logger : context.getLoggerList()) {
            for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
                if (it.next() instanceof OutputStreamAppender<ILoggingEvent> stream && !out.contains(stream)) {
                    out.add(stream);
                }
            }
        }
        return out;
    }
}
