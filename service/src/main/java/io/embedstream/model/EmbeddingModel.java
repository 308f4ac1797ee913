package io.embedstream.model;

/**
 * A loaded model with its embedding layer resolved. Thread-safe: any thread may open sessions.
 * The creator owns it and closes it after every session it opened is closed.
 */
public interface EmbeddingModel extends AutoCloseable {

    ModelDescription description();

    /** Opens a session for the calling thread; the caller closes it. */
    InferenceSession openSession();

    @Override
    void close();
}
