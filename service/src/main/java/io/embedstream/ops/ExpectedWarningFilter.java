package io.embedstream.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.regex.Pattern;
import org.slf4j.Marker;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;

/**
 * Demotes one kind of WARN line that is part of normal operation, and that a user can do nothing about, to DEBUG:
 * a WARN from a logger under {@code logger} whose message matches {@code pattern} (a regular expression, found
 * anywhere in the formatted message) is logged at DEBUG instead (so it is still there for whoever turns DEBUG on).
 * One instance per kind of line, each with its reason, in {@code logback.xml}:
 *
 * <pre>{@code <turboFilter class="io.embedstream.ops.ExpectedWarningFilter">
 *   <logger>org.apache.kafka.clients.producer.internals.Sender</logger>
 *   <pattern>retrying \(\d+ attempts left\)\. Error: CONCURRENT_TRANSACTIONS</pattern>
 * </turboFilter>}</pre>
 *
 * Thread-safe once started.
 */
public final class ExpectedWarningFilter extends TurboFilter {

    private static final Marker DEMOTED = new BasicMarkerFactory().getMarker("EMBEDSTREAM_DEMOTED_WARNING");

    private String logger = "";
    private Pattern pattern;

    public void setLogger(String logger) {
        this.logger = logger == null ? "" : logger.trim();
    }

    public void setPattern(String regex) {
        this.pattern = Pattern.compile(regex.trim());
    }

    @Override
    public void start() {
        if (pattern == null) {
            addError("ExpectedWarningFilter needs a <pattern>");
            return;
        }
        super.start();
    }

    @Override
    public FilterReply decide(Marker marker, Logger log, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.WARN || format == null || !isStarted() || (marker != null && marker.contains(DEMOTED))
                || !log.getName().startsWith(logger)) {
            return FilterReply.NEUTRAL;
        }
        String message = params == null || params.length == 0 ? format
                : MessageFormatter.arrayFormat(format, params).getMessage();
        if (!pattern.matcher(message).find()) {
            return FilterReply.NEUTRAL;
        }
        if (log.isDebugEnabled()) {
            log.debug(DEMOTED, message, t);
        }
        return FilterReply.DENY;
    }
}
