package io.embedstream.stream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the batch buffers of all tasks in this instance hold, and the request to drain them on
 * shutdown. Processors report into it; the runner asks it to drain before closing Kafka Streams, so
 * that a graceful shutdown leaves no record waiting. Thread-safe.
 */
public final class BatchBuffers {

    private final AtomicLong pending = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();

    void added(long n) {
        pending.addAndGet(n);
    }

    void removed(long n) {
        pending.addAndGet(-n);
    }

    /** Records buffered in this instance and not yet forwarded. */
    public long pending() {
        return pending.get();
    }

    /** Asks every processor to flush at its next punctuation, whatever its linger time. */
    public void drain() {
        draining.set(true);
    }

    public boolean draining() {
        return draining.get();
    }

    /** Waits until the buffers are empty; returns whether they emptied within the timeout. */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
