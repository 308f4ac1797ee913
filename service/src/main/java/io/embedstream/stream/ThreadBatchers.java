package io.embedstream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One {@link ThreadBatcher} (with its inference worker and TF session) per stream thread, created when the
 * thread's first task starts. The runner owns this object and closes it after Kafka Streams has stopped, which
 * stops every worker and closes every session. Thread-safe.
 */
public final class ThreadBatchers<T> implements AutoCloseable {

    private final Function<Thread, ThreadBatcher<T>> factory;
    private final ConcurrentHashMap<Thread, ThreadBatcher<T>> batchers = new ConcurrentHashMap<>();

    ThreadBatchers(Function<Thread, ThreadBatcher<T>> factory) {
        this.factory = factory;
    }

    /**
     * The calling stream thread's batcher. A new one also closes the batchers of stream threads that have died
     * (a thread replaced after a refused record, see {@link ProducerRejections}), with their workers and sessions.
     */
    ThreadBatcher<T> forCurrentThread() {
        ThreadBatcher<T> mine = batchers.get(Thread.currentThread());
        if (mine != null) {
            return mine;
        }
        List<Thread> dead = batchers.keySet().stream().filter(t -> !t.isAlive()).toList();
        for (Thread t : dead) {
            ThreadBatcher<T> orphan = batchers.remove(t);
            if (orphan != null) {
                orphan.close();
            }
        }
        return batchers.computeIfAbsent(Thread.currentThread(), factory);
    }

    /** How many stream threads have a batcher (and so a worker and a session). */
    public int size() {
        return batchers.size();
    }

    @Override
    public void close() {
        List<ThreadBatcher<T>> all = new ArrayList<>(batchers.values());
        batchers.clear();
        all.forEach(ThreadBatcher::close);
    }
}
