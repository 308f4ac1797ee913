package io.embedstream.fetch;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * One deadline ({@code image.read-timeout-ms}) for one HTTP exchange: TLS handshake, response head and body
 * together. HttpClient's own timeouts are per read, so a server that trickles a byte now and then would never hit
 * them; this deadline cannot be outrun that way.
 *
 * <p>It starts once the TCP connection is up: for HTTPS when the TLS handshake begins, otherwise just before the
 * request is sent (see {@link ImageHttpClient}, which finds it in the exchange's {@link HttpContext}). When it
 * passes, a timer cancels the exchange, which closes the connection at once, so even a read that is blocked
 * fails immediately; {@link #check()} also fails every later read.
 *
 * <p>Thread-safe: the fetching thread starts, checks and closes it; the timer thread expires it. The owner must
 * {@link #close()} it so that the timer forgets it.
 */
final class ReadDeadline implements AutoCloseable {
    private static final String ATTRIBUTE = ReadDeadline.class.getName();

    private final ScheduledExecutorService timer;
    private final long timeoutMs;
    private final Cancellable exchange;
    private volatile boolean started;
    private volatile long deadlineNanos;
    private volatile boolean expired;
    private ScheduledFuture<?> alarm; // guarded by this

    /**
     * @param timer     runs the expiry; not owned
     * @param timeoutMs the time from {@link #start()} to expiry
     * @param exchange  cancelled when the deadline passes (an HttpClient request)
     */
    ReadDeadline(ScheduledExecutorService timer, long timeoutMs, Cancellable exchange) {
        this.timer = Objects.requireNonNull(timer, "timer");
        this.timeoutMs = timeoutMs;
        this.exchange = Objects.requireNonNull(exchange, "exchange");
    }

    /** Makes this deadline the one that {@link #of(HttpContext)} finds for the exchange. */
    void attachTo(HttpContext context) {
        context.setAttribute(ATTRIBUTE, this);
    }

    /** The deadline of the exchange that {@code context} belongs to, or null if it has none. */
    static ReadDeadline of(HttpContext context) {
        return context != null && context.getAttribute(ATTRIBUTE) instanceof ReadDeadline d ? d : null;
    }

    /**
     * Starts the clock; later calls do nothing.
     *
     * @throws InterruptedIOException if the timer was shut down (the fetcher is closing)
     */
    synchronized void start() throws InterruptedIOException {
        if (started) {
            return;
        }
        deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        started = true;
        try {
            alarm = timer.schedule(this::expire, timeoutMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            InterruptedIOException closed = new InterruptedIOException("the image fetcher was closed");
            closed.initCause(e);
            throw closed;
        }
    }

    /** Whether {@link #start()} was called, which means the TCP connection had been established. */
    boolean started() {
        return started;
    }

    boolean expired() {
        return expired || (started && System.nanoTime() - deadlineNanos >= 0);
    }

    /** @throws SocketTimeoutException if the deadline has passed */
    void check() throws SocketTimeoutException {
        if (expired()) {
            throw new SocketTimeoutException("read deadline of " + timeoutMs + " ms passed");
        }
    }

    private void expire() {
        expired = true;
        exchange.cancel();
    }

    /** Stops the timer for this deadline. Idempotent. */
    @Override
    public synchronized void close() {
        if (alarm != null) {
            alarm.cancel(false);
        }
    }
}
