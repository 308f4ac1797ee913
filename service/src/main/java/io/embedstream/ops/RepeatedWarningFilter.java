package io.embedstream.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Marker;
import org.slf4j.helpers.BasicMarkerFactory;

/**
 * Keeps a broker outage from flooding the log: of the WARN and ERROR lines of the loggers under
 * {@code loggerPrefix} (default {@code org.apache.kafka}) that say the same thing, it lets the first {@code burst}
 * (default 3) through per {@code intervalMs} (default 60 s) and drops the rest; when the interval is over it logs
 * one line: "suppressed K similar lines in the last N s; the last: ...". When it starts dropping, it says so at
 * once ("the line above repeated 3 times; similar lines ... are suppressed for the next N s, then counted"), so
 * that a reader knows, even if the process ends before the summary.
 *
 * <p>"The same thing" is the logger plus the message with its client prefix ({@code [Producer clientId=...] })
 * cut off and every number replaced by {@code #}: Kafka formats its messages before they reach logback, so
 * "Connection to node -1 (/10.0.0.1:9092) could not be established" from the admin client, the producer and the
 * consumers of all stream threads is one kind of line.
 *
 * <p>Summaries are written when a line of the same kind comes after the interval, or otherwise at the next INFO
 * or higher line from any logger once the interval is over (the service logs a progress line every 30 s), so
 * the count of the last burst is not lost when the outage ends. Configured in {@code logback.xml}:
 *
 * <pre>{@code <turboFilter class="io.embedstream.ops.RepeatedWarningFilter">
 *   <burst>3</burst> <intervalMs>60000</intervalMs> <loggerPrefix>org.apache.kafka</loggerPrefix>
 * </turboFilter>}</pre>
 *
 * Thread-safe; memory is bounded ({@value #MAX_KINDS} kinds of line at once; beyond that new kinds pass unfiltered).
 */
public final class RepeatedWarningFilter extends TurboFilter {

    /**
     * Marks the summary lines, which pass this filter. Made without {@code MarkerFactory}: logback creates this
     * filter while SLF4J is still initialising, before its marker factory exists.
     */
    public static final Marker SUMMARY = new BasicMarkerFactory().getMarker("EMBEDSTREAM_SUPPRESSED_SUMMARY");
    static final int MAX_KINDS = 10_000;

    private static final Pattern CLIENT_PREFIX = Pattern.compile("^\\[[^\\]]*\\]\\s*");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private int burst = 3;
    private long intervalMs = 60_000;
    private String loggerPrefix = "org.apache.kafka";
    private LongSupplier clockMs = () -> System.nanoTime() / 1_000_000;

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong nextSweepMs = new AtomicLong(Long.MIN_VALUE);

    /** One kind of line in its current interval. Guarded by itself. */
    private static final class Window {
        final Logger logger;
        final Level level;
        long startMs;
        int passed;
        int suppressed;
        String lastSuppressed;

        Window(Logger logger, Level level, long startMs) {
            this.logger = logger;
            this.level = level;
            this.startMs = startMs;
        }
    }

    /** A summary to log once no lock is held. */
    private record Summary(Logger logger, Level level, int count, long seconds, String last) {}

    public void setBurst(int burst) {
        this.burst = Math.max(1, burst);
    }

    public void setIntervalMs(long intervalMs) {
        this.intervalMs = Math.max(1, intervalMs);
    }

    public void setLoggerPrefix(String loggerPrefix) {
        this.loggerPrefix = loggerPrefix == null ? "" : loggerPrefix.trim();
    }

    /** For tests: a clock in milliseconds. */
    void setClock(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
            Throwable t) {
        if (level == null || format == null || !isStarted() || level.levelInt < Level.INFO_INT
                || (marker != null && marker.contains(SUMMARY))) {
            return FilterReply.NEUTRAL;
        }
        long now = clockMs.getAsLong();
        List<Summary> due = sweepIfDue(now);
        FilterReply reply = FilterReply.NEUTRAL;
        if (level.levelInt >= Level.WARN_INT && logger.getName().startsWith(loggerPrefix)) {
            reply = count(logger, level, format, params, now, due);
        }
        due.forEach(this::write);
        return reply;
    }

    private FilterReply count(Logger logger, Level level, String format, Object[] params, long now, List<Summary> due) {
        String kind = logger.getName() + '|' + NUMBER.matcher(CLIENT_PREFIX.matcher(format).replaceFirst(""))
                .replaceAll("#");
        Window window = windows.get(kind);
        if (window == null) {
            if (windows.size() >= MAX_KINDS) {
                return FilterReply.NEUTRAL;
            }
            window = windows.computeIfAbsent(kind, k -> new Window(logger, level, now));
        }
        synchronized (window) {
            if (now - window.startMs >= intervalMs) {
                summaryOf(window, now).ifPresent(due::add);
                window.startMs = now;
                window.passed = 0;
            }
            if (window.passed < burst) {
                window.passed++;
                return FilterReply.NEUTRAL;
            }
            window.suppressed++;
            window.lastSuppressed = params == null || params.length == 0 ? format
                    : org.slf4j.helpers.MessageFormatter.arrayFormat(format, params).getMessage();
            if (window.suppressed == 1) {
                due.add(new Summary(logger, level, 0, Math.max(1, (window.startMs + intervalMs - now + 999) / 1000),
                        null));
            }
            return FilterReply.DENY;
        }
    }

    /** Summaries of the intervals that are over; at most one sweep per second. */
    private List<Summary> sweepIfDue(long now) {
        long next = nextSweepMs.get();
        if (now < next || !nextSweepMs.compareAndSet(next, now + Math.min(1000, intervalMs))) {
            return new ArrayList<>(0);
        }
        List<Summary> due = new ArrayList<>();
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            Window window = it.next();
            synchronized (window) {
                if (now - window.startMs >= intervalMs) {
                    summaryOf(window, now).ifPresent(due::add);
                    it.remove();
                }
            }
        }
        return due;
    }

    /** The summary of a window whose interval is over, and resets its count. Caller holds the window's lock. */
    private java.util.Optional<Summary> summaryOf(Window window, long now) {
        if (window.suppressed == 0) {
            return java.util.Optional.empty();
        }
        Summary summary = new Summary(window.logger, window.level, window.suppressed,
                Math.max(1, (now - window.startMs) / 1000), window.lastSuppressed);
        window.suppressed = 0;
        window.lastSuppressed = null;
        return java.util.Optional.of(summary);
    }

    /** A summary of {@code count} suppressed lines, or with count 0 the notice that suppression starts. */
    private void write(Summary s) {
        String text;
        Object[] args;
        if (s.count() == 0) {
            text = "the line above repeated {} times; similar lines from this logger are suppressed for the next {} s,"
                    + " then counted";
            args = new Object[] {burst, s.seconds()};
        } else {
            text = "suppressed {} similar lines in the last {} s; the last: {}";
            args = new Object[] {s.count(), s.seconds(), s.last()};
        }
        if (s.level().levelInt >= Level.ERROR_INT) {
            s.logger().error(SUMMARY, text, args);
        } else {
            s.logger().warn(SUMMARY, text, args);
        }
    }
}
