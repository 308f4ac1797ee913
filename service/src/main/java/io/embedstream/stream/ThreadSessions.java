package io.embedstream.stream;

import io.embedstream.model.EmbeddingModel;
import io.embedstream.model.InferenceSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link InferenceSession} per stream thread. A thread may run many tasks; they all use the
 * session that the thread opened on first use. Whether that session has a TF session of its own
 * is the model's business ({@code model.sessions}). The runner owns this object and closes it after
 * Kafka Streams has stopped, which closes every session it opened. Thread-safe.
 */
public final class ThreadSessions implements Supplier<InferenceSession>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadSessions.class);

    private final EmbeddingModel model;
    private final ConcurrentHashMap<Thread, InferenceSession> sessions = new ConcurrentHashMap<>();

    public ThreadSessions(EmbeddingModel model) {
        this.model = model;
    }

    /** The calling thread's session, opened on first use. */
    @Override
    public InferenceSession get() {
        return sessions.computeIfAbsent(Thread.currentThread(), thread -> {
            LOG.info("Opening a model session for thread {}", thread.getName());
            return model.openSession();
        });
    }

    public int openSessions() {
        return sessions.size();
    }

    @Override
    public void close() {
        List<InferenceSession> all = new ArrayList<>(sessions.values());
        sessions.clear();
        for (InferenceSession session : all) {
            session.close();
        }
    }
}
